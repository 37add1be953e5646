/*
 * netknife: the JVM_* and jio_* functions Substrate VM's libjvm.a provides to the JDK's JNI
 * libraries (libjava, libnet, libnio, libzip, ...) linked statically into the image, plus the
 * symbols svm's own com.oracle.svm.core.jdk.Jvm declares.  The signatures are those of the JDK's
 * jvm.h (which is not part of the JDK's public include directory), written with jni.h types.
 */
#ifndef NETKNIFE_SVM_JVM_H
#define NETKNIFE_SVM_JVM_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <jni.h>

struct sockaddr;

/* The JVM interface version of jvm.h since JDK 11; libjava's JNI_OnLoad insists on it. */
#define NETKNIFE_JVM_INTERFACE_VERSION 6

/* com.oracle.svm.core.jdk.Jvm.initialize: only there to put libjvm.a on the link line. */
void initialize(void);

JNIEXPORT jint JNICALL JVM_GetInterfaceVersion(void);
JNIEXPORT jint JNICALL JVM_ActiveProcessorCount(void);
JNIEXPORT jboolean JNICALL JVM_IsSupportedJNIVersion(jint version);
JNIEXPORT jboolean JNICALL JVM_IsStaticallyLinked(void);
JNIEXPORT void *JNICALL JVM_FindLibraryEntry(void *handle, const char *name);

/* time */
JNIEXPORT jlong JNICALL JVM_CurrentTimeMillis(JNIEnv *env, jclass ignored);
JNIEXPORT jlong JNICALL JVM_NanoTime(JNIEnv *env, jclass ignored);
JNIEXPORT jlong JNICALL JVM_GetNanoTimeAdjustment(JNIEnv *env, jclass ignored, jlong offset_secs);
JNIEXPORT jlong JNICALL Java_java_lang_System_currentTimeMillis(JNIEnv *env, jclass ignored);
JNIEXPORT jlong JNICALL Java_java_lang_System_nanoTime(JNIEnv *env, jclass ignored);
JNIEXPORT jlong JNICALL Java_jdk_internal_misc_VM_getNanoTimeAdjustment(JNIEnv *env, jclass ignored, jlong offset_secs);

/* runtime */
JNIEXPORT void JNICALL JVM_ArrayCopy(JNIEnv *env, jclass ignored, jobject src, jint src_pos, jobject dst, jint dst_pos, jint length);
JNIEXPORT void JNICALL JVM_BeforeHalt(void);
JNIEXPORT void JNICALL JVM_Halt(jint code);
JNIEXPORT jint JNICALL JVM_GetLastErrorString(char *buf, int len);
JNIEXPORT jstring JNICALL JVM_GetTemporaryDirectory(JNIEnv *env);
JNIEXPORT char *JNICALL JVM_NativePath(char *path);

/* raw monitors (libzip) */
JNIEXPORT void *JNICALL JVM_RawMonitorCreate(void);
JNIEXPORT void JNICALL JVM_RawMonitorDestroy(void *mon);
JNIEXPORT jint JNICALL JVM_RawMonitorEnter(void *mon);
JNIEXPORT void JNICALL JVM_RawMonitorExit(void *mon);

/* sockets (the pre-JDK 11 jvm.h family) */
JNIEXPORT jint JNICALL JVM_InitializeSocketLibrary(void);
JNIEXPORT jint JNICALL JVM_Socket(jint domain, jint type, jint protocol);
JNIEXPORT jint JNICALL JVM_SocketClose(jint fd);
JNIEXPORT jint JNICALL JVM_SocketShutdown(jint fd, jint howto);
JNIEXPORT jint JNICALL JVM_Recv(jint fd, char *buf, jint nBytes, jint flags);
JNIEXPORT jint JNICALL JVM_Send(jint fd, char *buf, jint nBytes, jint flags);
JNIEXPORT jint JNICALL JVM_Timeout(int fd, long timeout);
JNIEXPORT jint JNICALL JVM_Listen(jint fd, jint count);
JNIEXPORT jint JNICALL JVM_Connect(jint fd, struct sockaddr *him, jint len);
JNIEXPORT jint JNICALL JVM_Bind(jint fd, struct sockaddr *him, jint len);
JNIEXPORT jint JNICALL JVM_Accept(jint fd, struct sockaddr *him, jint *len);
JNIEXPORT jint JNICALL JVM_RecvFrom(jint fd, char *buf, int nBytes, int flags, struct sockaddr *from, int *fromlen);
JNIEXPORT jint JNICALL JVM_SendTo(jint fd, char *buf, int len, int flags, struct sockaddr *to, int tolen);
JNIEXPORT jint JNICALL JVM_SocketAvailable(jint fd, jint *result);
JNIEXPORT jint JNICALL JVM_GetSockName(jint fd, struct sockaddr *him, int *len);
JNIEXPORT jint JNICALL JVM_GetSockOpt(jint fd, int level, int optname, char *optval, int *optlen);
JNIEXPORT jint JNICALL JVM_SetSockOpt(jint fd, int level, int optname, const char *optval, int optlen);
JNIEXPORT int JNICALL JVM_GetHostName(char *name, int namelen);

/* jio_*: printf family with the JDK's truncation rule for the snprintf pair */
JNIEXPORT int jio_vsnprintf(char *str, size_t count, const char *fmt, va_list args);
JNIEXPORT int jio_snprintf(char *str, size_t count, const char *fmt, ...);
JNIEXPORT int jio_fprintf(FILE *f, const char *fmt, ...);
JNIEXPORT int jio_vfprintf(FILE *f, const char *fmt, va_list args);

#endif
