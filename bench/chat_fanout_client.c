/*
 * chat_fanout_client: many-client broadcast load client for bench/chat-fanout.
 *
 *   chat_fanout_client HOST PORT PROTO CLIENTS MESSAGES TIMEOUT
 *
 * PROTO is "nk" (`nk chat serve`: each client's first line is its nickname "c<i>"; the server
 * answers with "* " notices, one of them "* you are c<i>; ...", and delivers a line as
 * "<c<i>> text") or "ncat" (`ncat --chat`: no nickname; on accept ncat sends every client
 * "<announce> ... is connected as <userN>." including the new one itself, and delivers a line
 * as "<userN> text").
 *
 * Set-up (untimed): CLIENTS blocking TCP connections (TCP_NODELAY, bench_common.h) are opened one
 * after another (nk: each sends its nickname right away); one receiver thread reads all of them
 * through epoll from the start. The next client connects only when the last one is known to the
 * server (nk: it got its "* you are" line; ncat: it got its first "is connected as" line, which
 * is its own): ncat's accept queue is short, and overflowing it costs seconds of SYN retries.
 * The run starts when all are in and the join notices have settled (no byte arrived for 200 ms;
 * at most 20 s of waiting). At most 120 s for the whole set-up.
 *
 * Timed: the main thread sends, round robin, message 0 of client 0, 1, ..., CLIENTS-1, then
 * message 1 of each, ... up to MESSAGES-1: one send() per message, no pause (no stagger beyond
 * the round robin). A message is the line "@nkb SENDER SEQ T\n", T = CLOCK_MONOTONIC ns taken
 * just before its send(). The receiver counts each benchmark line that arrives on another
 * client's connection (a delivery): latency = the time its recv() returned - T. It checks the
 * per-sender order (a SEQ other than the next expected one from that sender is an order error),
 * duplicates (a bitmap of (receiver, sender, seq)) and, for nk, that the "<c<i>>" prefix names
 * the sender (ncat puts its "<userN> " before each chunk it read from a sender, not before each
 * line, so later lines of a chunk come bare). Lines without a benchmark payload are ignored.
 * It stops when all CLIENTS * (CLIENTS - 1) * MESSAGES deliveries arrived, after TIMEOUT seconds
 * from the first send, when nothing new arrived for 3 s after the last send, or when every
 * connection was closed by the server.
 *
 * Prints one line on stdout:
 *   deliveries=D expected=E dropped=E-D seconds=S rate=R p50_ms=.. p99_ms=.. max_ms=.. order_errors=K
 * S = first send to the last delivery; R = D / S. Latency percentiles come from a log-linear
 * histogram of microseconds (0.2% resolution); max is exact. Notes on stderr: the set-up time,
 * how long sending took, the client's own CPU time (user+sys) from the first send to the end, and
 * any duplicates, malformed or echoed lines, failed sends or connections closed by the server.
 * Exits 0 when the run was measured (drops and order errors are figures, not failures); 1 when a
 * connection could not be opened or the clients did not all get ready; 2 on bad arguments.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bench_common.h"

#define MAX_CLIENTS 1000
#define MAX_MESSAGES 1000
#define MAX_EXPECTED 100000000ull
#define CARRY 512                 /* longest partial line kept between reads (notices may be longer: skipped) */
#define SETTLE_NS 200000000ll     /* quiet time before the start */
#define SETTLE_MAX_NS 20000000000ll
#define READY_MAX_NS 120000000000ll    /* for all clients to connect and get ready */
#define IDLE_NS 3000000000ll      /* nothing new for this long after the last send: stop */
#define HBUCKETS (24 * 512 + 1024)

static const char *prog = "chat_fanout_client";

struct client {
    int fd;
    int open;
    int ready;
    int skipping;                 /* inside an over-long line: drop bytes up to the next '\n' */
    size_t carry_len;
    char carry[CARRY];
};

static struct client *cl;
static int nclients, nmessages, proto_nk;
static uint32_t *next_seq;        /* [receiver * n + sender] */
static uint8_t *seen;             /* bitmap [(receiver * n + sender) * m + seq] */
static uint64_t hist[HBUCKETS];
static uint64_t expected;

static atomic_int ready_count;
static atomic_int open_count;
static atomic_llong last_byte_ns;
static atomic_int started;        /* the timed phase began: t0 is set */
static atomic_int sends_done;
static atomic_llong sends_done_ns;
static atomic_int stop_now;
static long long t0;
/* Receiver-only (read by main after the receiver thread is joined). */
static uint64_t deliveries, order_errors, duplicates, foreign, echoed, prefix_errors, closed_by_server;
static long long last_delivery_ns, max_latency_ns;

static long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

