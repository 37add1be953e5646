/*
 * netknife: Substrate VM's container library (see include/svm_container.h), written for nk.
 *
 * Reads the cgroup (v2, or v1 including the hybrid layout) of the memory and cpu controllers of
 * this process.  Semantics follow HotSpot's OSContainer on Linux (JDK 25):
 *   - the controller directory is the cgroup of the process under the controller's mount point;
 *     at start-up it moves to the ancestor with the lowest limit when one is lower (so a limit set
 *     on a parent slice counts), and all later reads use that directory;
 *   - memory limits at or above the host's physical memory mean "unlimited" (-1); -2 is an error;
 *   - active processors = min(CPUs in the affinity mask, ceil(quota / period));
 *   - the process is "containerized" when all its cgroup controllers are mounted read-only (as
 *     container runtimes do) or when a memory or CPU limit applies.
 * Everything here runs without a Java thread state, so it uses no malloc and no stdio.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include "svm_container.h"

/* The self-test points the library at a fake /proc and /sys tree. */
#ifdef NETKNIFE_CONTAINER_TESTING
static const char *fs_root(void)
{
    const char *root = getenv("NETKNIFE_CGROUP_TEST_ROOT");
    return root != NULL ? root : "";
}
#else
#define fs_root() ""
#endif

#define NO_LIMIT INT64_MAX

enum { CG_NONE = 0, CG_V1 = 1, CG_V2 = 2 };

struct controller {
    int version;
    int read_only;
    char mount[PATH_MAX];      /* mount point of the hierarchy */
    char mount_root[PATH_MAX]; /* cgroup path mounted there */
    char cgroup[PATH_MAX];     /* this process's cgroup path in the hierarchy */
    char dir[PATH_MAX];        /* the directory the values are read from */
};

static struct controller memory_ctrl, cpu_ctrl;
static int containerized;

/* ---- file access ---------------------------------------------------------------------------- */

