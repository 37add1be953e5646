/*
 * netknife: the small helpers of Substrate VM's libchelper other than CPU features and locale.
 * Each prototype names the svm Java declaration (a @CFunction) it serves; the C types are the
 * ones those Java signatures map to (int -> int, long -> long, boolean -> int 0/1, word types ->
 * pointers or size_t).
 */
#ifndef NETKNIFE_SVM_LIBCHELPER_H
#define NETKNIFE_SVM_LIBCHELPER_H

#include <stddef.h>
#include <stdio.h>

/* com.oracle.svm.core.LibCHelper */
char **getEnviron(void);
char *SVM_FindJavaTZmd(const char *tzMappings, int length);

/* com.oracle.svm.core.CodeSynchronizationOperations.clearCache */
void codeSynchronization_clearCache(long codeStart, long codeSize);

/* com.oracle.svm.core.posix.linux.LinuxLibCHelper */
int getThreadId(void);
long getThreadUserTimeSlow(int tid);
void *mremapP(void *oldAddress, size_t oldSize, size_t newSize, int flags, void *newAddress);

/* com.oracle.svm.core.posix.thread.PosixVMThreads.fprintfSD */
int fprintfSD(FILE *stream, const char *format, const char *arg0, int arg1);

/* com.oracle.svm.core.posix.headers.Fcntl.NoTransitions (open/openat with a mode argument) */
int openSII(const char *pathname, int flags, int mode);
int openatISII(int dirfd, const char *pathname, int flags, int mode);

/* com.oracle.svm.core.posix.headers.CSunMiscSignal */
int cSunMiscSignal_open(void);
int cSunMiscSignal_close(void);
int cSunMiscSignal_awaitSemaphore(void);
int cSunMiscSignal_signalSemaphore(void);
int cSunMiscSignal_signalRangeCheck(int signal);
int cSunMiscSignal_checkPendingSignal(void);
typedef void (*svm_signal_dispatcher_t)(int);
svm_signal_dispatcher_t cSunMiscSignal_signalHandlerFunctionPointer(void);

/* com.oracle.svm.core.posix.attach.AttachHelper */
void svm_attach_startup(const char *path);
void svm_attach_listener_cleanup(int listenerSocket, const char *path);
int svm_attach_check_socket_file(const char *path);
int svm_attach_is_init_trigger(const char *path);
int svm_attach_create_listener(const char *path);
int svm_attach_wait_for_request(int listenerSocket);
void svm_attach_shutdown_socket(int socket);

#endif
