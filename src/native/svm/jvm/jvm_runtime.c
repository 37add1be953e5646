/*
 * netknife: JVM_* runtime functions of Substrate VM's libjvm.a (see include/svm_jvm.h).
 * Written for nk from the contracts of the JDK's jvm.h; HotSpot's behaviour is the reference.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "svm_jvm.h"

void initialize(void)
{
    /* Nothing to set up: svm calls this only so that the linker pulls in libjvm.a. */
}

JNIEXPORT jint JNICALL JVM_GetInterfaceVersion(void)
{
    return NETKNIFE_JVM_INTERFACE_VERSION;
}

/*
 * The CPUs this process may run on (its affinity mask, which a cgroup cpuset also narrows), as
 * HotSpot's os::Linux::active_processor_count.  Container CPU quotas are libsvm_container's job:
 * svm asks it first when the image runs containerized.
 */
JNIEXPORT jint JNICALL JVM_ActiveProcessorCount(void)
{
    long configured = sysconf(_SC_NPROCESSORS_CONF);
    if (configured < 1) {
        configured = 1;
    }
    /* Leave room for CPUs that are configured later; the kernel wants a large enough set. */
    for (long ncpus = configured < 1024 ? 1024 : configured; ncpus <= 65536; ncpus *= 2) {
        cpu_set_t *set = CPU_ALLOC((int) ncpus);
        if (set == NULL) {
            break;
        }
        size_t size = CPU_ALLOC_SIZE((int) ncpus);
        CPU_ZERO_S(size, set);
        if (sched_getaffinity(0, size, set) == 0) {
            int count = CPU_COUNT_S(size, set);
            CPU_FREE(set);
            if (count > 0) {
                return count;
            }
            break;
        }
        int err = errno;
        CPU_FREE(set);
        if (err != EINVAL) {
            break;
        }
    }
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    return online > 0 ? (jint) online : 1;
}

JNIEXPORT jboolean JNICALL JVM_IsSupportedJNIVersion(jint version)
{
    switch (version) {
    case JNI_VERSION_1_1:
    case JNI_VERSION_1_2:
    case JNI_VERSION_1_4:
    case JNI_VERSION_1_6:
    case JNI_VERSION_1_8:
    case JNI_VERSION_9:
    case JNI_VERSION_10:
    case JNI_VERSION_19:
    case JNI_VERSION_20:
    case JNI_VERSION_21:
#ifdef JNI_VERSION_24
    case JNI_VERSION_24:
#endif
        return JNI_TRUE;
    default:
        return JNI_FALSE;
    }
}

/* The image links the JDK's native libraries into the executable. */
JNIEXPORT jboolean JNICALL JVM_IsStaticallyLinked(void)
{
    return JNI_TRUE;
}

JNIEXPORT void *JNICALL JVM_FindLibraryEntry(void *handle, const char *name)
{
    return dlsym(handle, name);
}

/*
 * System.arraycopy is a Java method in the image; this entry only exists because libjava's
 * System.registerNatives table names it.  Should native code ever call it, forward to Java.
 */
JNIEXPORT void JNICALL JVM_ArrayCopy(JNIEnv *env, jclass ignored, jobject src, jint src_pos, jobject dst, jint dst_pos, jint length)
{
    (void) ignored;
    jclass system = (*env)->FindClass(env, "java/lang/System");
    if (system == NULL) {
        return;
    }
    jmethodID arraycopy = (*env)->GetStaticMethodID(env, system, "arraycopy", "(Ljava/lang/Object;ILjava/lang/Object;II)V");
    if (arraycopy != NULL) {
        (*env)->CallStaticVoidMethod(env, system, arraycopy, src, src_pos, dst, dst_pos, length);
    }
    (*env)->DeleteLocalRef(env, system);
}

JNIEXPORT void JNICALL JVM_BeforeHalt(void)
{
    /* HotSpot uses this hook for JFR; the image has nothing to do before halting. */
}

JNIEXPORT void JNICALL JVM_Halt(jint code)
{
    exit(code);
}

/* strerror(errno) into buf; returns its length, or 0 when errno is 0 (os::lasterror). */
JNIEXPORT jint JNICALL JVM_GetLastErrorString(char *buf, int len)
{
    int err = errno;
    if (err == 0 || buf == NULL || len <= 0) {
        return 0;
    }
    const char *msg = strerror(err);
    size_t n = strlen(msg);
    if (n >= (size_t) len) {
        n = (size_t) len - 1;
    }
    memcpy(buf, msg, n);
    buf[n] = '\0';
    return (jint) n;
}

JNIEXPORT jstring JNICALL JVM_GetTemporaryDirectory(JNIEnv *env)
{
    return (*env)->NewStringUTF(env, "/tmp");
}

/* POSIX paths need no conversion. */
JNIEXPORT char *JNICALL JVM_NativePath(char *path)
{
    return path;
}
