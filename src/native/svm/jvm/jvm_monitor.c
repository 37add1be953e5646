/*
 * netknife: raw monitors of Substrate VM's libjvm.a (see include/svm_jvm.h).  libzip guards its
 * zip cache with them; a recursive pthread mutex serves (re-entry is harmless where HotSpot's
 * plain mutex would deadlock).
 */
#include <pthread.h>
#include <stdlib.h>

#include "svm_jvm.h"

JNIEXPORT void *JNICALL JVM_RawMonitorCreate(void)
{
    pthread_mutex_t *mutex = malloc(sizeof(*mutex));
    if (mutex == NULL) {
        return NULL;
    }
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    int rc = pthread_mutex_init(mutex, &attr);
    pthread_mutexattr_destroy(&attr);
    if (rc != 0) {
        free(mutex);
        return NULL;
    }
    return mutex;
}

JNIEXPORT void JNICALL JVM_RawMonitorDestroy(void *mon)
{
    if (mon != NULL) {
        pthread_mutex_destroy((pthread_mutex_t *) mon);
        free(mon);
    }
}

/* 0 (JNI_OK) once the monitor is held. */
JNIEXPORT jint JNICALL JVM_RawMonitorEnter(void *mon)
{
    return pthread_mutex_lock((pthread_mutex_t *) mon) == 0 ? JNI_OK : JNI_ERR;
}

JNIEXPORT void JNICALL JVM_RawMonitorExit(void *mon)
{
    pthread_mutex_unlock((pthread_mutex_t *) mon);
}
