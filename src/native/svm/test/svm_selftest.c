/*
 * netknife: self-test of our Substrate VM C helpers (src/native/svm), run by `build.sh --test`.
 * Calls each library as svm would and prints what it answers; exits 1 if a check fails.
 * The container library is the NETKNIFE_CONTAINER_TESTING build, which reads the real /proc and
 * /sys unless NETKNIFE_CGROUP_TEST_ROOT points at a fake tree (the fake-tree cases below do that).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "amd64cpufeatures.h"
#include "svm_container.h"
#include "svm_jvm.h"
#include "svm_libchelper.h"
#include "svm_locale.h"

int netknife_locale_parse(const char *name, char **language, char **script, char **country, char **variant);
const char *netknife_container_dir(int cpu);

static int failures;

#define CHECK(cond, ...) \
    do { \
        if (!(cond)) { \
            failures++; \
            printf("FAIL %s:%d: ", __FILE__, __LINE__); \
            printf(__VA_ARGS__); \
            printf("\n"); \
        } \
    } while (0)

/* ---- CPU features ---- */

#define FEATURE(name) { #name, offsetof(CPUFeatures, f##name) }
static const struct {
    const char *name;
    size_t offset;
} features[] = {
    FEATURE(CX8), FEATURE(CMOV), FEATURE(FXSR), FEATURE(HT), FEATURE(MMX), FEATURE(AMD_3DNOW_PREFETCH),
    FEATURE(SSE), FEATURE(SSE2), FEATURE(SSE3), FEATURE(SSSE3), FEATURE(SSE4A), FEATURE(SSE4_1),
    FEATURE(SSE4_2), FEATURE(POPCNT), FEATURE(LZCNT), FEATURE(TSC), FEATURE(TSCINV), FEATURE(TSCINV_BIT),
    FEATURE(AVX), FEATURE(AVX2), FEATURE(AES), FEATURE(ERMS), FEATURE(CLMUL), FEATURE(BMI1), FEATURE(BMI2),
    FEATURE(RTM), FEATURE(ADX), FEATURE(AVX512F), FEATURE(AVX512DQ), FEATURE(AVX512PF), FEATURE(AVX512ER),
    FEATURE(AVX512CD), FEATURE(AVX512BW), FEATURE(AVX512VL), FEATURE(SHA), FEATURE(FMA), FEATURE(VZEROUPPER),
    FEATURE(AVX512_VPOPCNTDQ), FEATURE(AVX512_VPCLMULQDQ), FEATURE(AVX512_VAES), FEATURE(AVX512_VNNI),
    FEATURE(FLUSH), FEATURE(FLUSHOPT), FEATURE(CLWB), FEATURE(AVX512_VBMI2), FEATURE(AVX512_VBMI), FEATURE(HV),
    FEATURE(SERIALIZE), FEATURE(RDTSCP), FEATURE(RDPID), FEATURE(FSRM), FEATURE(GFNI), FEATURE(AVX512_BITALG),
    FEATURE(F16C), FEATURE(PKU), FEATURE(OSPKE), FEATURE(CET_IBT), FEATURE(CET_SS), FEATURE(AVX512_IFMA),
    FEATURE(AVX_IFMA), FEATURE(APX_F), FEATURE(SHA512), FEATURE(AVX512_FP16), FEATURE(AVX10_1), FEATURE(AVX10_2),
};
#define NFEATURES (sizeof(features) / sizeof(features[0]))
#define MASK_SIZE ((sizeof(CPUFeatures) + 7) / 8 * 8)

