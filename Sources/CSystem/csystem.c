#define _GNU_SOURCE
#include "csystem.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>

int csystem_epoll_create(void) {
    return epoll_create1(EPOLL_CLOEXEC);
}

int csystem_epoll_ctl(int epfd, int op, int fd, uint32_t events) {
    struct epoll_event event;
    memset(&event, 0, sizeof(event));
    event.events = events;
    event.data.fd = fd;
    return epoll_ctl(epfd, op, fd, &event);
}

int csystem_epoll_wait(int epfd, int32_t *fds, uint32_t *events, int max_events, int timeout_ms) {
    struct epoll_event buffer[256];
    if (max_events > 256) {
        max_events = 256;
    }
    int count = epoll_wait(epfd, buffer, max_events, timeout_ms);
    for (int i = 0; i < count; i++) {
        fds[i] = buffer[i].data.fd;
        events[i] = buffer[i].events;
    }
    return count;
}

int csystem_accept4(int fd) {
    return accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
}

int csystem_eventfd(void) {
    return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
}

int csystem_socket_unix(void) {
    return socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
}

int csystem_peer_uid(int fd, uint32_t *uid, int32_t *pid) {
    struct ucred credentials;
    socklen_t length = sizeof(credentials);
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) != 0) {
        return -1;
    }
    *uid = credentials.uid;
    *pid = credentials.pid;
    return 0;
}

static int fill_address(struct sockaddr_un *address, const char *path) {
    size_t length = strlen(path);
    if (length >= sizeof(address->sun_path)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memset(address, 0, sizeof(*address));
    address->sun_family = AF_UNIX;
    memcpy(address->sun_path, path, length + 1);
    return 0;
}

int csystem_bind_unix(int fd, const char *path) {
    struct sockaddr_un address;
    if (fill_address(&address, path) != 0) {
        return -1;
    }
    return bind(fd, (struct sockaddr *)&address, sizeof(address));
}

int csystem_connect_unix(int fd, const char *path) {
    struct sockaddr_un address;
    if (fill_address(&address, path) != 0) {
        return -1;
    }
    return connect(fd, (struct sockaddr *)&address, sizeof(address));
}

int csystem_unix_path_max(void) {
    struct sockaddr_un address;
    return (int)sizeof(address.sun_path) - 1;
}

static volatile int termination_fd = -1;

static void on_termination(int signal_number) {
    int saved = errno;
    unsigned char byte = (unsigned char)signal_number;
    if (termination_fd >= 0) {
        ssize_t ignored = write(termination_fd, &byte, 1);
        (void)ignored;
    }
    errno = saved;
}

int csystem_unblock_termination(void) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    return pthread_sigmask(SIG_UNBLOCK, &set, NULL);
}

int csystem_catch_termination(int write_fd) {
    termination_fd = write_fd;
    struct sigaction action;
    memset(&action, 0, sizeof(action));
    action.sa_handler = on_termination;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    if (sigaction(SIGTERM, &action, NULL) != 0 || sigaction(SIGINT, &action, NULL) != 0
        || sigaction(SIGHUP, &action, NULL) != 0) {
        return -1;
    }
    signal(SIGPIPE, SIG_IGN);
    return 0;
}

const char *csystem_signal_abbreviation(int signal_number) {
    return sigabbrev_np(signal_number);
}

uint32_t csystem_epollin(void) { return EPOLLIN; }
uint32_t csystem_epollout(void) { return EPOLLOUT; }
uint32_t csystem_epollrdhup(void) { return EPOLLRDHUP; }
uint32_t csystem_epollerr(void) { return EPOLLERR; }
uint32_t csystem_epollhup(void) { return EPOLLHUP; }
int csystem_epoll_ctl_add(void) { return EPOLL_CTL_ADD; }
int csystem_epoll_ctl_mod(void) { return EPOLL_CTL_MOD; }
int csystem_epoll_ctl_del(void) { return EPOLL_CTL_DEL; }
int csystem_msg_nosignal(void) { return MSG_NOSIGNAL; }
