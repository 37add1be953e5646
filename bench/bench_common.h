/* Shared by the benchmark load clients: the checked data pattern and the loopback connection. */
#ifndef NK_BENCH_COMMON_H
#define NK_BENCH_COMMON_H

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

#define CHUNK (64 * 1024)
/* Not a multiple of CHUNK, so a shifted or repeated block never checks as correct. */
#define PERIOD (1024 * 1024 + 4093)

/* PERIOD + CHUNK bytes of xorshift64 noise with pattern[i] == pattern[i % PERIOD]; NULL on failure. */
static unsigned char *make_pattern(void) {
    unsigned char *pattern = malloc(PERIOD + CHUNK);
    if (!pattern) { perror("malloc"); return NULL; }
    uint64_t x = 0x9E3779B97F4A7C15ull;
    for (size_t i = 0; i < PERIOD; i++) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        pattern[i] = (unsigned char)(x >> 24);
    }
    memcpy(pattern + PERIOD, pattern, CHUNK);
    return pattern;
}

/* A TCP connection to HOST (an IPv4 literal):PORT with TCP_NODELAY and 30 s send/receive
 * timeouts; -2 for a bad address, -1 for a failed connection (both already reported). */
static int connect_ipv4(const char *prog, const char *host, int port) {
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
        fprintf(stderr, "%s: HOST must be an IPv4 address: %s\n", prog, host);
        return -2;
    }
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) { perror("socket"); return -1; }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct timeval tv = {30, 0};
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
        fprintf(stderr, "%s: connect %s:%d: %s\n", prog, host, port, strerror(errno));
        return -1;
    }
    return fd;
}

#endif