static int hbucket(uint64_t us) {
    if (us < 1024) return (int)us;
    int shift = 63 - __builtin_clzll(us) - 9;
    int b = shift * 512 + (int)(us >> shift);
    return b < HBUCKETS ? b : HBUCKETS - 1;
}

static double hvalue_ms(int b) { /* middle of the bucket */
    if (b < 1024) return (b + 0.5) / 1000.0;
    int shift = b / 512 - 1;
    uint64_t lo = (uint64_t)(b - shift * 512) << shift;
    return ((double)lo + (double)(1ull << shift) / 2.0) / 1000.0;
}

static double percentile_ms(double p) {
    uint64_t total = 0;
    for (int i = 0; i < HBUCKETS; i++) total += hist[i];
    if (total == 0) return 0.0;
    uint64_t rank = (uint64_t)(p * (double)total + 0.999999);
    if (rank < 1) rank = 1;
    uint64_t acc = 0;
    for (int i = 0; i < HBUCKETS; i++) {
        acc += hist[i];
        if (acc >= rank) return hvalue_ms(i);
    }
    return hvalue_ms(HBUCKETS - 1);
}

static int parse_u64(const char **p, const char *end, uint64_t *out) {
    const char *s = *p;
    uint64_t v = 0;
    if (s >= end || *s < '0' || *s > '9') return -1;
    while (s < end && *s >= '0' && *s <= '9') {
        v = v * 10 + (uint64_t)(*s - '0');
        s++;
    }
    *p = s;
    *out = v;
    return 0;
}

static void on_line(int r, const char *line, size_t len, long long t_rx) {
    if (len > 0 && line[len - 1] == '\r') len--;
    const char *mark = memmem(line, len, "@nkb ", 5);
    if (!mark) {
        if (cl[r].ready) return;
        int is_ready = proto_nk
            ? (len >= 10 && memcmp(line, "* you are ", 10) == 0)
            : (len >= 11 && memcmp(line, "<announce> ", 11) == 0 && memmem(line, len, " is connected as ", 17));
        if (is_ready) {
            cl[r].ready = 1;
            atomic_fetch_add(&ready_count, 1);
        }
        return;
    }
    const char *p = mark + 5, *end = line + len;
    uint64_t s, q, t;
    if (parse_u64(&p, end, &s) || p >= end || *p++ != ' ' || parse_u64(&p, end, &q) || p >= end || *p++ != ' '
        || parse_u64(&p, end, &t) || p != end || s >= (uint64_t)nclients || q >= (uint64_t)nmessages) {
        foreign++;
        return;
    }
    if ((int)s == r) { echoed++; return; }
    if (proto_nk) {
        const char *a = line, *b = mark;
        uint64_t named;
        if (b - a < 5 || memcmp(a, "<c", 2) != 0) { prefix_errors++; }
        else {
            a += 2;
            if (parse_u64(&a, b, &named) || named != s || b - a != 2 || memcmp(a, "> ", 2) != 0) prefix_errors++;
        }
    } /* ncat prefixes "<userN> " once per chunk it read, not per line: nothing to check there */
    size_t pair = (size_t)r * (size_t)nclients + (size_t)s;
    uint64_t bit = (uint64_t)pair * (uint64_t)nmessages + q;
    if (seen[bit >> 3] & (1u << (bit & 7))) { duplicates++; order_errors++; return; }
    seen[bit >> 3] |= (uint8_t)(1u << (bit & 7));
    deliveries++;
    if (q != next_seq[pair]) order_errors++;
    if (q + 1 > next_seq[pair]) next_seq[pair] = (uint32_t)(q + 1);
    long long lat = t_rx - (long long)t;
    if (lat < 0) lat = 0;
    if (lat > max_latency_ns) max_latency_ns = lat;
    hist[hbucket((uint64_t)lat / 1000)]++;
    last_delivery_ns = t_rx;
}

static void on_bytes(int r, const char *buf, size_t n, long long t_rx) {
    struct client *c = &cl[r];
    const char *p = buf, *end = buf + n;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl) { /* partial line: keep it */
            size_t k = (size_t)(end - p);
            if (c->skipping || c->carry_len + k > CARRY) { c->skipping = 1; c->carry_len = 0; }
            else { memcpy(c->carry + c->carry_len, p, k); c->carry_len += k; }
            return;
        }
        size_t k = (size_t)(nl - p);
        if (c->skipping) {
            c->skipping = 0;
        } else if (c->carry_len > 0) {
            if (c->carry_len + k <= CARRY) {
                memcpy(c->carry + c->carry_len, p, k);
                on_line(r, c->carry, c->carry_len + k, t_rx);
            }
            c->carry_len = 0;
        } else {
            on_line(r, p, k, t_rx);
        }
        p = nl + 1;
    }
}

static int epfd;

