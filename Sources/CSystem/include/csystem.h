#ifndef CSYSTEM_H
#define CSYSTEM_H

#include <stdint.h>
#include <sys/types.h>

/// Thin wrappers over Linux calls that the Glibc module hides (it is built without _GNU_SOURCE)
/// or imports awkwardly (packed structs, variadic calls).

int csystem_epoll_create(void);
/// Adds, modifies or deletes `fd` in the epoll set with `events`, storing `fd` as the user data.
int csystem_epoll_ctl(int epfd, int op, int fd, uint32_t events);
/// Waits for events and copies them into two plain arrays, so Swift never steps through the packed
/// `struct epoll_event`.
int csystem_epoll_wait(int epfd, int32_t *fds, uint32_t *events, int max_events, int timeout_ms);

int csystem_accept4(int fd);
int csystem_eventfd(void);
int csystem_socket_unix(void);

/// Reads the uid of the process on the other end of a Unix socket (SO_PEERCRED). Returns 0 on success.
int csystem_peer_uid(int fd, uint32_t *uid, int32_t *pid);

/// Binds `fd` to `path`. Returns -1 with errno ENAMETOOLONG when the path does not fit sun_path.
int csystem_bind_unix(int fd, const char *path);
int csystem_connect_unix(int fd, const char *path);
/// The largest path length in bytes that fits `sun_path` with its terminating NUL.
int csystem_unix_path_max(void);

/// Installs a handler for SIGTERM, SIGINT and SIGHUP that writes the signal number as one byte to `write_fd`
/// (a pipe), and ignores SIGPIPE. A handler works whichever thread the kernel picks, unlike masks.
int csystem_catch_termination(int write_fd);

/// Unblocks SIGTERM, SIGINT and SIGHUP for the calling thread. A process started from a thread that blocks
/// signals (Swift's concurrency threads do) inherits that mask, and the signals would never arrive.
int csystem_unblock_termination(void);

/// The abbreviation of a signal's name without "SIG" ("KILL" for 9), or NULL for an unknown number.
const char *csystem_signal_abbreviation(int signal_number);

uint32_t csystem_epollin(void);
uint32_t csystem_epollout(void);
uint32_t csystem_epollrdhup(void);
uint32_t csystem_epollerr(void);
uint32_t csystem_epollhup(void);
int csystem_epoll_ctl_add(void);
int csystem_epoll_ctl_mod(void);
int csystem_epoll_ctl_del(void);
int csystem_msg_nosignal(void);

#endif
