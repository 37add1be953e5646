/*
 * monitor_scale_helper: the probe targets and the blackbox_exporter driver for bench/monitor-scale.
 *
 *   monitor_scale_helper listen N MAX_SECONDS
 *     Opens N TCP listeners on 127.0.0.1 (ports chosen by the kernel, backlog 4096, non-blocking)
 *     and serves them from one thread with epoll: every connection is accepted at once and closed.
 *     Prints the N ports on stdout, one a line, then "ready". Runs until SIGTERM/SIGINT or
 *     MAX_SECONDS, then prints "accepted COUNT" on stderr.
 *
 *   monitor_scale_helper drive EXPORTER_PORT PORT_FILE CONNS ROUNDS INTERVAL_MS MAX_SECONDS
 *     Drives prometheus-blackbox-exporter at 127.0.0.1:EXPORTER_PORT: ROUNDS rounds on a fixed
 *     schedule (round r is due at T0 + r * INTERVAL_MS), each sending
 *     GET /probe?module=tcp_connect&target=127.0.0.1:P for every port P in PORT_FILE (one a line),
 *     over CONNS keep-alive HTTP/1.1 connections, one thread each; thread j takes the targets
 *     j, j + CONNS, j + 2 CONNS, ... one after another. A thread that is still busy when the next
 *     round is due starts it at once (late). One line per probe on stdout:
 *       ROUND SEND_EPOCH_MS PORT RESULT      RESULT 1 = "probe_success 1", 0 = "probe_success 0",
 *                                            E = no valid HTTP 200 answer (then reconnects)
 *     flushed after each thread's share of a round. Stops after ROUNDS rounds or MAX_SECONDS.
 * Every socket call is bounded by SO_SNDTIMEO/SO_RCVTIMEO (5 s); the process by MAX_SECONDS (alarm).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const char *prog = "monitor_scale_helper";
static volatile sig_atomic_t stop;
static void on_signal(int sig) { (void)sig; stop = 1; }

static void raise_nofile(long need) {
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && (long)rl.rlim_cur < need) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

static int run_listen(int n, int max_secs) {
    raise_nofile(n + 64L);
    int ep = epoll_create1(0);
    if (ep < 0) { perror("epoll_create1"); return 1; }
    for (int i = 0; i < n; i++) {
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        if (fd < 0) { fprintf(stderr, "%s: socket (listener %d of %d): %s\n", prog, i + 1, n, strerror(errno)); return 1; }
        struct sockaddr_in sa;
        memset(&sa, 0, sizeof sa);
        sa.sin_family = AF_INET;
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof sa;
        if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, 4096) < 0
            || getsockname(fd, (struct sockaddr *)&sa, &len) < 0) {
            fprintf(stderr, "%s: bind/listen (listener %d of %d): %s\n", prog, i + 1, n, strerror(errno));
            return 1;
        }
        struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};
        if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) { perror("epoll_ctl"); return 1; }
        printf("%d\n", ntohs(sa.sin_port));
    }
    printf("ready\n");
    fflush(stdout);
    struct sigaction sa = {.sa_handler = on_signal};
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    sigaction(SIGALRM, &sa, NULL);
    alarm((unsigned)max_secs);
    unsigned long long accepted = 0;
    struct epoll_event evs[256];
    while (!stop) {
        int k = epoll_wait(ep, evs, 256, 200);
        if (k < 0) {
            if (errno == EINTR) continue;
            perror("epoll_wait");
            return 1;
        }
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < 64; j++) { /* drain the backlog, bounded per wake-up */
                int c = accept4(evs[i].data.fd, NULL, NULL, SOCK_NONBLOCK);
                if (c < 0) {
                    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != ECONNABORTED && errno != EINTR)
                        fprintf(stderr, "%s: accept: %s\n", prog, strerror(errno));
                    break;
                }
                close(c);
                accepted++;
            }
        }
    }
    fprintf(stderr, "accepted %llu\n", accepted);
    return 0;
}

/* ---- drive ---- */