static int open_file(const char *path)
{
    char full[PATH_MAX];
    if (snprintf(full, sizeof(full), "%s%s", fs_root(), path) >= (int) sizeof(full)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    int fd;
    do {
        fd = open(full, O_RDONLY | O_CLOEXEC);
    } while (fd == -1 && errno == EINTR);
    return fd;
}

struct line_reader {
    int fd;
    size_t pos, len;
    char buf[4096];
};

/* Next line without its '\n' into line (truncated to cap-1); 0 at the end of the file. */
static int next_line(struct line_reader *r, char *line, size_t cap)
{
    size_t n = 0;
    int got_any = 0;
    for (;;) {
        if (r->pos == r->len) {
            ssize_t k;
            do {
                k = read(r->fd, r->buf, sizeof(r->buf));
            } while (k == -1 && errno == EINTR);
            if (k <= 0) {
                line[n] = '\0';
                return got_any;
            }
            r->pos = 0;
            r->len = (size_t) k;
        }
        char c = r->buf[r->pos++];
        got_any = 1;
        if (c == '\n') {
            line[n] = '\0';
            return 1;
        }
        if (n + 1 < cap) {
            line[n++] = c;
        }
    }
}

static int join_path(char *out, size_t cap, const char *dir, const char *name)
{
    return snprintf(out, cap, "%s/%s", dir, name) < (int) cap ? 0 : -1;
}

/* A reader of dir/name; -1 when the file cannot be opened. */
static int open_reader(const char *dir, const char *name, struct line_reader *r)
{
    char path[PATH_MAX];
    if (join_path(path, sizeof(path), dir, name) != 0) {
        return -1;
    }
    *r = (struct line_reader) { .fd = open_file(path) };
    return r->fd < 0 ? -1 : 0;
}

/* The first line of dir/name. */
static int read_first_line(const char *dir, const char *name, char *line, size_t cap)
{
    struct line_reader r;
    if (open_reader(dir, name, &r) != 0) {
        return -1;
    }
    int got = next_line(&r, line, cap);
    close(r.fd);
    return got ? 0 : -1;
}

/* A decimal number, or "max" (cgroup v2 for unlimited) as NO_LIMIT. */
static int parse_value(const char *s, int64_t *out)
{
    while (*s == ' ' || *s == '\t') {
        s++;
    }
    if (strncmp(s, "max", 3) == 0) {
        *out = NO_LIMIT;
        return 0;
    }
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (end == s || errno != 0) {
        /* Values beyond INT64_MAX (v1's "unlimited" is close to it) are no limit either. */
        if (errno == ERANGE && v > 0) {
            *out = NO_LIMIT;
            return 0;
        }
        return -1;
    }
    *out = v;
    return 0;
}

static int read_value(const char *dir, const char *name, int64_t *out)
{
    char line[128];
    if (read_first_line(dir, name, line, sizeof(line)) != 0) {
        return -1;
    }
    return parse_value(line, out);
}

/* The value of "key value" in a flat-keyed file such as memory.stat. */
static int read_keyed_value(const char *dir, const char *name, const char *key, int64_t *out)
{
    struct line_reader r;
    if (open_reader(dir, name, &r) != 0) {
        return -1;
    }
    size_t key_len = strlen(key);
    char line[256];
    int rc = -1;
    while (next_line(&r, line, sizeof(line))) {
        if (strncmp(line, key, key_len) == 0 && line[key_len] == ' ') {
            rc = parse_value(line + key_len + 1, out);
            break;
        }
    }
    close(r.fd);
    return rc;
}

/* ---- host values ------------------------------------------------------------------------------ */

static int64_t host_memory(void)
{
    long pages = sysconf(_SC_PHYS_PAGES);
    long page_size = sysconf(_SC_PAGESIZE);
    return pages > 0 && page_size > 0 ? (int64_t) pages * page_size : NO_LIMIT;
}

static int64_t host_swap(void)
{
    struct sysinfo si;
    return sysinfo(&si) == 0 ? (int64_t) si.totalswap * si.mem_unit : 0;
}

/* CPUs in this process's affinity mask (what HotSpot calls the host's active processor count). */
static int host_cpus(void)
{
    /* Room for 8192 CPUs on the stack (no malloc here); the kernel wants a mask at least as large as its own. */
    unsigned long mask[8192 / (8 * sizeof(unsigned long))];
    for (size_t size = 128; size <= sizeof(mask); size *= 2) {
        memset(mask, 0, size);
        if (sched_getaffinity(0, size, (cpu_set_t *) mask) == 0) {
            int count = CPU_COUNT_S(size, (cpu_set_t *) mask);
            if (count > 0) {
                return count;
            }
            break;
        }
        if (errno != EINVAL) {
            break;
        }
    }
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    return online > 0 ? (int) online : 1;
}

/* ---- discovery -------------------------------------------------------------------------------- */

/* Does the comma-separated list contain token? */
static int has_token(const char *list, const char *token)
{
    size_t len = strlen(token);
    for (const char *p = list; p != NULL && *p != '\0';) {
        const char *comma = strchr(p, ',');
        size_t n = comma != NULL ? (size_t) (comma - p) : strlen(p);
        if (n == len && strncmp(p, token, len) == 0) {
            return 1;
        }
        p = comma != NULL ? comma + 1 : NULL;
    }
    return 0;
}

/* mountinfo escapes blanks and backslashes as \ooo. */
static void unescape_octal(char *s)
{
    char *out = s;
    for (char *in = s; *in != '\0';) {
        if (in[0] == '\\' && in[1] >= '0' && in[1] <= '3' && in[2] >= '0' && in[2] <= '7' && in[3] >= '0' && in[3] <= '7') {
            *out++ = (char) ((in[1] - '0') * 64 + (in[2] - '0') * 8 + (in[3] - '0'));
            in += 4;
        } else {
            *out++ = *in++;
        }
    }
    *out = '\0';
}

static void copy_str(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src);
}

