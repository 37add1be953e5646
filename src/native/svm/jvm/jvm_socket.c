/*
 * netknife: the socket family of Substrate VM's libjvm.a (see include/svm_jvm.h).  Thin POSIX
 * wrappers; like HotSpot's os:: versions, the blocking calls restart after EINTR, and
 * JVM_SocketAvailable answers 1 on success and 0 on failure.
 */
#include <errno.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "svm_jvm.h"

#define RESTARTABLE(result, call) \
    do { \
        (result) = (call); \
    } while ((result) == -1 && errno == EINTR)

JNIEXPORT jint JNICALL JVM_InitializeSocketLibrary(void)
{
    return 0;
}

JNIEXPORT jint JNICALL JVM_Socket(jint domain, jint type, jint protocol)
{
    return socket(domain, type, protocol);
}

JNIEXPORT jint JNICALL JVM_SocketClose(jint fd)
{
    return close(fd);
}

JNIEXPORT jint JNICALL JVM_SocketShutdown(jint fd, jint howto)
{
    return shutdown(fd, howto);
}

JNIEXPORT jint JNICALL JVM_Recv(jint fd, char *buf, jint nBytes, jint flags)
{
    ssize_t n;
    RESTARTABLE(n, recv(fd, buf, (size_t) nBytes, flags));
    return (jint) n;
}

JNIEXPORT jint JNICALL JVM_Send(jint fd, char *buf, jint nBytes, jint flags)
{
    ssize_t n;
    RESTARTABLE(n, send(fd, buf, (size_t) nBytes, flags));
    return (jint) n;
}

/* Waits up to timeout ms (negative: forever) for fd to become readable; poll's result. */
JNIEXPORT jint JNICALL JVM_Timeout(int fd, long timeout)
{
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    long remaining = timeout;
    for (;;) {
        struct pollfd pfd = { .fd = fd, .events = POLLIN | POLLERR };
        int rc = poll(&pfd, 1, remaining < 0 ? -1 : (int) remaining);
        if (rc != -1 || errno != EINTR) {
            return rc;
        }
        if (timeout >= 0) {
            clock_gettime(CLOCK_MONOTONIC, &now);
            long elapsed = (long) (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
            remaining = timeout - elapsed;
            if (remaining <= 0) {
                return 0;
            }
        }
    }
}

JNIEXPORT jint JNICALL JVM_Listen(jint fd, jint count)
{
    return listen(fd, count);
}

JNIEXPORT jint JNICALL JVM_Connect(jint fd, struct sockaddr *him, jint len)
{
    return connect(fd, him, (socklen_t) len);
}

JNIEXPORT jint JNICALL JVM_Bind(jint fd, struct sockaddr *him, jint len)
{
    return bind(fd, him, (socklen_t) len);
}

JNIEXPORT jint JNICALL JVM_Accept(jint fd, struct sockaddr *him, jint *len)
{
    socklen_t socklen = len != NULL ? (socklen_t) *len : 0;
    int rc;
    RESTARTABLE(rc, accept(fd, him, len != NULL ? &socklen : NULL));
    if (len != NULL) {
        *len = (jint) socklen;
    }
    return rc;
}

JNIEXPORT jint JNICALL JVM_RecvFrom(jint fd, char *buf, int nBytes, int flags, struct sockaddr *from, int *fromlen)
{
    socklen_t socklen = fromlen != NULL ? (socklen_t) *fromlen : 0;
    ssize_t n;
    RESTARTABLE(n, recvfrom(fd, buf, (size_t) nBytes, flags, from, fromlen != NULL ? &socklen : NULL));
    if (fromlen != NULL) {
        *fromlen = (int) socklen;
    }
    return (jint) n;
}

JNIEXPORT jint JNICALL JVM_SendTo(jint fd, char *buf, int len, int flags, struct sockaddr *to, int tolen)
{
    ssize_t n;
    RESTARTABLE(n, sendto(fd, buf, (size_t) len, flags, to, (socklen_t) tolen));
    return (jint) n;
}

JNIEXPORT jint JNICALL JVM_SocketAvailable(jint fd, jint *result)
{
    int bytes = 0;
    if (ioctl(fd, FIONREAD, &bytes) < 0) {
        return 0;
    }
    *result = bytes;
    return 1;
}

JNIEXPORT jint JNICALL JVM_GetSockName(jint fd, struct sockaddr *him, int *len)
{
    socklen_t socklen = (socklen_t) *len;
    int rc = getsockname(fd, him, &socklen);
    *len = (int) socklen;
    return rc;
}

JNIEXPORT jint JNICALL JVM_GetSockOpt(jint fd, int level, int optname, char *optval, int *optlen)
{
    socklen_t socklen = (socklen_t) *optlen;
    int rc = getsockopt(fd, level, optname, optval, &socklen);
    *optlen = (int) socklen;
    return rc;
}

JNIEXPORT jint JNICALL JVM_SetSockOpt(jint fd, int level, int optname, const char *optval, int optlen)
{
    return setsockopt(fd, level, optname, optval, (socklen_t) optlen);
}

JNIEXPORT int JNICALL JVM_GetHostName(char *name, int namelen)
{
    return gethostname(name, (size_t) namelen);
}
