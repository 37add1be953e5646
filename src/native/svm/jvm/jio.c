/*
 * netknife: jio_* of Substrate VM's libjvm.a (see include/svm_jvm.h).  The snprintf pair returns
 * -1 when the output did not fit (or count is 0 or "negative"), as the JDK's callers expect.
 */
#include <stdint.h>

#include "svm_jvm.h"

JNIEXPORT int jio_vsnprintf(char *str, size_t count, const char *fmt, va_list args)
{
    if ((intptr_t) count <= 0) {
        return -1;
    }
    int n = vsnprintf(str, count, fmt, args);
    if (n > 0 && (size_t) n >= count) {
        return -1;
    }
    return n;
}

JNIEXPORT int jio_snprintf(char *str, size_t count, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    int n = jio_vsnprintf(str, count, fmt, args);
    va_end(args);
    return n;
}

JNIEXPORT int jio_vfprintf(FILE *f, const char *fmt, va_list args)
{
    return vfprintf(f, fmt, args);
}

JNIEXPORT int jio_fprintf(FILE *f, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    int n = jio_vfprintf(f, fmt, args);
    va_end(args);
    return n;
}
