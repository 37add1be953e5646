/*
 * netknife: the C half of Substrate VM's Java signal handling (com.oracle.svm.core.posix.headers.
 * CSunMiscSignal, used by PosixSignalHandlerSupport).
 *
 * The handler only counts the signal and posts a semaphore (both async-signal-safe); svm's
 * "Signal Dispatcher" thread waits on the semaphore and takes one pending signal per wake-up with
 * cSunMiscSignal_checkPendingSignal.  One isolate at a time owns the mechanism.
 */
#include <errno.h>
#include <semaphore.h>
#include <signal.h>

#include "svm_libchelper.h"

/* Signal numbers are 1 .. NSIG-1 (glibc's NSIG covers the real-time signals). */
static volatile int pending[NSIG];
static sem_t semaphore;
static int owned; /* 0: free, 1: claimed by an isolate */

static void counting_handler(int sig)
{
    int saved_errno = errno;
    if (sig > 0 && sig < NSIG) {
        __atomic_add_fetch(&pending[sig], 1, __ATOMIC_SEQ_CST);
        sem_post(&semaphore);
    }
    errno = saved_errno;
}

/* 0: claimed; 1: another isolate owns it; -1: the semaphore could not be set up (errno). */
int cSunMiscSignal_open(void)
{
    int expected = 0;
    if (!__atomic_compare_exchange_n(&owned, &expected, 1, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
        return 1;
    }
    for (int i = 0; i < NSIG; i++) {
        __atomic_store_n(&pending[i], 0, __ATOMIC_SEQ_CST);
    }
    if (sem_init(&semaphore, 0, 0) != 0) {
        __atomic_store_n(&owned, 0, __ATOMIC_SEQ_CST);
        return -1;
    }
    return 0;
}

int cSunMiscSignal_close(void)
{
    int rc = sem_destroy(&semaphore) == 0 ? 0 : -1;
    __atomic_store_n(&owned, 0, __ATOMIC_SEQ_CST);
    return rc;
}

/* 0 after a wake-up, which may be spurious (an interrupted wait counts as one). */
int cSunMiscSignal_awaitSemaphore(void)
{
    if (sem_wait(&semaphore) == 0 || errno == EINTR) {
        return 0;
    }
    return -1;
}

int cSunMiscSignal_signalSemaphore(void)
{
    return sem_post(&semaphore) == 0 ? 0 : -1;
}

int cSunMiscSignal_signalRangeCheck(int signal)
{
    return signal > 0 && signal < NSIG;
}

/* The lowest-numbered pending signal, consuming one occurrence of it, or -1 if none is pending. */
int cSunMiscSignal_checkPendingSignal(void)
{
    for (int sig = 1; sig < NSIG; sig++) {
        int count = __atomic_load_n(&pending[sig], __ATOMIC_SEQ_CST);
        while (count > 0) {
            if (__atomic_compare_exchange_n(&pending[sig], &count, count - 1, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
                return sig;
            }
        }
    }
    return -1;
}

svm_signal_dispatcher_t cSunMiscSignal_signalHandlerFunctionPointer(void)
{
    return counting_handler;
}