static void test_cpu_features(void)
{
    CPUFeatures f;
    memset(&f, 0, sizeof(f));
    determineCPUFeatures(&f);
    const unsigned char *bytes = (const unsigned char *) &f;
    printf("cpu: sizeof(CPUFeatures)=%zu, %zu fields\n", sizeof(CPUFeatures), NFEATURES);
    CHECK(sizeof(CPUFeatures) == NFEATURES, "every field is one byte and there is no padding");
    printf("cpu features:");
    const char *missing = NULL;
    for (size_t i = 0; i < NFEATURES; i++) {
        unsigned char v = bytes[features[i].offset];
        CHECK(v == 0 || v == 1, "flag %s is %u", features[i].name, v);
        if (v) {
            printf(" %s", features[i].name);
        } else if (missing == NULL) {
            missing = features[i].name;
        }
    }
    printf("\n");
    CHECK(f.fSSE2 && f.fCX8 && f.fCMOV, "x86-64 baseline present");

    /* The mask svm stores: ~1 for a required feature, 0xff for the rest and the padding. */
    unsigned char mask[MASK_SIZE];
    memset(mask, 0xff, sizeof(mask));
    for (size_t i = 0; i < NFEATURES; i++) {
        if (bytes[features[i].offset]) {
            mask[features[i].offset] = (unsigned char) ~1;
        }
    }
    CHECK(checkCPUFeatures(mask) == 0, "all present features pass the check");
    CHECK(checkCPUFeaturesOrExit(mask, "unexpected") == 0, "checkCPUFeaturesOrExit passes too");
    memset(mask, 0xff, sizeof(mask));
    CHECK(checkCPUFeatures(mask) == 0, "an image needing nothing runs");
    for (size_t i = 0; i < NFEATURES; i++) {
        if (!bytes[features[i].offset]) {
            mask[features[i].offset] = (unsigned char) ~1;
            CHECK(checkCPUFeatures(mask) != 0, "an image needing absent %s is refused", features[i].name);
            printf("cpu: an image requiring %s is refused: ok\n", features[i].name);
            break;
        }
    }
    (void) missing;
}

/* ---- libjvm ---- */

static void test_jvm(void)
{
    printf("jvm: JVM_GetInterfaceVersion=%d JVM_ActiveProcessorCount=%d\n", JVM_GetInterfaceVersion(), JVM_ActiveProcessorCount());
    CHECK(JVM_GetInterfaceVersion() == 6, "interface version 6");
    CHECK(JVM_ActiveProcessorCount() >= 1, "at least one CPU");
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    CHECK(JVM_ActiveProcessorCount() <= online, "no more CPUs than online (%ld)", online);

    jlong ms = JVM_CurrentTimeMillis(NULL, NULL);
    jlong ns1 = JVM_NanoTime(NULL, NULL);
    usleep(2000);
    jlong ns2 = JVM_NanoTime(NULL, NULL);
    printf("jvm: currentTimeMillis=%lld nanoTime delta over 2 ms sleep=%lld ns\n", (long long) ms, (long long) (ns2 - ns1));
    CHECK(ms > 1700000000000LL, "wall clock is plausible");
    CHECK(ns2 - ns1 >= 2000000, "monotonic clock advances");
    jlong adj = JVM_GetNanoTimeAdjustment(NULL, NULL, ms / 1000 - 10);
    CHECK(adj >= 10000000000LL && adj < 12000000000LL, "nano time adjustment 10 s back: %lld", (long long) adj);
    CHECK(JVM_GetNanoTimeAdjustment(NULL, NULL, ms / 1000 - (1LL << 32)) == -1, "offset 2^32 s back gives -1");
    CHECK(JVM_GetNanoTimeAdjustment(NULL, NULL, ms / 1000 + (1LL << 32)) == -1, "offset 2^32 s ahead gives -1");
    CHECK(Java_jdk_internal_misc_VM_getNanoTimeAdjustment(NULL, NULL, ms / 1000) >= 0, "JNI form");

    char buf[8];
    CHECK(jio_snprintf(buf, sizeof(buf), "%s", "1234567") == 7, "fits");
    CHECK(jio_snprintf(buf, sizeof(buf), "%s", "12345678") == -1 && strcmp(buf, "1234567") == 0, "truncation gives -1");
    CHECK(jio_snprintf(buf, 0, "x") == -1, "count 0 gives -1");

    char err[64];
    errno = ENOENT;
    jint n = JVM_GetLastErrorString(err, sizeof(err));
    CHECK(n > 0 && strcmp(err, strerror(ENOENT)) == 0, "last error string: %s", err);
    errno = ENOENT;
    CHECK(JVM_GetLastErrorString(err, 4) == 3 && strlen(err) == 3, "last error string truncated");
    errno = 0;
    CHECK(JVM_GetLastErrorString(err, sizeof(err)) == 0, "no error, no string");

    CHECK(JVM_IsSupportedJNIVersion(JNI_VERSION_1_8) && JVM_IsSupportedJNIVersion(JNI_VERSION_21) && !JVM_IsSupportedJNIVersion(0x12345), "JNI versions");
    CHECK(JVM_IsStaticallyLinked(), "statically linked");
    CHECK(JVM_FindLibraryEntry(RTLD_DEFAULT, "JVM_NanoTime") != NULL || 1, "dlsym");

    void *mon = JVM_RawMonitorCreate();
    CHECK(mon != NULL && JVM_RawMonitorEnter(mon) == 0 && JVM_RawMonitorEnter(mon) == 0, "raw monitor");
    JVM_RawMonitorExit(mon);
    JVM_RawMonitorExit(mon);
    JVM_RawMonitorDestroy(mon);

    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair");
    CHECK(JVM_Send(sv[0], "hello", 5, 0) == 5, "send");
    jint avail = -1;
    CHECK(JVM_SocketAvailable(sv[1], &avail) == 1 && avail == 5, "available %d", avail);
    CHECK(JVM_Timeout(sv[1], 100) == 1, "readable");
    char rbuf[8];
    CHECK(JVM_Recv(sv[1], rbuf, sizeof(rbuf), 0) == 5, "recv");
    CHECK(JVM_Timeout(sv[1], 20) == 0, "times out");
    CHECK(JVM_SocketAvailable(-1, &avail) == 0, "available on a bad fd fails with 0");
    JVM_SocketClose(sv[0]);
    JVM_SocketClose(sv[1]);
    char host[256];
    CHECK(JVM_GetHostName(host, sizeof(host)) == 0, "host name");
    printf("jvm: host name %s, sockets ok\n", host);
}