static void *receiver(void *arg) {
    (void)arg;
    static char buf[256 * 1024];
    struct epoll_event evs[256];
    for (;;) {
        if (atomic_load(&stop_now)) break;
        int n = epoll_wait(epfd, evs, 256, 20);
        if (n < 0 && errno != EINTR) { perror("epoll_wait"); break; }
        for (int i = 0; i < n; i++) {
            int r = (int)evs[i].data.u32;
            struct client *c = &cl[r];
            if (!c->open) continue;
            ssize_t got = recv(c->fd, buf, sizeof buf, MSG_DONTWAIT);
            if (got > 0) {
                long long t = now_ns();
                atomic_store_explicit(&last_byte_ns, t, memory_order_relaxed);
                on_bytes(r, buf, (size_t)got, t);
            } else if (got == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
                c->open = 0;
                epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
                closed_by_server++;
                atomic_fetch_sub(&open_count, 1);
            }
        }
        if (!atomic_load(&started)) continue;
        long long t = now_ns();
        if (deliveries >= expected) break;
        if (atomic_load(&open_count) == 0) break;
        /* TIMEOUT is enforced by main through stop_now; the idle rule is checked here. */
        if (atomic_load(&sends_done)) {
            long long since = atomic_load(&sends_done_ns);
            if (last_delivery_ns > since) since = last_delivery_ns;
            if (t - since > IDLE_NS) break;
        }
    }
    atomic_store(&stop_now, 1);
    return NULL;
}

