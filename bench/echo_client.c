/*
 * echo_client: full-duplex load client for bench/echo-throughput.
 *
 *   echo_client HOST PORT MIB
 *
 * Opens one TCP connection (TCP_NODELAY), then one writer thread sends MIB MiB of a
 * deterministic byte pattern in 64 KiB write() calls and half-closes (shutdown SHUT_WR), while
 * one reader thread read()s 64 KiB at a time until EOF, checking every byte against the
 * pattern. The clock runs from just before the first write to EOF on the reader side.
 *
 * Prints one line on stdout:  bytes=N seconds=S mibps=X
 * Exits 0 only when exactly the bytes sent came back, unchanged; 1 otherwise.
 * Every socket call is bounded: SO_SNDTIMEO/SO_RCVTIMEO of 30 s (a stalled peer is an error).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bench_common.h"


static unsigned char *pattern; /* PERIOD + CHUNK bytes: pattern[i] == pattern[i % PERIOD] */
static int fd;
static uint64_t total_bytes;
static struct timespec t_start;
static const char *write_error;
static int write_errno;

static double now_diff(const struct timespec *a, const struct timespec *b) {
    return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static void *writer(void *arg) {
    (void)arg;
    uint64_t sent = 0;
    clock_gettime(CLOCK_MONOTONIC, &t_start); /* read by main only after pthread_join */
    while (sent < total_bytes) {
        size_t want = total_bytes - sent < CHUNK ? (size_t)(total_bytes - sent) : CHUNK;
        ssize_t n = write(fd, pattern + (sent % PERIOD), want);
        if (n < 0) {
            if (errno == EINTR) continue;
            write_error = "write";
            write_errno = errno;
            break;
        }
        sent += (uint64_t)n;
    }
    if (shutdown(fd, SHUT_WR) < 0 && !write_error) {
        write_error = "shutdown";
        write_errno = errno;
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: %s HOST PORT MIB\n", argv[0]);
        return 2;
    }
    const char *host = argv[1];
    int port = atoi(argv[2]);
    long mib = atol(argv[3]);
    if (port <= 0 || port > 65535 || mib <= 0) {
        fprintf(stderr, "echo_client: bad PORT or MIB\n");
        return 2;
    }
    total_bytes = (uint64_t)mib * 1024 * 1024;

    pattern = make_pattern();
    if (!pattern) return 1;
    unsigned char *rbuf = malloc(CHUNK);
    if (!rbuf) { perror("malloc"); return 1; }

    fd = connect_ipv4("echo_client", host, port);
    if (fd < 0) return fd == -2 ? 2 : 1;

    pthread_t wt;
    if (pthread_create(&wt, NULL, writer, NULL) != 0) { perror("pthread_create"); return 1; }

    uint64_t got = 0;
    int bad = 0;
    const char *read_error = NULL;
    int read_errno = 0;
    for (;;) {
        ssize_t n = read(fd, rbuf, CHUNK);
        if (n < 0) {
            if (errno == EINTR) continue;
            read_error = "read";
            read_errno = errno;
            break;
        }
        if (n == 0) break;
        if (!bad) {
            if (got + (uint64_t)n > total_bytes || memcmp(rbuf, pattern + (got % PERIOD), (size_t)n) != 0) {
                bad = 1;
                fprintf(stderr, "echo_client: data mismatch in the %zd bytes at offset %llu\n", n,
                        (unsigned long long)got);
            }
        }
        got += (uint64_t)n;
    }
    struct timespec t_end;
    clock_gettime(CLOCK_MONOTONIC, &t_end);
    pthread_join(wt, NULL);
    close(fd);

    double secs = now_diff(&t_start, &t_end);
    printf("bytes=%llu seconds=%.4f mibps=%.1f\n", (unsigned long long)got, secs,
           secs > 0 ? (double)got / (1024.0 * 1024.0) / secs : 0.0);
    fflush(stdout);
    int ok = 1;
    if (write_error) {
        fprintf(stderr, "echo_client: %s: %s\n", write_error, strerror(write_errno));
        ok = 0;
    }
    if (read_error) {
        fprintf(stderr, "echo_client: %s: %s\n", read_error, strerror(read_errno));
        ok = 0;
    }
    if (got != total_bytes) {
        fprintf(stderr, "echo_client: sent %llu bytes but %llu came back\n", (unsigned long long)total_bytes,
                (unsigned long long)got);
        ok = 0;
    }
    if (bad) ok = 0;
    return ok ? 0 : 1;
}
