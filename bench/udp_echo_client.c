/*
 * udp_echo_client: datagram round-trip load client for bench/udp-echo.
 *
 *   udp_echo_client HOST PORT SIZE INFLIGHT SECONDS [MAXCOUNT]
 *
 * One connected UDP socket (connect(), so only the server's replies arrive). Every datagram is
 * SIZE bytes (16..65507): an 8-byte sequence number, a 4-byte window slot, and the rest taken
 * from the shared xorshift pattern (bench_common.h) at an offset chosen by the sequence number,
 * so each reply can be checked against exactly what was sent for that sequence number.
 *
 * First, untimed: one probe datagram, re-sent every 200 ms (up to 10 s, "connection refused"
 * included) until its echo comes back, so a server that is still starting is waited for.
 * Then, timed: INFLIGHT datagrams are sent, and each reply that matches an outstanding slot
 * sends one more in that slot, with plain send()/recv(), one datagram per call. The receive
 * timeout (SO_RCVTIMEO) is 200 ms: when it fires, every outstanding datagram is counted lost and
 * the window is topped back up to INFLIGHT, so the loop never stalls. A reply that comes after
 * its datagram was counted lost is "late": ignored (reported on stderr). The loop stops after
 * SECONDS or MAXCOUNT replies (default 50,000,000), whichever comes first; datagrams still
 * outstanding then are not counted.
 *
 * Prints one line on stdout:  replies=N lost=L seconds=S rate=R   (R = replies per second)
 * Exits 0 when every reply was the datagram sent for its sequence number, unchanged; 1 on a
 * mismatch (wrong size or payload, a duplicate or unknown sequence number), on a socket error,
 * or when the server stopped answering for 2 s; 2 on bad arguments.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "bench_common.h"

#define HEADER 12            /* 8-byte sequence number + 4-byte slot */
#define MAX_SIZE 65507       /* largest UDP payload over IPv4 */
#define MAX_INFLIGHT 4096
#define RCV_TIMEOUT_MS 200
#define STALL_TIMEOUTS 10    /* this many timeouts in a row (2 s) without a reply: give up */
#define PROBE_TRIES 50       /* 50 x 200 ms */
#define FREE UINT64_MAX

static const char *prog = "udp_echo_client";
static unsigned char *pattern;
static size_t size;
static int fd;

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const unsigned char *payload_for(uint64_t seq) {
    return pattern + (size_t)((seq * 4099u) % PERIOD);
}

static void fill(unsigned char *buf, uint64_t seq, uint32_t slot) {
    memcpy(buf, &seq, 8);
    memcpy(buf + 8, &slot, 4);
    memcpy(buf + HEADER, payload_for(seq), size - HEADER);
}

/* 0 sent; 1 dropped locally (ENOBUFS/EAGAIN: counts as lost); -2 connection refused (nothing
 * listening: not reported here); -1 other error (reported). */
static int send_one(unsigned char *buf, uint64_t seq, uint32_t slot) {
    fill(buf, seq, slot);
    for (;;) {
        ssize_t n = send(fd, buf, size, 0);
        if (n == (ssize_t)size) return 0;
        if (n >= 0) { fprintf(stderr, "%s: short send (%zd of %zu bytes)\n", prog, n, size); return -1; }
        if (errno == EINTR) continue;
        if (errno == ENOBUFS || errno == EAGAIN || errno == EWOULDBLOCK) return 1;
        if (errno == ECONNREFUSED) return -2;
        fprintf(stderr, "%s: send: %s\n", prog, strerror(errno));
        return -1;
    }
}

/* For the timed loop: a failed send ends the run. */
static int send_failed(int r) {
    if (r == -2) fprintf(stderr, "%s: send: connection refused (the server is gone)\n", prog);
    return 1;
}

/* Is buf[0..n) the datagram sent for seq? (the slot field is checked by the caller) */
static int intact(const unsigned char *buf, ssize_t n, uint64_t seq) {
    return n == (ssize_t)size && memcmp(buf + HEADER, payload_for(seq), size - HEADER) == 0;
}