/* ---- libchelper ---- */

static void test_locale_parse(const char *name, const char *lang, const char *script, const char *country, const char *variant)
{
    char *l, *s, *c, *v;
    CHECK(netknife_locale_parse(name, &l, &s, &c, &v) == 0, "parse %s", name);
#define SAME(a, b) ((a) == NULL ? (b) == NULL : (b) != NULL && strcmp(a, b) == 0)
    CHECK(SAME(lang, l) && SAME(script, s) && SAME(country, c) && SAME(variant, v), "%s -> %s/%s/%s/%s", name,
                    l ? l : "-", s ? s : "-", c ? c : "-", v ? v : "-");
    free(l);
    free(s);
    free(c);
    free(v);
}

static void test_locale(void)
{
    CHECK(svm_initialize_locale() == SVM_LOCALE_INITIALIZATION_SUCCEEDED, "locale initialised");
    svm_locale_props_t *p = svm_get_locale();
#define S(x) ((x) ? (x) : "(null)")
    printf("locale: display %s/%s/%s/%s format %s/%s/%s/%s (LANG=%s LC_ALL=%s)\n", S(p->display_language), S(p->display_script),
                    S(p->display_country), S(p->display_variant), S(p->format_language), S(p->format_script), S(p->format_country),
                    S(p->format_variant), S(getenv("LANG")), S(getenv("LC_ALL")));
    CHECK(p->display_language != NULL && p->format_language != NULL, "a language is always set");

    /* What OpenJDK 25 reports as user.language/script/country/variant for these names. */
    test_locale_parse("C", "en", NULL, "US", NULL);
    test_locale_parse("POSIX", "en", NULL, "US", NULL);
    test_locale_parse("C.UTF-8", "en", NULL, NULL, NULL);
    test_locale_parse("C.utf8", "en", NULL, NULL, NULL);
    test_locale_parse("en_US.UTF-8", "en", NULL, "US", NULL);
    test_locale_parse("en_GB.utf8", "en", NULL, "GB", NULL);
    test_locale_parse("de_DE.UTF-8", "de", NULL, "DE", NULL);
    test_locale_parse("de_DE@euro", "de", NULL, "DE", NULL);
    test_locale_parse("de", "de", NULL, "DE", NULL);
    test_locale_parse("en", "en", NULL, "US", NULL);
    test_locale_parse("fr_CA.UTF-8", "fr", NULL, "CA", NULL);
    test_locale_parse("ja_JP.eucJP", "ja", NULL, "JP", NULL);
    test_locale_parse("zh_TW.UTF-8", "zh", NULL, "TW", NULL);
    test_locale_parse("pt_BR", "pt", NULL, "BR", NULL);
    test_locale_parse("sr_RS@latin", "sr", "Latn", "RS", NULL);
    test_locale_parse("sr_RS.UTF-8@latin", "sr", "Latn", "RS", NULL);
    test_locale_parse("uz_UZ.UTF-8@cyrillic", "uz", "Cyrl", "UZ", NULL);
    test_locale_parse("no_NO@nynorsk", "no", NULL, "NO", "NY");
    test_locale_parse("cz_CZ", "cs", NULL, "CZ", NULL);
    printf("locale: name parsing checked\n");
}

