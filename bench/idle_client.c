/*
 * idle_client: opens and holds many idle TCP connections, for bench/idle-conns.
 *
 *   idle_client HOST PORT N MAX_SECONDS [tls]
 *
 * Opens N connections to HOST:PORT one after another and, on each, sends one byte and waits for
 * it to come back, so the server (or the proxy and its backend) has accepted and is serving every
 * connection. Then prints "ready ok=N failed=F" on stdout and holds them open, sending nothing.
 * Commands on stdin, one per line:
 *   check   one more 1-byte round trip on every connection still open; prints "alive A dead D"
 * EOF on stdin (or MAX_SECONDS passing, via alarm()) closes everything and exits.
 * Every socket call is bounded by SO_SNDTIMEO/SO_RCVTIMEO (10 s); connect() by the kernel's SYN
 * retries, and the whole process by MAX_SECONDS.
 * Raises its own RLIMIT_NOFILE soft limit to the hard limit when N needs it.
 * With "tls": a TLS handshake (OpenSSL, TLS 1.2 or 1.3, no verification) on every connection first, and the
 * round trips inside TLS; the server then holds one idle TLS session per connection.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#include <openssl/ssl.h>

static int roundtrip(int fd, SSL *ssl, char c) {
    char r;
    ssize_t n;
    if (ssl) {
        if (SSL_write(ssl, &c, 1) != 1) return -1;
        if (SSL_read(ssl, &r, 1) != 1 || r != c) return -1;
        return 0;
    }
    do { n = send(fd, &c, 1, MSG_NOSIGNAL); } while (n < 0 && errno == EINTR);
    if (n != 1) return -1;
    do { n = recv(fd, &r, 1, 0); } while (n < 0 && errno == EINTR);
    if (n != 1 || r != c) return -1;
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 5 && !(argc == 6 && strcmp(argv[5], "tls") == 0)) {
        fprintf(stderr, "usage: %s HOST PORT N MAX_SECONDS [tls]\n", argv[0]);
        return 2;
    }
    SSL_CTX *ctx = NULL;
    if (argc == 6) {
        ctx = SSL_CTX_new(TLS_client_method());
        if (!ctx) { fprintf(stderr, "idle_client: SSL_CTX_new failed\n"); return 1; }
        SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
        SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS); /* the client's own memory is not measured, but keep it small */
    }
    int port = atoi(argv[2]);
    long n = atol(argv[3]);
    long max_seconds = atol(argv[4]);
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    if (port <= 0 || port > 65535 || n <= 0 || max_seconds <= 0 || inet_pton(AF_INET, argv[1], &sa.sin_addr) != 1) {
        fprintf(stderr, "idle_client: bad arguments (HOST must be an IPv4 address)\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    alarm((unsigned)max_seconds); /* default SIGALRM action: terminate */

    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)n + 32) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
        getrlimit(RLIMIT_NOFILE, &rl);
        if (rl.rlim_cur < (rlim_t)n + 32) {
            fprintf(stderr, "idle_client: open-file limit %llu is too low for %ld connections (raise ulimit -n)\n",
                    (unsigned long long)rl.rlim_cur, n);
            return 1;
        }
    }

    int *fds = malloc(sizeof(int) * (size_t)n);
    SSL **ssls = calloc((size_t)n, sizeof(SSL *));
    if (!fds || !ssls) { perror("malloc"); return 1; }
    long ok = 0, failed = 0;
    int first_errors = 0;
    struct timeval tv = {10, 0};
    int one = 1;
    for (long i = 0; i < n; i++) {
        fds[i] = -1;
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0) {
            if (first_errors++ < 5) fprintf(stderr, "idle_client: socket: %s\n", strerror(errno));
            failed++;
            continue;
        }
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
            if (first_errors++ < 5) fprintf(stderr, "idle_client: connect #%ld: %s\n", i + 1, strerror(errno));
            close(fd);
            failed++;
            continue;
        }
        if (ctx) {
            ssls[i] = SSL_new(ctx);
            if (!ssls[i] || !SSL_set_fd(ssls[i], fd) || SSL_connect(ssls[i]) != 1) {
                if (first_errors++ < 5) fprintf(stderr, "idle_client: connection #%ld: TLS handshake failed\n", i + 1);
                if (ssls[i]) SSL_free(ssls[i]);
                ssls[i] = NULL;
                close(fd);
                failed++;
                continue;
            }
        }
        errno = 0;
        if (roundtrip(fd, ssls[i], (char)('a' + i % 26)) < 0) {
            if (first_errors++ < 5)
                fprintf(stderr, "idle_client: connection #%ld: no echo of its first byte (%s)\n", i + 1,
                        errno ? strerror(errno) : "closed");
            close(fd);
            failed++;
            continue;
        }
        fds[i] = fd;
        ok++;
    }
    printf("ready ok=%ld failed=%ld\n", ok, failed);
    fflush(stdout);

    char line[256];
    while (fgets(line, sizeof line, stdin)) {
        if (strncmp(line, "check", 5) == 0) {
            long alive = 0, dead = 0;
            for (long i = 0; i < n; i++) {
                if (fds[i] < 0) continue;
                errno = 0;
                if (roundtrip(fds[i], ssls[i], (char)('A' + i % 26)) == 0) {
                    alive++;
                } else {
                    dead++;
                    close(fds[i]);
                    fds[i] = -1;
                }
            }
            printf("alive %ld dead %ld\n", alive, dead);
            fflush(stdout);
        }
    }
    for (long i = 0; i < n; i++) {
        if (fds[i] >= 0) close(fds[i]);
    }
    return 0;
}