int main(int argc, char **argv) {
    if (argc != 6 && argc != 7) {
        fprintf(stderr, "usage: %s HOST PORT SIZE INFLIGHT SECONDS [MAXCOUNT]\n", prog);
        return 2;
    }
    const char *host = argv[1];
    int port = atoi(argv[2]);
    long sz = atol(argv[3]);
    long inflight = atol(argv[4]);
    double seconds = atof(argv[5]);
    long long maxcount = argc == 7 ? atoll(argv[6]) : 50000000LL;
    if (port <= 0 || port > 65535 || sz < 16 || sz > MAX_SIZE || inflight < 1 || inflight > MAX_INFLIGHT
        || !(seconds > 0 && seconds <= 3600) || maxcount < 1) {
        fprintf(stderr, "%s: bad arguments (PORT 1..65535, SIZE 16..%d, INFLIGHT 1..%d, SECONDS (0,3600], MAXCOUNT >= 1)\n",
                prog, MAX_SIZE, MAX_INFLIGHT);
        return 2;
    }
    size = (size_t)sz;

    pattern = make_pattern();
    if (!pattern) return 1;
    unsigned char *sbuf = malloc(size), *rbuf = malloc(MAX_SIZE + 1);
    uint64_t *slot_seq = malloc(sizeof *slot_seq * (size_t)inflight);
    if (!sbuf || !rbuf || !slot_seq) { perror("malloc"); return 1; }

    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
        fprintf(stderr, "%s: HOST must be an IPv4 address: %s\n", prog, host);
        return 2;
    }
    fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0) { perror("socket"); return 1; }
    struct timeval tv = {0, RCV_TIMEOUT_MS * 1000};
    if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0) { perror("setsockopt SO_RCVTIMEO"); return 1; }
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
        fprintf(stderr, "%s: connect %s:%d: %s\n", prog, host, port, strerror(errno));
        return 1;
    }

    /* Untimed probe: sequence number 0, slot 0. */
    int answered = 0;
    for (int t = 0; t < PROBE_TRIES && !answered; t++) {
        if (send_one(sbuf, 0, 0) == -1) return 1;
        double until = now() + RCV_TIMEOUT_MS / 1000.0;
        while (now() < until) {
            ssize_t n = recv(fd, rbuf, MAX_SIZE + 1, 0);
            if (n < 0) {
                if (errno == EINTR) continue;
                if (errno == EAGAIN || errno == EWOULDBLOCK) break;
                if (errno == ECONNREFUSED) { usleep(RCV_TIMEOUT_MS * 1000); break; } /* not listening yet */
                fprintf(stderr, "%s: recv: %s\n", prog, strerror(errno));
                return 1;
            }
            uint64_t seq;
            uint32_t slot;
            if (n >= HEADER) { memcpy(&seq, rbuf, 8); memcpy(&slot, rbuf + 8, 4); }
            if (n < HEADER || seq != 0 || slot != 0 || !intact(rbuf, n, 0)) {
                fprintf(stderr, "%s: the probe's echo is not the datagram sent (%zd bytes back, %zu sent)\n", prog, n, size);
                return 1;
            }
            answered = 1;
            break;
        }
    }
    if (!answered) {
        fprintf(stderr, "%s: no echo of the probe datagram from %s:%d within %.0f s\n", prog, host, port,
                PROBE_TRIES * RCV_TIMEOUT_MS / 1000.0);
        return 1;
    }
    /* Drain any duplicate echoes of re-sent probes (they would look like unknown datagrams). */
    for (;;) {
        ssize_t n = recv(fd, rbuf, MAX_SIZE + 1, MSG_DONTWAIT);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) break;
    }

    /* Timed loop. */
    uint64_t next_seq = 1, floor_seq = 1; /* replies for seq < floor_seq come after being counted lost */
    unsigned long long replies = 0, lost = 0, late = 0, mismatches = 0;
    int timeouts_in_a_row = 0, failed = 0;
    double t_start = now(), deadline = t_start + seconds, t_end;
    for (long i = 0; i < inflight; i++) {
        slot_seq[i] = next_seq;
        int r = send_one(sbuf, next_seq++, (uint32_t)i);
        if (r < 0) return send_failed(r);
        if (r > 0) { slot_seq[i] = FREE; lost++; }
    }
    for (;;) {
        t_end = now();
        if (t_end >= deadline || replies >= (unsigned long long)maxcount) break;
        ssize_t n = recv(fd, rbuf, MAX_SIZE + 1, 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK) {
                fprintf(stderr, "%s: recv: %s\n", prog, strerror(errno));
                failed = 1;
                break;
            }
            if (++timeouts_in_a_row >= STALL_TIMEOUTS) {
                fprintf(stderr, "%s: no reply for %.1f s; the server stopped answering\n", prog,
                        STALL_TIMEOUTS * RCV_TIMEOUT_MS / 1000.0);
                failed = 1;
                break;
            }
            /* Count what is outstanding as lost and top the window back up. */
            floor_seq = next_seq;
            for (long i = 0; i < inflight; i++) {
                if (slot_seq[i] != FREE) lost++;
                slot_seq[i] = next_seq;
                int r = send_one(sbuf, next_seq++, (uint32_t)i);
                if (r < 0) return send_failed(r);
                if (r > 0) { slot_seq[i] = FREE; lost++; }
            }
            continue;
        }
        timeouts_in_a_row = 0;
        uint64_t seq = 0;
        uint32_t slot = 0;
        if (n >= HEADER) { memcpy(&seq, rbuf, 8); memcpy(&slot, rbuf + 8, 4); }
        if (n >= HEADER && slot < (uint32_t)inflight && slot_seq[slot] == seq && seq != FREE) {
            if (intact(rbuf, n, seq)) {
                replies++;
            } else {
                if (mismatches++ < 5)
                    fprintf(stderr, "%s: the reply for sequence number %llu is not what was sent (%zd bytes back, %zu sent)\n",
                            prog, (unsigned long long)seq, n, size);
            }
            slot_seq[slot] = next_seq;
            int r = send_one(sbuf, next_seq++, slot);
            if (r < 0) return send_failed(r);
            if (r > 0) { slot_seq[slot] = FREE; lost++; }
        } else if (n >= HEADER && seq < floor_seq && intact(rbuf, n, seq)) {
            late++;
        } else {
            if (mismatches++ < 5)
                fprintf(stderr, "%s: unexpected datagram (%zd bytes; sequence number %llu, slot %u): not outstanding, or damaged\n",
                        prog, n, (unsigned long long)seq, slot);
        }
    }
    close(fd);

    double secs = t_end - t_start;
    printf("replies=%llu lost=%llu seconds=%.3f rate=%.0f\n", replies, lost, secs, secs > 0 ? (double)replies / secs : 0.0);
    fflush(stdout);
    if (late) fprintf(stderr, "%s: %llu late replies (after their datagram was counted lost) ignored\n", prog, late);
    if (mismatches) {
        fprintf(stderr, "%s: %llu replies did not match the datagram sent\n", prog, mismatches);
        failed = 1;
    }
    return failed ? 1 : 0;
}