static int exporter_port, conns, rounds, interval_ms, n_targets;
static int *targets;
static struct timespec t0; /* CLOCK_MONOTONIC of round 0 */
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;

struct conn {
    int fd;
    char buf[65536];
    size_t len; /* bytes in buf */
};

static int open_exporter(struct conn *c) {
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)exporter_port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct timeval tv = {5, 0};
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) { close(fd); return -1; }
    c->fd = fd;
    c->len = 0;
    return 0;
}

/* Reads more into c->buf; 0 on EOF/error/full. */
static int fill(struct conn *c) {
    if (c->len >= sizeof c->buf - 1) return 0;
    ssize_t r = recv(c->fd, c->buf + c->len, sizeof c->buf - 1 - c->len, 0);
    if (r <= 0) return 0;
    c->len += (size_t)r;
    c->buf[c->len] = 0;
    return 1;
}

/* One /probe request on c; returns 1 or 0 (probe_success), -1 on an HTTP failure. */
static int probe(struct conn *c, int port) {
    char req[256];
    int n = snprintf(req, sizeof req,
                     "GET /probe?module=tcp_connect&target=127.0.0.1:%d HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n",
                     port, exporter_port);
    if (send(c->fd, req, (size_t)n, MSG_NOSIGNAL) != n) return -1;
    char *hdr_end;
    while (!(hdr_end = strstr(c->buf, "\r\n\r\n")))
        if (!fill(c)) return -1;
    if (strncmp(c->buf, "HTTP/1.1 200", 12) != 0) return -1;
    size_t hdr_len = (size_t)(hdr_end + 4 - c->buf);
    long clen = -1;
    int chunked = 0;
    for (char *p = c->buf; p < hdr_end; p = strstr(p, "\r\n") + 2) {
        if (strncasecmp(p, "Content-Length:", 15) == 0) clen = strtol(p + 15, NULL, 10);
        else if (strncasecmp(p, "Transfer-Encoding:", 18) == 0) {
            char *ch = strstr(p, "chunked");
            chunked = ch && ch < strstr(p, "\r\n");
        }
    }
    char body[32768];
    size_t blen = 0, pos = hdr_len; /* pos: parse position in c->buf */
    if (chunked) {
        for (;;) {
            char *eol;
            while (!(eol = strstr(c->buf + pos, "\r\n")))
                if (!fill(c)) return -1;
            long sz = strtol(c->buf + pos, NULL, 16);
            if (sz < 0 || blen + (size_t)sz >= sizeof body) return -1;
            pos = (size_t)(eol + 2 - c->buf);
            while (c->len < pos + (size_t)sz + 2)
                if (!fill(c)) return -1;
            memcpy(body + blen, c->buf + pos, (size_t)sz);
            blen += (size_t)sz;
            pos += (size_t)sz + 2;
            if (sz == 0) break; /* no trailers from Go's server */
        }
    } else {
        if (clen < 0 || (size_t)clen >= sizeof body) return -1;
        while (c->len < hdr_len + (size_t)clen)
            if (!fill(c)) return -1;
        memcpy(body, c->buf + hdr_len, (size_t)clen);
        blen = (size_t)clen;
        pos = hdr_len + (size_t)clen;
    }
    body[blen] = 0;
    memmove(c->buf, c->buf + pos, c->len - pos); /* keep anything that followed (nothing, normally) */
    c->len -= pos;
    c->buf[c->len] = 0;
    char *s = strstr(body, "\nprobe_success ");
    if (!s) return -1;
    return s[15] == '1' ? 1 : 0;
}

