/*
 * netknife: the clock functions of Substrate VM's libjvm.a (see include/svm_jvm.h), with the
 * JNI entry points of System.currentTimeMillis/nanoTime and VM.getNanoTimeAdjustment, which
 * HotSpot registers natively and svm looks up by their JNI names.
 */
#include <time.h>

#include "svm_jvm.h"

#define NANOS_PER_SEC 1000000000LL

JNIEXPORT jlong JNICALL JVM_CurrentTimeMillis(JNIEnv *env, jclass ignored)
{
    (void) env;
    (void) ignored;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (jlong) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

JNIEXPORT jlong JNICALL JVM_NanoTime(JNIEnv *env, jclass ignored)
{
    (void) env;
    (void) ignored;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (jlong) ts.tv_sec * NANOS_PER_SEC + ts.tv_nsec;
}

/*
 * Nanoseconds from offset_secs (epoch seconds) to now, or -1 when the distance is 2^32 seconds or
 * more either way, so that the caller picks a nearer offset (jdk.internal.misc.VM's contract).
 */
JNIEXPORT jlong JNICALL JVM_GetNanoTimeAdjustment(JNIEnv *env, jclass ignored, jlong offset_secs)
{
    (void) env;
    (void) ignored;
    const jlong max_diff_secs = 0x0100000000LL;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    jlong diff = (jlong) ts.tv_sec - offset_secs;
    if (diff >= max_diff_secs || diff <= -max_diff_secs) {
        return -1;
    }
    return diff * NANOS_PER_SEC + ts.tv_nsec;
}

JNIEXPORT jlong JNICALL Java_java_lang_System_currentTimeMillis(JNIEnv *env, jclass ignored)
{
    return JVM_CurrentTimeMillis(env, ignored);
}

JNIEXPORT jlong JNICALL Java_java_lang_System_nanoTime(JNIEnv *env, jclass ignored)
{
    return JVM_NanoTime(env, ignored);
}

JNIEXPORT jlong JNICALL Java_jdk_internal_misc_VM_getNanoTimeAdjustment(JNIEnv *env, jclass ignored, jlong offset_secs)
{
    return JVM_GetNanoTimeAdjustment(env, ignored, offset_secs);
}