/* /proc/self/cgroup: "0::/path" for v2, "N:ctrl1,ctrl2:/path" for v1 hierarchies. */
static void read_proc_self_cgroup(char *v2_path, char *v1_memory_path, char *v1_cpu_path)
{
    struct line_reader r = { .fd = open_file("/proc/self/cgroup") };
    if (r.fd < 0) {
        return;
    }
    char line[PATH_MAX + 128];
    while (next_line(&r, line, sizeof(line))) {
        char *first = strchr(line, ':');
        char *second = first != NULL ? strchr(first + 1, ':') : NULL;
        if (second == NULL) {
            continue;
        }
        *first = '\0';
        *second = '\0';
        const char *controllers = first + 1;
        const char *path = second + 1;
        if (strcmp(line, "0") == 0 && *controllers == '\0') {
            copy_str(v2_path, PATH_MAX, path);
        } else {
            if (has_token(controllers, "memory")) {
                copy_str(v1_memory_path, PATH_MAX, path);
            }
            if (has_token(controllers, "cpu")) {
                copy_str(v1_cpu_path, PATH_MAX, path);
            }
        }
    }
    close(r.fd);
}

static int under_sys_fs_cgroup(const char *mount)
{
    return strncmp(mount, "/sys/fs/cgroup", 14) == 0;
}

static void take_mount(struct controller *c, int version, const char *root, const char *mount, const char *options)
{
    /* Keep the first mount of the hierarchy, unless a later one is the canonical /sys/fs/cgroup one. */
    if (c->version != CG_NONE && (under_sys_fs_cgroup(c->mount) || !under_sys_fs_cgroup(mount))) {
        return;
    }
    c->version = version;
    c->read_only = has_token(options, "ro");
    copy_str(c->mount_root, sizeof(c->mount_root), root);
    copy_str(c->mount, sizeof(c->mount), mount);
}

/*
 * /proc/self/mountinfo lines: id parent major:minor root mount-point options [optional...] -
 * fstype source super-options.
 */
static void read_mountinfo(struct controller *v2, struct controller *v1_memory, struct controller *v1_cpu)
{
    struct line_reader r = { .fd = open_file("/proc/self/mountinfo") };
    if (r.fd < 0) {
        return;
    }
    char line[2 * PATH_MAX];
    while (next_line(&r, line, sizeof(line))) {
        char *field[64];
        int n = 0;
        for (char *save = NULL, *tok = strtok_r(line, " ", &save); tok != NULL && n < 64; tok = strtok_r(NULL, " ", &save)) {
            field[n++] = tok;
        }
        int dash = -1;
        for (int i = 6; i < n; i++) {
            if (strcmp(field[i], "-") == 0) {
                dash = i;
                break;
            }
        }
        if (dash < 0 || dash + 3 > n) {
            continue;
        }
        const char *fstype = field[dash + 1];
        const char *super_options = field[dash + 3 < n ? dash + 3 : dash + 2];
        unescape_octal(field[3]);
        unescape_octal(field[4]);
        if (strcmp(fstype, "cgroup2") == 0) {
            take_mount(v2, CG_V2, field[3], field[4], field[5]);
        } else if (strcmp(fstype, "cgroup") == 0) {
            if (has_token(super_options, "memory")) {
                take_mount(v1_memory, CG_V1, field[3], field[4], field[5]);
            }
            if (has_token(super_options, "cpu")) {
                take_mount(v1_cpu, CG_V1, field[3], field[4], field[5]);
            }
        }
    }
    close(r.fd);
}

