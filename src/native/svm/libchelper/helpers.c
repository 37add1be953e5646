/*
 * netknife: the small libc wrappers of Substrate VM's libchelper (see include/svm_libchelper.h).
 * Several are called from svm code that runs without a Java thread state, so they stay away from
 * stdio and malloc where the work allows.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "svm_libchelper.h"

extern char **environ;

char **getEnviron(void)
{
    return environ;
}

int getThreadId(void)
{
    return (int) syscall(SYS_gettid);
}

/*
 * User CPU time of thread `tid` of this process in nanoseconds, from the utime field (the 14th)
 * of /proc/self/task/<tid>/stat; -1 when that cannot be read.
 */
long getThreadUserTimeSlow(int tid)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return -1;
    }
    char buf[1024];
    ssize_t total = 0, n;
    while (total < (ssize_t) sizeof(buf) - 1 && (n = read(fd, buf + total, sizeof(buf) - 1 - total)) != 0) {
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            close(fd);
            return -1;
        }
        total += n;
    }
    close(fd);
    buf[total] = '\0';

    /* The command name (field 2) may contain spaces and parentheses: fields resume after the last ')'. */
    char *p = strrchr(buf, ')');
    if (p == NULL) {
        return -1;
    }
    p++;
    /* Fields 3 (state) to 13 precede utime. */
    for (int field = 3; field <= 13; field++) {
        while (*p == ' ') {
            p++;
        }
        while (*p != ' ' && *p != '\0') {
            p++;
        }
        if (*p == '\0') {
            return -1;
        }
    }
    while (*p == ' ') {
        p++;
    }
    if (*p < '0' || *p > '9') {
        return -1;
    }
    unsigned long ticks = 0;
    while (*p >= '0' && *p <= '9') {
        ticks = ticks * 10 + (unsigned long) (*p - '0');
        p++;
    }
    long hz = sysconf(_SC_CLK_TCK);
    if (hz <= 0) {
        hz = 100;
    }
    return (long) ticks * (1000000000L / hz);
}

void *mremapP(void *oldAddress, size_t oldSize, size_t newSize, int flags, void *newAddress)
{
    return mremap(oldAddress, oldSize, newSize, flags, newAddress);
}

int fprintfSD(FILE *stream, const char *format, const char *arg0, int arg1)
{
    return fprintf(stream, format, arg0, arg1);
}

int openSII(const char *pathname, int flags, int mode)
{
    return open(pathname, flags, (mode_t) mode);
}

int openatISII(int dirfd, const char *pathname, int flags, int mode)
{
    return openat(dirfd, pathname, flags, (mode_t) mode);
}

void codeSynchronization_clearCache(long codeStart, long codeSize)
{
    /* A no-op on amd64, whose instruction cache is coherent; the builtin covers other targets. */
    char *start = (char *) codeStart;
    __builtin___clear_cache(start, start + codeSize);
}