static double epoch_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void *drive_thread(void *arg) {
    int j = (int)(long)arg;
    struct conn *c = calloc(1, sizeof *c);
    if (!c) { perror("calloc"); return NULL; }
    c->fd = -1;
    char *out = malloc(64 * (size_t)(n_targets / conns + 1));
    if (!out) { perror("malloc"); return NULL; }
    for (int r = 0; r < rounds && !stop; r++) {
        struct timespec due = t0;
        long long ns = due.tv_nsec + (long long)r * interval_ms * 1000000LL;
        due.tv_sec += ns / 1000000000LL;
        due.tv_nsec = ns % 1000000000LL;
        while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &due, NULL) == EINTR && !stop) {}
        size_t olen = 0;
        for (int i = j; i < n_targets && !stop; i += conns) {
            if (c->fd < 0 && open_exporter(c) < 0) {
                fprintf(stderr, "%s: connect 127.0.0.1:%d: %s\n", prog, exporter_port, strerror(errno));
                c->fd = -1;
            }
            double at = epoch_ms();
            int res = c->fd < 0 ? -1 : probe(c, targets[i]);
            if (res < 0 && c->fd >= 0) { close(c->fd); c->fd = -1; }
            olen += (size_t)sprintf(out + olen, "%d %.3f %d %c\n", r, at, targets[i], res < 0 ? 'E' : '0' + res);
        }
        pthread_mutex_lock(&out_lock);
        fwrite(out, 1, olen, stdout);
        fflush(stdout);
        pthread_mutex_unlock(&out_lock);
    }
    if (c->fd >= 0) close(c->fd);
    return NULL;
}

static int run_drive(char **argv) {
    exporter_port = atoi(argv[0]);
    const char *port_file = argv[1];
    conns = atoi(argv[2]);
    rounds = atoi(argv[3]);
    interval_ms = atoi(argv[4]);
    int max_secs = atoi(argv[5]);
    if (exporter_port <= 0 || exporter_port > 65535 || conns <= 0 || conns > 1000 || rounds <= 0
        || interval_ms <= 0 || max_secs <= 0) {
        fprintf(stderr, "%s: bad drive arguments\n", prog);
        return 2;
    }
    FILE *f = fopen(port_file, "r");
    if (!f) { perror(port_file); return 1; }
    int cap = 1024, p;
    targets = malloc(sizeof *targets * (size_t)cap);
    while (targets && fscanf(f, "%d", &p) == 1) {
        if (n_targets == cap) targets = realloc(targets, sizeof *targets * (size_t)(cap *= 2));
        if (targets) targets[n_targets++] = p;
    }
    fclose(f);
    if (!targets || n_targets == 0) { fprintf(stderr, "%s: no ports in %s\n", prog, port_file); return 1; }
    if (conns > n_targets) conns = n_targets;
    raise_nofile(conns + 64L);
    signal(SIGPIPE, SIG_IGN);
    struct sigaction sa = {.sa_handler = on_signal};
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    alarm((unsigned)max_secs); /* default action: the process ends */
    clock_gettime(CLOCK_MONOTONIC, &t0);
    t0.tv_nsec += 50000000L; /* round 0 in 50 ms, after every thread has started */
    if (t0.tv_nsec >= 1000000000L) { t0.tv_sec++; t0.tv_nsec -= 1000000000L; }
    pthread_t *th = calloc((size_t)conns, sizeof *th);
    if (!th) { perror("calloc"); return 1; }
    for (long j = 0; j < conns; j++)
        if (pthread_create(&th[j], NULL, drive_thread, (void *)j) != 0) { fprintf(stderr, "%s: pthread_create failed\n", prog); return 1; }
    for (int j = 0; j < conns; j++) pthread_join(th[j], NULL);
    return 0;
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOFBF, 1 << 16);
    if (argc == 4 && strcmp(argv[1], "listen") == 0) {
        int n = atoi(argv[2]), secs = atoi(argv[3]);
        if (n <= 0 || n > 60000 || secs <= 0) { fprintf(stderr, "%s: bad listen arguments\n", prog); return 2; }
        return run_listen(n, secs);
    }
    if (argc == 8 && strcmp(argv[1], "drive") == 0) return run_drive(argv + 2);
    fprintf(stderr, "usage: %s listen N MAX_SECONDS\n"
                    "       %s drive EXPORTER_PORT PORT_FILE CONNS ROUNDS INTERVAL_MS MAX_SECONDS\n", prog, prog);
    return 2;
}
