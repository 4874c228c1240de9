// A minimal C server and load client for the mesh frame format (4-byte big-endian length, then JSON),
// used by `mesh bench` as the physical limit of this machine: the same socket work with no runtime.
//
//   meshbench-c serve SOCKET
//       One thread, epoll, answers every frame with {"jsonrpc":"2.0","id":<id>,"result":"pong"},
//       copying the request's id.
//   meshbench-c load SOCKET CONNECTIONS SECONDS REQUEST_JSON
//       CONNECTIONS client connections, one request in flight each, for SECONDS. The request JSON
//       must contain the text "id":0; the client replaces 0 with a counter so replies can be matched.
//       Prints: requests=<n> seconds=<s> rps=<r> p50_us=<x> p99_us=<y> errors=<e>
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define MAX_FRAME (1 << 20)

static int unix_address(struct sockaddr_un *address, const char *path) {
    if (strlen(path) >= sizeof(address->sun_path)) {
        fprintf(stderr, "socket path too long: %s\n", path);
        return -1;
    }
    memset(address, 0, sizeof(*address));
    address->sun_family = AF_UNIX;
    strcpy(address->sun_path, path);
    return 0;
}

// ---------------------------------------------------------------- server

typedef struct {
    int fd;
    uint8_t *in;
    size_t in_length;
    size_t in_capacity;
} peer_t;

static size_t find_id(const uint8_t *json, size_t length, size_t *id_length) {
    // Finds the value of "id": in a compact request; good enough for the benchmark's own requests.
    for (size_t i = 0; i + 5 < length; i++) {
        if (memcmp(json + i, "\"id\":", 5) == 0) {
            size_t start = i + 5;
            size_t end = start;
            while (end < length && json[end] != ',' && json[end] != '}') {
                end++;
            }
            *id_length = end - start;
            return start;
        }
    }
    *id_length = 4;
    return SIZE_MAX;
}

static void serve_frames(peer_t *peer) {
    size_t offset = 0;
    uint8_t out[65536];
    size_t out_length = 0;
    while (peer->in_length - offset >= 4) {
        const uint8_t *p = peer->in + offset;
        uint32_t length = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
        if (length == 0 || length > MAX_FRAME) {
            close(peer->fd);
            peer->fd = -1;
            return;
        }
        if (peer->in_length - offset - 4 < length) {
            break;
        }
        size_t id_length = 0;
        size_t id_start = find_id(p + 4, length, &id_length);
        char reply[256];
        int reply_length;
        if (id_start == SIZE_MAX || id_length > 64) {
            reply_length = snprintf(reply, sizeof(reply), "{\"jsonrpc\":\"2.0\",\"id\":null,\"result\":\"pong\"}");
        } else {
            reply_length = snprintf(reply, sizeof(reply), "{\"jsonrpc\":\"2.0\",\"id\":%.*s,\"result\":\"pong\"}",
                                    (int)id_length, (const char *)(p + 4 + id_start));
        }
        if (out_length + 4 + reply_length > sizeof(out)) {
            break;
        }
        out[out_length++] = (uint8_t)(reply_length >> 24);
        out[out_length++] = (uint8_t)(reply_length >> 16);
        out[out_length++] = (uint8_t)(reply_length >> 8);
        out[out_length++] = (uint8_t)reply_length;
        memcpy(out + out_length, reply, reply_length);
        out_length += reply_length;
        offset += 4 + length;
    }
    if (offset > 0) {
        memmove(peer->in, peer->in + offset, peer->in_length - offset);
        peer->in_length -= offset;
    }
    size_t sent = 0;
    while (sent < out_length) {
        ssize_t n = send(peer->fd, out + sent, out_length - sent, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN) { usleep(10); continue; }
            close(peer->fd);
            peer->fd = -1;
            return;
        }
        sent += (size_t)n;
    }
}

static int serve(const char *path) {
    struct sockaddr_un address;
    if (unix_address(&address, path) != 0) return 2;
    unlink(path);
    int listener = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (bind(listener, (struct sockaddr *)&address, sizeof(address)) != 0 || listen(listener, 1024) != 0) {
        perror("bind/listen");
        return 2;
    }
    int epoll = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event event = {.events = EPOLLIN, .data.ptr = NULL};
    epoll_ctl(epoll, EPOLL_CTL_ADD, listener, &event);
    struct epoll_event events[256];
    for (;;) {
        int count = epoll_wait(epoll, events, 256, -1);
        for (int i = 0; i < count; i++) {
            peer_t *peer = events[i].data.ptr;
            if (peer == NULL) {
                int fd;
                while ((fd = accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
                    peer_t *created = calloc(1, sizeof(peer_t));
                    created->fd = fd;
                    created->in_capacity = 65536;
                    created->in = malloc(created->in_capacity);
                    struct epoll_event add = {.events = EPOLLIN, .data.ptr = created};
                    epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &add);
                }
                continue;
            }
            for (;;) {
                if (peer->in_capacity - peer->in_length < 4096) {
                    peer->in_capacity *= 2;
                    peer->in = realloc(peer->in, peer->in_capacity);
                }
                ssize_t n = read(peer->fd, peer->in + peer->in_length, peer->in_capacity - peer->in_length);
                if (n > 0) {
                    peer->in_length += (size_t)n;
                    serve_frames(peer);
                    if (peer->fd < 0) break;
                    continue;
                }
                if (n < 0 && errno == EINTR) continue;
                if (n < 0 && errno == EAGAIN) break;
                close(peer->fd);
                peer->fd = -1;
                break;
            }
            if (peer->fd < 0) {
                free(peer->in);
                free(peer);
            }
        }
    }
}

