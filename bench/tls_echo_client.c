/*
 * tls_echo_client: full-duplex TLS load client for bench/tls-throughput.
 *
 *   tls_echo_client HOST PORT MIB
 *
 * Opens one TCP connection (TCP_NODELAY) and does one TLS 1.3 handshake with OpenSSL's libssl
 * (SNI "localhost", no certificate verification: the server's certificate is a throwaway one).
 * Then ONE thread drives both directions over the non-blocking socket with poll(): it sends MIB
 * MiB of a deterministic byte pattern in 64 KiB SSL_write() calls, and reads (SSL_read, 64 KiB
 * at a time) whatever has come back, checking every byte against the pattern. (One SSL object
 * is not safe for a reader thread and a writer thread at once in every OpenSSL version, so no
 * threads.) When everything is written it calls SSL_shutdown() once (sends close_notify, the
 * TLS half-close) and keeps reading until the server's close_notify (SSL_read returns 0) or
 * the socket closes. The clock runs from just before the first SSL_write to that end.
 *
 * Prints one line on stdout:
 *   bytes=N seconds=S mibps=X protocol=TLSv1.3 cipher=NAME end=close_notify|eof
 * (end=eof: the server closed the TCP connection without sending close_notify.)
 * Exits 0 only when exactly the bytes sent came back, unchanged; 1 otherwise.
 * Bounded: connect and handshake have SO_SNDTIMEO/SO_RCVTIMEO of 30 s, and 30 s without any
 * progress in either direction afterwards is an error (a stalled peer).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bench_common.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#define STALL_MS 30000

static double now_diff(const struct timespec *a, const struct timespec *b) {
    return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

/* Prints the OpenSSL error queue (or errno) after a failed SSL_* call. */
static void ssl_fail(const char *what, int err) {
    unsigned long e;
    int any = 0;
    while ((e = ERR_get_error()) != 0) {
        char buf[256];
        ERR_error_string_n(e, buf, sizeof buf);
        fprintf(stderr, "tls_echo_client: %s: %s\n", what, buf);
        any = 1;
    }
    if (!any) {
        if (err == SSL_ERROR_SYSCALL && errno != 0)
            fprintf(stderr, "tls_echo_client: %s: %s\n", what, strerror(errno));
        else if (err == SSL_ERROR_SYSCALL)
            fprintf(stderr, "tls_echo_client: %s: connection closed unexpectedly\n", what);
        else
            fprintf(stderr, "tls_echo_client: %s: SSL error %d\n", what, err);
    }
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
        fprintf(stderr, "tls_echo_client: bad PORT or MIB\n");
        return 2;
    }
    uint64_t total_bytes = (uint64_t)mib * 1024 * 1024;

    unsigned char *pattern = make_pattern();
    if (!pattern) return 1;
    unsigned char *rbuf = malloc(CHUNK);
    if (!rbuf) { perror("malloc"); return 1; }

    int fd = connect_ipv4("tls_echo_client", host, port);
    if (fd < 0) return fd == -2 ? 2 : 1;

    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (!ctx) { ssl_fail("SSL_CTX_new", 0); return 1; }
    SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION);
    SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
    SSL *ssl = SSL_new(ctx);
    if (!ssl || !SSL_set_fd(ssl, fd)) { ssl_fail("SSL_new", 0); return 1; }
    SSL_set_tlsext_host_name(ssl, "localhost");

    /* Handshake on the blocking socket (bounded by the 30 s socket timeouts). */
    int r = SSL_connect(ssl);
    if (r != 1) {
        ssl_fail("TLS handshake", SSL_get_error(ssl, r));
        return 1;
    }
    const char *cipher = SSL_get_cipher_name(ssl);
    const char *protocol = SSL_get_version(ssl);

    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) { perror("fcntl"); return 1; }

    uint64_t sent = 0, got = 0;
    int bad = 0, failed = 0;
    int shut_sent = 0;      /* SSL_shutdown() has queued our close_notify */
    int shut_flushed = 0;   /* ... and it has been written to the socket */
    const char *end = NULL; /* "close_notify" or "eof" once the server has finished */
    /* What the pending operation of each direction waits for (0, POLLIN or POLLOUT). */
    short write_wants = 0, read_wants = 0;
    size_t want = 0; /* size of the current SSL_write, constant across its retries */

    struct timespec t_start, t_end, t_prog;
    clock_gettime(CLOCK_MONOTONIC, &t_start);
    t_prog = t_start;

    while (!end && !failed) {
        int progress = 0;

        /* Read whatever is there (including records OpenSSL has already buffered). */
        for (int k = 0; k < 64 && !end; k++) {
            ERR_clear_error();
            int n = SSL_read(ssl, rbuf, CHUNK);
            if (n > 0) {
                progress = 1;
                read_wants = 0;
                if (!bad) {
                    if (got + (uint64_t)n > total_bytes ||
                        memcmp(rbuf, pattern + (got % PERIOD), (size_t)n) != 0) {
                        bad = 1;
                        fprintf(stderr, "tls_echo_client: data mismatch in the %d bytes at offset %llu\n", n,
                                (unsigned long long)got);
                    }
                }
                got += (uint64_t)n;
                continue;
            }
            int err = SSL_get_error(ssl, n);
            if (err == SSL_ERROR_WANT_READ) { read_wants = POLLIN; break; }
            if (err == SSL_ERROR_WANT_WRITE) { read_wants = POLLOUT; break; }
            if (err == SSL_ERROR_ZERO_RETURN) { end = "close_notify"; break; }
            if ((err == SSL_ERROR_SYSCALL && errno == 0 && ERR_peek_error() == 0)
#ifdef SSL_R_UNEXPECTED_EOF_WHILE_READING
                || (err == SSL_ERROR_SSL &&
                    ERR_GET_REASON(ERR_peek_error()) == SSL_R_UNEXPECTED_EOF_WHILE_READING)
#endif
            ) {
                ERR_clear_error();
                end = "eof";
                break;
            }
            ssl_fail("SSL_read", err);
            failed = 1;
            break;
        }
        if (end || failed) break;

        /* Write while the socket takes it; then the half-close. */
        for (int k = 0; k < 64 && sent < total_bytes; k++) {
            if (want == 0) want = total_bytes - sent < CHUNK ? (size_t)(total_bytes - sent) : CHUNK;
            ERR_clear_error();
            int n = SSL_write(ssl, pattern + (sent % PERIOD), (int)want);
            if (n > 0) {
                progress = 1;
                write_wants = 0;
                sent += (uint64_t)n;
                want = 0;
                continue;
            }
            int err = SSL_get_error(ssl, n);
            if (err == SSL_ERROR_WANT_WRITE) { write_wants = POLLOUT; break; }
            if (err == SSL_ERROR_WANT_READ) { write_wants = POLLIN; break; }
            ssl_fail("SSL_write", err);
            failed = 1;
            break;
        }
        if (failed) break;
        if (sent == total_bytes && !shut_flushed) {
            /* Once: 0 = close_notify sent (the server's not yet seen), 1 = both done. A retry
             * after WANT_WRITE only flushes the queued close_notify. */
            ERR_clear_error();
            int s = SSL_shutdown(ssl);
            shut_sent = 1;
            if (s >= 0) {
                shut_flushed = 1;
                write_wants = 0;
                progress = 1;
                if (s == 1) { end = "close_notify"; break; }
            } else {
                int err = SSL_get_error(ssl, s);
                if (err == SSL_ERROR_WANT_WRITE) write_wants = POLLOUT;
                else if (err == SSL_ERROR_WANT_READ) write_wants = POLLIN;
                else { ssl_fail("SSL_shutdown", err); failed = 1; break; }
            }
        }

        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (progress) { t_prog = now; continue; }
        double idle_ms = now_diff(&t_prog, &now) * 1000.0;
        if (idle_ms >= STALL_MS) {
            fprintf(stderr,
                    "tls_echo_client: stalled: no progress for %d s (sent %llu, received %llu of %llu bytes%s)\n",
                    STALL_MS / 1000, (unsigned long long)sent, (unsigned long long)got,
                    (unsigned long long)total_bytes, shut_sent ? ", close_notify sent" : "");
            failed = 1;
            break;
        }
        struct pollfd p = {fd, (short)(read_wants | write_wants | POLLIN), 0};
        int pr = poll(&p, 1, STALL_MS - (int)idle_ms);
        if (pr < 0 && errno != EINTR) { perror("poll"); failed = 1; break; }
    }
    clock_gettime(CLOCK_MONOTONIC, &t_end);

    double secs = now_diff(&t_start, &t_end);
    printf("bytes=%llu seconds=%.4f mibps=%.1f protocol=%s cipher=%s end=%s\n", (unsigned long long)got, secs,
           secs > 0 ? (double)got / (1024.0 * 1024.0) / secs : 0.0, protocol ? protocol : "?",
           cipher ? cipher : "?", end ? end : "error");
    fflush(stdout);
    int ok = !failed && !bad;
    if (sent != total_bytes) {
        fprintf(stderr, "tls_echo_client: only %llu of %llu bytes could be sent\n", (unsigned long long)sent,
                (unsigned long long)total_bytes);
        ok = 0;
    }
    if (got != total_bytes) {
        fprintf(stderr, "tls_echo_client: sent %llu bytes but %llu came back\n", (unsigned long long)sent,
                (unsigned long long)got);
        ok = 0;
    }
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    close(fd);
    return ok ? 0 : 1;
}