static int send_all(int fd, const char *p, size_t len) {
    while (len > 0) {
        ssize_t k = send(fd, p, len, MSG_NOSIGNAL);
        if (k < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        p += k;
        len -= (size_t)k;
    }
    return 0;
}

static double cpu_seconds(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static long arg_long(const char *s, long lo, long hi, const char *what) {
    char *e;
    errno = 0;
    long v = strtol(s, &e, 10);
    if (errno || *e || e == s || v < lo || v > hi) {
        fprintf(stderr, "%s: %s must be %ld..%ld: %s\n", prog, what, lo, hi, s);
        exit(2);
    }
    return v;
}

int main(int argc, char **argv) {
    if (argc != 7) {
        fprintf(stderr, "usage: %s HOST PORT nk|ncat CLIENTS MESSAGES TIMEOUT\n", prog);
        return 2;
    }
    const char *host = argv[1];
    int port = (int)arg_long(argv[2], 1, 65535, "PORT");
    if (strcmp(argv[3], "nk") == 0) proto_nk = 1;
    else if (strcmp(argv[3], "ncat") == 0) proto_nk = 0;
    else { fprintf(stderr, "%s: PROTO must be nk or ncat: %s\n", prog, argv[3]); return 2; }
    nclients = (int)arg_long(argv[4], 2, MAX_CLIENTS, "CLIENTS");
    nmessages = (int)arg_long(argv[5], 1, MAX_MESSAGES, "MESSAGES");
    long timeout_s = arg_long(argv[6], 1, 3600, "TIMEOUT");
    expected = (uint64_t)nclients * (uint64_t)(nclients - 1) * (uint64_t)nmessages;
    if (expected > MAX_EXPECTED) {
        fprintf(stderr, "%s: CLIENTS * (CLIENTS - 1) * MESSAGES must be at most %llu\n", prog, MAX_EXPECTED);
        return 2;
    }
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < (rlim_t)nclients + 20) {
        fprintf(stderr, "%s: open-file limit %llu is too low for %d connections (raise ulimit -n)\n", prog,
                (unsigned long long)rl.rlim_cur, nclients);
        return 1;
    }
    cl = calloc((size_t)nclients, sizeof *cl);
    next_seq = calloc((size_t)nclients * (size_t)nclients, sizeof *next_seq);
    seen = calloc((size_t)(expected + (uint64_t)nclients * nmessages) / 8 + 1, 1);
    if (!cl || !next_seq || !seen) { perror("calloc"); return 1; }
    epfd = epoll_create1(0);
    if (epfd < 0) { perror("epoll_create1"); return 1; }
    atomic_store(&last_byte_ns, now_ns());

    pthread_t th;
    if (pthread_create(&th, NULL, receiver, NULL) != 0) { fprintf(stderr, "%s: pthread_create failed\n", prog); return 1; }

    /* Set-up: one client at a time (nk: with its nickname), each waited for until the server has
     * taken it in, so the server's accept queue never overflows (ncat's is short, and it is busy
     * sending every client the growing "already connected" list on each join). */
    char line[128];
    long long c0 = now_ns();
    for (int i = 0; i < nclients; i++) {
        int fd = connect_ipv4(prog, host, port);
        if (fd < 0) {
            fprintf(stderr, "%s: could open only %d of %d connections\n", prog, i, nclients);
            atomic_store(&stop_now, 1);
            return 1;
        }
        cl[i].fd = fd;
        cl[i].open = 1;
        atomic_fetch_add(&open_count, 1);
        struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t)i};
        if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0) { perror("epoll_ctl"); atomic_store(&stop_now, 1); return 1; }
        if (proto_nk) {
            int k = snprintf(line, sizeof line, "c%d\n", i);
            if (send_all(fd, line, (size_t)k) < 0) {
                fprintf(stderr, "%s: sending the nickname of client %d: %s\n", prog, i, strerror(errno));
                atomic_store(&stop_now, 1);
                return 1;
            }
        }
        /* Clients get ready in order: ready_count == i + 1 means client i is ready. */
        while (atomic_load(&ready_count) <= i) {
            if (now_ns() - c0 > READY_MAX_NS || atomic_load(&open_count) <= i) {
                fprintf(stderr, "%s: only %d of %d clients got ready (%s) within %.0f s; %d connection(s) closed by the server\n",
                        prog, atomic_load(&ready_count), nclients,
                        proto_nk ? "a \"* you are\" line" : "an \"is connected as\" announcement",
                        (now_ns() - c0) / 1e9, i + 1 - atomic_load(&open_count));
                atomic_store(&stop_now, 1);
                return 1;
            }
            usleep(100);
        }
    }
    /* Then for the join notices to settle. */
    long long w0 = now_ns();
    while (now_ns() - atomic_load(&last_byte_ns) < SETTLE_NS && now_ns() - w0 < SETTLE_MAX_NS) usleep(10000);
    double connect_s = (w0 - c0) / 1e9, setup_s = (now_ns() - w0) / 1e9; /* connecting, then settling */

    /* Timed: round robin over the clients, MESSAGES rounds, one send() per message. */
    double cpu0 = cpu_seconds();
    uint64_t send_failures = 0;
    t0 = now_ns();
    atomic_store(&started, 1);
    for (int m = 0; m < nmessages && !atomic_load(&stop_now); m++) {
        for (int i = 0; i < nclients; i++) {
            long long ts = now_ns();
            int k = snprintf(line, sizeof line, "@nkb %d %d %lld\n", i, m, ts);
            if (send_all(cl[i].fd, line, (size_t)k) < 0) send_failures++;
        }
    }
    long long t_sent = now_ns();
    atomic_store(&sends_done_ns, t_sent);
    atomic_store(&sends_done, 1);
    while (!atomic_load(&stop_now)) {
        if (now_ns() - t0 > timeout_s * 1000000000ll) { atomic_store(&stop_now, 1); break; }
        usleep(5000);
    }
    pthread_join(th, NULL);
    double cpu1 = cpu_seconds();

    double secs = (deliveries > 0 ? last_delivery_ns - t0 : now_ns() - t0) / 1e9;
    if (secs <= 0) secs = 1e-9;
    printf("deliveries=%llu expected=%llu dropped=%llu seconds=%.3f rate=%.0f p50_ms=%.3f p99_ms=%.3f max_ms=%.3f order_errors=%llu\n",
           (unsigned long long)deliveries, (unsigned long long)expected, (unsigned long long)(expected - deliveries), secs,
           deliveries / secs, percentile_ms(0.50), percentile_ms(0.99), max_latency_ns / 1e6, (unsigned long long)order_errors);
    fprintf(stderr, "%s: set-up %.1f s, sending %.0f ms, client CPU %.2f s\n", prog, connect_s + setup_s,
            (t_sent - t0) / 1e6, cpu1 - cpu0);
    if (deliveries < expected && atomic_load(&stop_now) && now_ns() - t0 >= timeout_s * 1000000000ll)
        fprintf(stderr, "%s: stopped by the %ld s timeout\n", prog, timeout_s);
    if (send_failures) fprintf(stderr, "%s: %llu sends failed\n", prog, (unsigned long long)send_failures);
    if (closed_by_server) fprintf(stderr, "%s: %llu connection(s) closed by the server\n", prog, (unsigned long long)closed_by_server);
    if (duplicates) fprintf(stderr, "%s: %llu duplicate deliveries (counted as order errors)\n", prog, (unsigned long long)duplicates);
    if (echoed) fprintf(stderr, "%s: %llu messages echoed back to their sender\n", prog, (unsigned long long)echoed);
    if (foreign) fprintf(stderr, "%s: %llu malformed benchmark lines\n", prog, (unsigned long long)foreign);
    if (prefix_errors) fprintf(stderr, "%s: %llu deliveries with an unexpected <name> prefix\n", prog, (unsigned long long)prefix_errors);
    fflush(stdout);
    fflush(stderr);
    _exit(0); /* the kernel closes the connections */
}