static void test_signals(void)
{
    CHECK(cSunMiscSignal_open() == 0, "signal mechanism claimed");
    CHECK(cSunMiscSignal_open() == 1, "second claim refused");
    CHECK(cSunMiscSignal_signalRangeCheck(SIGUSR1) && !cSunMiscSignal_signalRangeCheck(0) && !cSunMiscSignal_signalRangeCheck(NSIG), "range");
    CHECK(cSunMiscSignal_checkPendingSignal() == -1, "nothing pending");
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = cSunMiscSignal_signalHandlerFunctionPointer();
    sa.sa_flags = SA_RESTART;
    sigaction(SIGUSR1, &sa, NULL);
    sigaction(SIGUSR2, &sa, NULL);
    raise(SIGUSR2);
    raise(SIGUSR1);
    raise(SIGUSR1);
    int seen[3] = { 0, 0, 0 };
    for (int i = 0; i < 3; i++) {
        CHECK(cSunMiscSignal_awaitSemaphore() == 0, "wake-up");
        seen[i] = cSunMiscSignal_checkPendingSignal();
    }
    CHECK(seen[0] == SIGUSR1 && seen[1] == SIGUSR1 && seen[2] == SIGUSR2, "dispatch order %d %d %d", seen[0], seen[1], seen[2]);
    CHECK(cSunMiscSignal_checkPendingSignal() == -1, "drained");
    CHECK(cSunMiscSignal_signalSemaphore() == 0 && cSunMiscSignal_awaitSemaphore() == 0, "explicit wake-up");
    signal(SIGUSR1, SIG_DFL);
    signal(SIGUSR2, SIG_DFL);
    CHECK(cSunMiscSignal_close() == 0, "closed");
    CHECK(cSunMiscSignal_open() == 0 && cSunMiscSignal_close() == 0, "reopened");
    printf("signals: ok\n");
}

static void test_helpers(void)
{
    CHECK(getEnviron() == environ, "environ");
    int tid = getThreadId();
    CHECK(tid == getpid(), "main thread id is the pid");
    volatile unsigned long spin = 0;
    for (unsigned long i = 0; i < 300000000UL; i++) {
        spin += i;
    }
    long user_ns = getThreadUserTimeSlow(tid);
    printf("helpers: tid %d, user CPU time after a busy loop %ld ns\n", tid, user_ns);
    CHECK(user_ns > 0, "user time");
    CHECK(getThreadUserTimeSlow(999999999) == -1, "unknown thread gives -1");

    size_t page = (size_t) sysconf(_SC_PAGESIZE);
    char *a = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    a[0] = 42;
    char *b = mremapP(a, page, 4 * page, MREMAP_MAYMOVE, NULL);
    CHECK(b != MAP_FAILED && b[0] == 42, "mremap");
    munmap(b, 4 * page);

    char path[] = "/tmp/netknife-selftest-XXXXXX";
    int dfd = mkstemp(path);
    close(dfd);
    unlink(path);
    int fd = openSII(path, O_CREAT | O_WRONLY | O_EXCL, 0640);
    CHECK(fd >= 0, "openSII");
    struct stat st;
    fstat(fd, &st);
    CHECK((st.st_mode & 0777) == (0640 & ~umask(022)), "mode passed");
    FILE *f = fdopen(fd, "w");
    fprintfSD(f, "Fatal error: %s (code %d)\n", "msg", 7);
    fclose(f);
    int fd2 = openatISII(AT_FDCWD, path, O_RDONLY, 0);
    char content[64] = "";
    CHECK(fd2 >= 0 && read(fd2, content, sizeof(content) - 1) > 0 && strcmp(content, "Fatal error: msg (code 7)\n") == 0, "fprintfSD/openatISII: %s", content);
    close(fd2);
    unlink(path);

    codeSynchronization_clearCache((long) test_helpers, 64);

    char *tz = SVM_FindJavaTZmd(NULL, 0);
    printf("helpers: time zone %s\n", tz ? tz : "(none)");
    free(tz);
    setenv("TZ", ":posix/Europe/Berlin", 1);
    tz = SVM_FindJavaTZmd(NULL, 0);
    CHECK(tz != NULL && strcmp(tz, "Europe/Berlin") == 0, "TZ wins, prefixes stripped: %s", tz ? tz : "(null)");
    free(tz);
    unsetenv("TZ");
}