// ---------------------------------------------------------------- load client

typedef struct {
    const char *path;
    const char *request;
    double seconds;
    uint64_t *latencies;
    size_t latency_capacity;
    size_t count;
    size_t errors;
    uint64_t first_id;
} worker_t;

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int read_exact(int fd, uint8_t *buffer, size_t length) {
    size_t got = 0;
    while (got < length) {
        ssize_t n = read(fd, buffer + got, length - got);
        if (n > 0) { got += (size_t)n; continue; }
        if (n < 0 && errno == EINTR) continue;
        return -1;
    }
    return 0;
}

static void *load_worker(void *argument) {
    worker_t *worker = argument;
    struct sockaddr_un address;
    if (unix_address(&address, worker->path) != 0) return NULL;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (connect(fd, (struct sockaddr *)&address, sizeof(address)) != 0) {
        perror("connect");
        worker->errors++;
        return NULL;
    }
    const char *marker = strstr(worker->request, "\"id\":0");
    if (marker == NULL) {
        fprintf(stderr, "request must contain \"id\":0\n");
        return NULL;
    }
    size_t prefix = (size_t)(marker - worker->request) + 5;
    const char *suffix = marker + 6;
    uint8_t frame[65536];
    uint8_t *reply = malloc(MAX_FRAME);
    uint64_t id = worker->first_id;
    uint64_t end = now_ns() + (uint64_t)(worker->seconds * 1e9);
    while (now_ns() < end) {
        int length = snprintf((char *)frame + 4, sizeof(frame) - 4, "%.*s%llu%s", (int)prefix, worker->request,
                              (unsigned long long)id++, suffix);
        frame[0] = (uint8_t)(length >> 24);
        frame[1] = (uint8_t)(length >> 16);
        frame[2] = (uint8_t)(length >> 8);
        frame[3] = (uint8_t)length;
        uint64_t start = now_ns();
        if (send(fd, frame, (size_t)length + 4, MSG_NOSIGNAL) != length + 4) { worker->errors++; break; }
        uint8_t header[4];
        if (read_exact(fd, header, 4) != 0) { worker->errors++; break; }
        uint32_t reply_length = (uint32_t)header[0] << 24 | (uint32_t)header[1] << 16 | (uint32_t)header[2] << 8 | header[3];
        if (reply_length == 0 || reply_length > MAX_FRAME || read_exact(fd, reply, reply_length) != 0) {
            worker->errors++;
            break;
        }
        if (memmem(reply, reply_length, "\"error\"", 7) != NULL) {
            worker->errors++;
            if (worker->errors < 3) fprintf(stderr, "error reply: %.*s\n", (int)reply_length, reply);
        }
        uint64_t elapsed = now_ns() - start;
        if (worker->count == worker->latency_capacity) {
            worker->latency_capacity *= 2;
            worker->latencies = realloc(worker->latencies, worker->latency_capacity * sizeof(uint64_t));
        }
        worker->latencies[worker->count++] = elapsed;
    }
    free(reply);
    close(fd);
    return NULL;
}

static int compare_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static int load(const char *path, int connections, double seconds, const char *request) {
    pthread_t threads[1024];
    worker_t workers[1024];
    if (connections < 1 || connections > 1024) return 2;
    for (int i = 0; i < connections; i++) {
        workers[i] = (worker_t){.path = path, .request = request, .seconds = seconds, .latency_capacity = 1 << 16,
                                .first_id = (uint64_t)i << 40};
        workers[i].latencies = malloc(workers[i].latency_capacity * sizeof(uint64_t));
        pthread_create(&threads[i], NULL, load_worker, &workers[i]);
    }
    size_t total = 0, errors = 0;
    for (int i = 0; i < connections; i++) {
        pthread_join(threads[i], NULL);
        total += workers[i].count;
        errors += workers[i].errors;
    }
    uint64_t *all = malloc((total + 1) * sizeof(uint64_t));
    size_t at = 0;
    for (int i = 0; i < connections; i++) {
        memcpy(all + at, workers[i].latencies, workers[i].count * sizeof(uint64_t));
        at += workers[i].count;
        free(workers[i].latencies);
    }
    qsort(all, total, sizeof(uint64_t), compare_u64);
    double p50 = total ? all[(total - 1) / 2] / 1000.0 : 0;
    double p99 = total ? all[(size_t)((total - 1) * 0.99)] / 1000.0 : 0;
    printf("requests=%zu seconds=%.3f rps=%.1f p50_us=%.1f p99_us=%.1f errors=%zu\n", total, seconds,
           total / seconds, p50, p99, errors);
    free(all);
    return 0;
}

int main(int argc, char **argv) {
    // A parent that spawned us from a thread blocking signals passed that mask on; SIGTERM must work.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    signal(SIGPIPE, SIG_IGN);
    if (argc == 3 && strcmp(argv[1], "serve") == 0) {
        return serve(argv[2]);
    }
    if (argc == 6 && strcmp(argv[1], "load") == 0) {
        return load(argv[2], atoi(argv[3]), atof(argv[4]), argv[5]);
    }
    fprintf(stderr, "usage: meshbench-c serve SOCKET | load SOCKET CONNECTIONS SECONDS REQUEST_JSON\n");
    return 64;
}