/* The directory of the process's cgroup under the controller's mount point. */
static void leaf_directory(struct controller *c)
{
    const char *root = c->mount_root;
    const char *cg = c->cgroup;
    size_t root_len = strlen(root);
    const char *rest = "";
    if (strcmp(root, "/") == 0) {
        rest = strcmp(cg, "/") == 0 ? "" : cg;
    } else if (strcmp(root, cg) == 0) {
        rest = "";
    } else if (strncmp(cg, root, root_len) == 0 && cg[root_len] == '/') {
        rest = cg + root_len;
    }
    /* Otherwise the process's cgroup is outside what is mounted: use the mount point. */
    if (snprintf(c->dir, sizeof(c->dir), "%s%s", c->mount, rest) >= (int) sizeof(c->dir)) {
        copy_str(c->dir, sizeof(c->dir), c->mount);
    }
}

/*
 * Moves c->dir up to the ancestor (within the mount) whose limit(dir) is lowest, if any is lower
 * than the leaf's; a tie keeps the deeper directory.
 */
static void adjust_to_lowest_limit(struct controller *c, int64_t (*limit)(const char *dir))
{
    char candidate[PATH_MAX];
    char best[PATH_MAX];
    copy_str(candidate, sizeof(candidate), c->dir);
    copy_str(best, sizeof(best), c->dir);
    int64_t lowest = limit(c->dir);
    size_t mount_len = strlen(c->mount);
    for (;;) {
        char *slash = strrchr(candidate, '/');
        if (slash == NULL || strlen(candidate) <= mount_len) {
            break;
        }
        *slash = '\0';
        if (strlen(candidate) < mount_len) {
            break;
        }
        int64_t value = limit(candidate);
        if (value < lowest) {
            lowest = value;
            copy_str(best, sizeof(best), candidate);
        }
    }
    copy_str(c->dir, sizeof(c->dir), best);
}

/* ---- memory ----------------------------------------------------------------------------------- */

/* The memory limit configured at dir, NO_LIMIT when none (or at least the host's memory). */
static int64_t memory_limit_at(const char *dir)
{
    int64_t host = host_memory();
    int64_t value;
    if (memory_ctrl.version == CG_V2) {
        if (read_value(dir, "memory.max", &value) != 0) {
            return NO_LIMIT;
        }
    } else {
        if (read_value(dir, "memory.limit_in_bytes", &value) != 0) {
            return NO_LIMIT;
        }
        /* With use_hierarchy, memory.stat also sees limits of ancestors that are not mounted here. */
        int64_t hierarchy;
        if (value >= host && read_value(dir, "memory.use_hierarchy", &hierarchy) == 0 && hierarchy == 1) {
            int64_t hierarchical;
            if (read_keyed_value(dir, "memory.stat", "hierarchical_memory_limit", &hierarchical) == 0) {
                value = hierarchical;
            }
        }
    }
    return value >= host ? NO_LIMIT : value;
}

long svm_container_memory_limit_in_bytes(void)
{
    if (memory_ctrl.version == CG_NONE) {
        return SVM_CONTAINER_UNLIMITED;
    }
    int64_t limit = memory_limit_at(memory_ctrl.dir);
    return limit == NO_LIMIT ? SVM_CONTAINER_UNLIMITED : (long) limit;
}

size_t svm_container_physical_memory(void)
{
    int64_t host = host_memory();
    long limit = svm_container_memory_limit_in_bytes();
    return (size_t) (limit > 0 && limit < host ? limit : host);
}