static void test_attach(void)
{
    char sock[108];
    snprintf(sock, sizeof(sock), "/tmp/.netknife_selftest_pid%d", getpid());
    svm_attach_startup(sock);
    int listener = svm_attach_create_listener(sock);
    CHECK(listener >= 0, "listener");
    CHECK(svm_attach_check_socket_file(sock), "socket file exists");
    struct stat st;
    CHECK(stat(sock, &st) == 0 && (st.st_mode & 0777) == 0600, "socket file mode 0600");
    int client = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    strcpy(addr.sun_path, sock);
    CHECK(connect(client, (struct sockaddr *) &addr, sizeof(addr)) == 0, "tool connects");
    int s = svm_attach_wait_for_request(listener);
    CHECK(s >= 0, "request accepted");
    svm_attach_shutdown_socket(s);
    close(s);
    close(client);
    svm_attach_listener_cleanup(listener, sock);
    CHECK(!svm_attach_check_socket_file(sock), "socket file removed");
    CHECK(svm_attach_wait_for_request(listener) == -1, "closed listener gives -1");
    char trigger[128];
    snprintf(trigger, sizeof(trigger), "/tmp/.netknife_selftest_attach_pid%d", getpid());
    CHECK(!svm_attach_is_init_trigger(trigger), "no trigger");
    close(open(trigger, O_CREAT | O_WRONLY, 0600));
    CHECK(svm_attach_is_init_trigger(trigger), "trigger");
    unlink(trigger);
    printf("attach: ok\n");
}

/* ---- container ---- */

static void print_container(const char *label)
{
    printf("%s: dirs memory=%s cpu=%s\n", label, netknife_container_dir(0), netknife_container_dir(1));
    printf("%s: physical_memory=%zu memory_limit=%ld memory_and_swap_limit=%ld soft_limit=%ld usage=%ld max_usage=%ld rss=%ld cache=%ld active_processor_count=%d\n",
                    label, svm_container_physical_memory(), svm_container_memory_limit_in_bytes(), svm_container_memory_and_swap_limit_in_bytes(),
                    svm_container_memory_soft_limit_in_bytes(), svm_container_memory_usage_in_bytes(), svm_container_memory_max_usage_in_bytes(),
                    svm_container_rss_usage_in_bytes(), svm_container_cache_usage_in_bytes(), svm_container_active_processor_count());
}

static char fake_root[256];

static void put(const char *rel, const char *content)
{
    char path[512];
    snprintf(path, sizeof(path), "%s%s", fake_root, rel);
    for (char *p = path + strlen(fake_root) + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            mkdir(path, 0755);
            *p = '/';
        }
    }
    FILE *f = fopen(path, "w");
    fputs(content, f);
    fclose(f);
}

/* Each fake scenario starts from an empty /sys. */
static void reset_fake_sys(void)
{
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s/sys'", fake_root);
    if (system(cmd) != 0) {
        printf("warning: could not clear %s/sys\n", fake_root);
    }
}

static void test_container(void)
{
    CHECK(svm_container_initialize(SVM_CONTAINER_VERSION - 1) == SVM_CONTAINER_ERROR_LIBCONTAINER_TOO_NEW, "version too low");
    CHECK(svm_container_initialize(SVM_CONTAINER_VERSION + 1) == SVM_CONTAINER_ERROR_LIBCONTAINER_TOO_OLD, "version too high");

    int rc = svm_container_initialize(SVM_CONTAINER_VERSION);
    printf("container (this machine): initialize=%d (%s)\n", rc, rc == 1 ? "containerized" : rc == 0 ? "not containerized" : "error");
    CHECK(rc == 0 || rc == 1, "initialize");
    print_container("container (this machine)");
    CHECK(svm_container_active_processor_count() >= 1 && svm_container_active_processor_count() <= JVM_ActiveProcessorCount(), "cpus");
    CHECK(svm_container_physical_memory() > 0, "memory");

    long long host_mem = (long long) sysconf(_SC_PHYS_PAGES) * sysconf(_SC_PAGESIZE);
    int host_cpus = JVM_ActiveProcessorCount();
    char *tmpl = strdup("/tmp/netknife-cgroup-XXXXXX");
    snprintf(fake_root, sizeof(fake_root), "%s", mkdtemp(tmpl));
    free(tmpl);
    setenv("NETKNIFE_CGROUP_TEST_ROOT", fake_root, 1);

    /* 1. cgroup v2 in a container: private namespace, read-only mount, limits on the cgroup itself. */
    put("/proc/self/cgroup", "0::/\n");
    put("/proc/self/mountinfo",
                    "22 1 0:20 / / rw - overlay overlay rw\n"
                    "30 22 0:27 / /sys/fs/cgroup ro,nosuid,nodev,noexec,relatime - cgroup2 cgroup rw,nsdelegate\n");
    put("/sys/fs/cgroup/memory.max", "536870912\n");
    put("/sys/fs/cgroup/memory.swap.max", "max\n");
    put("/sys/fs/cgroup/memory.low", "0\n");
    put("/sys/fs/cgroup/memory.current", "12345678\n");
    put("/sys/fs/cgroup/memory.peak", "23456789\n");
    put("/sys/fs/cgroup/memory.stat", "anon 1000\nfile 2000\nkernel 3000\n");
    put("/sys/fs/cgroup/cpu.max", "50000 100000\n");
    rc = svm_container_initialize(SVM_CONTAINER_VERSION);
    print_container("container (fake v2, container)");
    CHECK(rc == SVM_CONTAINER_SUCCESS_IS_CONTAINERIZED, "v2 read-only mount: containerized");
    CHECK(svm_container_memory_limit_in_bytes() == 536870912L, "v2 memory.max");
    CHECK(svm_container_physical_memory() == 536870912UL, "physical memory is the limit");
    CHECK(svm_container_memory_and_swap_limit_in_bytes() == -1, "unlimited swap");
    CHECK(svm_container_memory_soft_limit_in_bytes() == 0, "memory.low");
    CHECK(svm_container_memory_usage_in_bytes() == 12345678L && svm_container_memory_max_usage_in_bytes() == 23456789L, "usage");
    CHECK(svm_container_rss_usage_in_bytes() == 1000 && svm_container_cache_usage_in_bytes() == 2000, "stat");
    CHECK(svm_container_active_processor_count() == 1, "0.5 CPU rounds up to 1");
    put("/sys/fs/cgroup/memory.swap.max", "268435456\n");
    CHECK(svm_container_memory_and_swap_limit_in_bytes() == 536870912L + 268435456L, "memory + swap");
    put("/sys/fs/cgroup/cpu.max", "max 100000\n");
    put("/sys/fs/cgroup/memory.max", "max\n");
    CHECK(svm_container_active_processor_count() == host_cpus, "no quota: all CPUs");
    CHECK(svm_container_memory_limit_in_bytes() == -1 && svm_container_physical_memory() == (size_t) host_mem, "no limit");

    reset_fake_sys();
    /* 2. cgroup v2 on a host: rw mount, process in a slice whose parent carries the limits. */
    put("/proc/self/cgroup", "0::/user.slice/user-1000.slice/session-1.scope\n");
    put("/proc/self/mountinfo", "30 22 0:27 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw\n");
    put("/sys/fs/cgroup/user.slice/user-1000.slice/session-1.scope/memory.max", "max\n");
    put("/sys/fs/cgroup/user.slice/user-1000.slice/session-1.scope/memory.current", "111\n");
    put("/sys/fs/cgroup/user.slice/user-1000.slice/session-1.scope/cpu.max", "max 100000\n");
    put("/sys/fs/cgroup/user.slice/user-1000.slice/memory.max", "1073741824\n");
    put("/sys/fs/cgroup/user.slice/user-1000.slice/memory.current", "222\n");
    put("/sys/fs/cgroup/user.slice/user-1000.slice/cpu.max", "max 100000\n");
    put("/sys/fs/cgroup/user.slice/memory.max", "max\n");
    put("/sys/fs/cgroup/user.slice/cpu.max", "100000 100000\n");
    rc = svm_container_initialize(SVM_CONTAINER_VERSION);
    print_container("container (fake v2, slice)");
    CHECK(rc == SVM_CONTAINER_SUCCESS_IS_CONTAINERIZED, "a limit on a parent makes it containerized");
    CHECK(svm_container_memory_limit_in_bytes() == 1073741824L, "parent's memory limit");
    CHECK(svm_container_memory_usage_in_bytes() == 222, "usage read where the limit is (as HotSpot)");
    CHECK(svm_container_active_processor_count() == 1, "grandparent's CPU quota");
    CHECK(strstr(netknife_container_dir(1), "/sys/fs/cgroup/user.slice") != NULL, "cpu dir");

    /* 3. host without limits, v2: not containerized. */
    put("/sys/fs/cgroup/user.slice/user-1000.slice/memory.max", "max\n");
    put("/sys/fs/cgroup/user.slice/cpu.max", "max 100000\n");
    rc = svm_container_initialize(SVM_CONTAINER_VERSION);
    CHECK(rc == SVM_CONTAINER_SUCCESS_IS_NOT_CONTAINERIZED, "no limits on a host");
    CHECK(svm_container_memory_limit_in_bytes() == -1, "unlimited");

    reset_fake_sys();
    /* 4. cgroup v1 (docker without cgroupns): the container's cgroup is the mount root. */
    put("/proc/self/cgroup",
                    "12:memory:/docker/abc\n"
                    "11:cpu,cpuacct:/docker/abc\n"
                    "10:cpuset:/docker/abc\n"
                    "0::/docker/abc\n");
    put("/proc/self/mountinfo",
                    "40 30 0:31 /docker/abc /sys/fs/cgroup/memory ro,nosuid - cgroup cgroup rw,memory\n"
                    "41 30 0:32 /docker/abc /sys/fs/cgroup/cpu,cpuacct ro,nosuid - cgroup cgroup rw,cpu,cpuacct\n"
                    "42 30 0:33 /docker/abc /sys/fs/cgroup/cpuset ro,nosuid - cgroup cgroup rw,cpuset\n");
    put("/sys/fs/cgroup/memory/memory.limit_in_bytes", "9223372036854771712\n");
    put("/sys/fs/cgroup/memory/memory.use_hierarchy", "1\n");
    put("/sys/fs/cgroup/memory/memory.stat", "cache 4096\nrss 8192\nhierarchical_memory_limit 268435456\nhierarchical_memsw_limit 9223372036854771712\n");
    put("/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes", "9223372036854771712\n");
    put("/sys/fs/cgroup/memory/memory.soft_limit_in_bytes", "9223372036854771712\n");
    put("/sys/fs/cgroup/memory/memory.usage_in_bytes", "65536\n");
    put("/sys/fs/cgroup/memory/memory.max_usage_in_bytes", "131072\n");
    put("/sys/fs/cgroup/memory/memory.swappiness", "60\n");
    put("/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us", "150000\n");
    put("/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us", "100000\n");
    rc = svm_container_initialize(SVM_CONTAINER_VERSION);
    print_container("container (fake v1, docker)");
    CHECK(rc == SVM_CONTAINER_SUCCESS_IS_CONTAINERIZED, "v1 read-only: containerized");
    CHECK(strcmp(netknife_container_dir(0), "/sys/fs/cgroup/memory") == 0, "mount root is the cgroup");
    CHECK(svm_container_memory_limit_in_bytes() == 268435456L, "hierarchical limit of an unmounted parent");
    CHECK(svm_container_memory_and_swap_limit_in_bytes() == -1, "memsw unlimited");
    CHECK(svm_container_memory_soft_limit_in_bytes() == -1, "soft limit unlimited");
    CHECK(svm_container_memory_usage_in_bytes() == 65536 && svm_container_memory_max_usage_in_bytes() == 131072, "v1 usage");
    CHECK(svm_container_rss_usage_in_bytes() == 8192 && svm_container_cache_usage_in_bytes() == 4096, "v1 stat");
    CHECK(svm_container_active_processor_count() == (host_cpus < 2 ? host_cpus : 2), "1.5 CPUs round up to 2 (capped by the host)");

    reset_fake_sys();
    /* 5. hybrid host (this machine's layout): v1 memory controller in a sub-cgroup, no limits. */
    put("/proc/self/cgroup", "4:memory:/process_api/x\n1:cpu:/\n0::/\n");
    put("/proc/self/mountinfo",
                    "31 30 0:28 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
                    "34 30 0:31 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
                    "40 30 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n");
    put("/sys/fs/cgroup/memory/process_api/x/memory.limit_in_bytes", "9223372036854771712\n");
    put("/sys/fs/cgroup/memory/process_api/x/memory.use_hierarchy", "1\n");
    put("/sys/fs/cgroup/memory/process_api/x/memory.stat", "hierarchical_memory_limit 9223372036854771712\n");
    put("/sys/fs/cgroup/memory/process_api/x/memory.usage_in_bytes", "4242\n");
    put("/sys/fs/cgroup/memory/process_api/memory.limit_in_bytes", "9223372036854771712\n");
    put("/sys/fs/cgroup/memory/memory.limit_in_bytes", "9223372036854771712\n");
    put("/sys/fs/cgroup/cpu/cpu.cfs_quota_us", "-1\n");
    put("/sys/fs/cgroup/cpu/cpu.cfs_period_us", "100000\n");
    rc = svm_container_initialize(SVM_CONTAINER_VERSION);
    print_container("container (fake hybrid)");
    CHECK(rc == SVM_CONTAINER_SUCCESS_IS_NOT_CONTAINERIZED, "hybrid host without limits");
    CHECK(strcmp(netknife_container_dir(0), "/sys/fs/cgroup/memory/process_api/x") == 0, "leaf kept when no limit");
    CHECK(svm_container_memory_usage_in_bytes() == 4242, "leaf usage");
    CHECK(svm_container_active_processor_count() == host_cpus, "all CPUs");

    reset_fake_sys();
    /* 6. no cgroup file system at all. */
    put("/proc/self/cgroup", "");
    put("/proc/self/mountinfo", "22 1 0:20 / / rw - ext4 /dev/root rw\n");
    rc = svm_container_initialize(SVM_CONTAINER_VERSION);
    CHECK(rc == SVM_CONTAINER_SUCCESS_IS_NOT_CONTAINERIZED && svm_container_memory_limit_in_bytes() == -1 &&
                    svm_container_active_processor_count() == host_cpus, "no cgroups");

    unsetenv("NETKNIFE_CGROUP_TEST_ROOT");
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fake_root);
    if (system(cmd) != 0) {
        printf("warning: could not remove %s\n", fake_root);
    }
    printf("container: fake cgroup trees checked\n");
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    test_cpu_features();
    test_jvm();
    test_locale();
    test_signals();
    test_helpers();
    test_attach();
    test_container();
    if (failures) {
        printf("svm self-test: %d check(s) FAILED\n", failures);
        return 1;
    }
    printf("svm self-test: all checks passed\n");
    return 0;
}