long svm_container_memory_and_swap_limit_in_bytes(void)
{
    const char *dir = memory_ctrl.dir;
    int64_t swap;
    long memory_limit = svm_container_memory_limit_in_bytes();
    if (memory_ctrl.version == CG_V2) {
        /* memory.swap.max is swap alone; it is missing when swap accounting is off. */
        if (read_value(dir, "memory.swap.max", &swap) != 0) {
            return memory_limit;
        }
        if (memory_limit < 0 || swap == NO_LIMIT) {
            return SVM_CONTAINER_UNLIMITED;
        }
        return memory_limit + (long) swap;
    }
    if (memory_ctrl.version == CG_V1) {
        /* memory.memsw.limit_in_bytes is memory plus swap; missing without swap accounting. */
        if (read_value(dir, "memory.memsw.limit_in_bytes", &swap) != 0) {
            return memory_limit;
        }
        int64_t host_total = host_memory() + host_swap();
        int64_t hierarchy;
        if (swap >= host_total && read_value(dir, "memory.use_hierarchy", &hierarchy) == 0 && hierarchy == 1) {
            int64_t hierarchical;
            if (read_keyed_value(dir, "memory.stat", "hierarchical_memsw_limit", &hierarchical) == 0) {
                swap = hierarchical;
            }
        }
        if (swap >= host_total) {
            return SVM_CONTAINER_UNLIMITED;
        }
        /* No swapping allowed: the memory limit is all there is. */
        int64_t swappiness;
        if (read_value(dir, "memory.swappiness", &swappiness) == 0 && swappiness == 0) {
            return memory_limit;
        }
        return (long) swap;
    }
    return SVM_CONTAINER_UNLIMITED;
}

long svm_container_memory_soft_limit_in_bytes(void)
{
    int64_t value;
    if (memory_ctrl.version == CG_V2) {
        if (read_value(memory_ctrl.dir, "memory.low", &value) != 0) {
            return SVM_CONTAINER_ERROR;
        }
        return value == NO_LIMIT ? SVM_CONTAINER_UNLIMITED : (long) value;
    }
    if (memory_ctrl.version == CG_V1) {
        if (read_value(memory_ctrl.dir, "memory.soft_limit_in_bytes", &value) != 0) {
            return SVM_CONTAINER_ERROR;
        }
        return value >= host_memory() ? SVM_CONTAINER_UNLIMITED : (long) value;
    }
    return SVM_CONTAINER_UNLIMITED;
}

/* A plain counter file of the memory controller: v2 name, v1 name. */
static long memory_counter(const char *v2_name, const char *v1_name)
{
    int64_t value;
    const char *name = memory_ctrl.version == CG_V2 ? v2_name : v1_name;
    if (memory_ctrl.version == CG_NONE || read_value(memory_ctrl.dir, name, &value) != 0 || value == NO_LIMIT) {
        return SVM_CONTAINER_ERROR;
    }
    return (long) value;
}

/* A memory.stat entry: v2 key, v1 key. */
static long memory_stat(const char *v2_key, const char *v1_key)
{
    int64_t value;
    const char *key = memory_ctrl.version == CG_V2 ? v2_key : v1_key;
    if (memory_ctrl.version == CG_NONE || read_keyed_value(memory_ctrl.dir, "memory.stat", key, &value) != 0) {
        return SVM_CONTAINER_ERROR;
    }
    return (long) value;
}

long svm_container_memory_usage_in_bytes(void)
{
    return memory_counter("memory.current", "memory.usage_in_bytes");
}

long svm_container_memory_max_usage_in_bytes(void)
{
    return memory_counter("memory.peak", "memory.max_usage_in_bytes");
}

long svm_container_rss_usage_in_bytes(void)
{
    return memory_stat("anon", "rss");
}

long svm_container_cache_usage_in_bytes(void)
{
    return memory_stat("file", "cache");
}

/* ---- cpu -------------------------------------------------------------------------------------- */

/* ceil(quota / period) configured at dir, NO_LIMIT when there is no quota. */
static int64_t cpu_quota_count_at(const char *dir)
{
    int64_t quota, period;
    if (cpu_ctrl.version == CG_V2) {
        /* cpu.max: "$MAX $PERIOD", $MAX being "max" without a quota. */
        char line[128];
        if (read_first_line(dir, "cpu.max", line, sizeof(line)) != 0 || parse_value(line, &quota) != 0) {
            return NO_LIMIT;
        }
        const char *space = strchr(line, ' ');
        if (space == NULL || parse_value(space + 1, &period) != 0) {
            return NO_LIMIT;
        }
    } else {
        if (read_value(dir, "cpu.cfs_quota_us", &quota) != 0 || read_value(dir, "cpu.cfs_period_us", &period) != 0) {
            return NO_LIMIT;
        }
    }
    if (quota == NO_LIMIT || quota < 0 || period <= 0) {
        return NO_LIMIT;
    }
    int64_t count = (quota + period - 1) / period;
    return count > 0 ? count : NO_LIMIT;
}

int svm_container_active_processor_count(void)
{
    int cpus = host_cpus();
    if (cpu_ctrl.version == CG_NONE) {
        return cpus;
    }
    int64_t quota_count = cpu_quota_count_at(cpu_ctrl.dir);
    return quota_count < cpus ? (int) quota_count : cpus;
}

/* ---- set-up ----------------------------------------------------------------------------------- */

static void set_up(struct controller *c, int version, const struct controller *mount, const char *cgroup)
{
    memset(c, 0, sizeof(*c));
    if (mount->version != version || cgroup[0] == '\0') {
        return;
    }
    *c = *mount;
    copy_str(c->cgroup, sizeof(c->cgroup), cgroup);
    leaf_directory(c);
}

int svm_container_initialize(int version)
{
    if (version > SVM_CONTAINER_VERSION) {
        return SVM_CONTAINER_ERROR_LIBCONTAINER_TOO_OLD;
    }
    if (version < SVM_CONTAINER_VERSION) {
        return SVM_CONTAINER_ERROR_LIBCONTAINER_TOO_NEW;
    }

    static char v2_path[PATH_MAX], v1_memory_path[PATH_MAX], v1_cpu_path[PATH_MAX];
    static struct controller v2_mount, v1_memory_mount, v1_cpu_mount;
    v2_path[0] = v1_memory_path[0] = v1_cpu_path[0] = '\0';
    memset(&v2_mount, 0, sizeof(v2_mount));
    memset(&v1_memory_mount, 0, sizeof(v1_memory_mount));
    memset(&v1_cpu_mount, 0, sizeof(v1_cpu_mount));
    read_proc_self_cgroup(v2_path, v1_memory_path, v1_cpu_path);
    read_mountinfo(&v2_mount, &v1_memory_mount, &v1_cpu_mount);

    /* A controller attached to a v1 hierarchy is used there (hybrid layout); otherwise in v2. */
    set_up(&memory_ctrl, CG_V1, &v1_memory_mount, v1_memory_path);
    if (memory_ctrl.version == CG_NONE) {
        set_up(&memory_ctrl, CG_V2, &v2_mount, v2_path);
    }
    set_up(&cpu_ctrl, CG_V1, &v1_cpu_mount, v1_cpu_path);
    if (cpu_ctrl.version == CG_NONE) {
        set_up(&cpu_ctrl, CG_V2, &v2_mount, v2_path);
    }
    if (memory_ctrl.version != CG_NONE) {
        adjust_to_lowest_limit(&memory_ctrl, memory_limit_at);
    }
    if (cpu_ctrl.version != CG_NONE) {
        adjust_to_lowest_limit(&cpu_ctrl, cpu_quota_count_at);
    }

    if (memory_ctrl.version == CG_NONE && cpu_ctrl.version == CG_NONE) {
        containerized = 0;
    } else if ((memory_ctrl.version == CG_NONE || memory_ctrl.read_only) && (cpu_ctrl.version == CG_NONE || cpu_ctrl.read_only)) {
        containerized = 1;
    } else {
        containerized = svm_container_memory_limit_in_bytes() > 0 || svm_container_active_processor_count() != host_cpus();
    }
    return containerized ? SVM_CONTAINER_SUCCESS_IS_CONTAINERIZED : SVM_CONTAINER_SUCCESS_IS_NOT_CONTAINERIZED;
}

#ifdef NETKNIFE_CONTAINER_TESTING
/* For the self-test: where the values are read from. */
const char *netknife_container_dir(int cpu)
{
    return cpu ? cpu_ctrl.dir : memory_ctrl.dir;
}
#endif
