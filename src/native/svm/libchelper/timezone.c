/*
 * netknife: SVM_FindJavaTZmd of Substrate VM's libchelper (com.oracle.svm.core.LibCHelper, called
 * by svm's TimeZone.getSystemTimeZoneID substitution).  Returns a malloc'ed time zone ID that svm
 * frees, or NULL, after which the JDK falls back to a GMT offset ID.  tzMappings is Windows-only
 * data and is empty on Linux.
 *
 * The search follows the JDK on Linux: $TZ (without a leading ':' or a "posix/" prefix), else the
 * zone /etc/localtime links to, else /etc/timezone, else the zoneinfo file /etc/localtime equals.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "svm_libchelper.h"

#define ZONEINFO_DIR "/usr/share/zoneinfo"
#define LOCALTIME "/etc/localtime"

static char *strip_tz_prefix_dup(const char *tz)
{
    if (*tz == ':') {
        tz++;
    }
    if (strncmp(tz, "posix/", 6) == 0) {
        tz += 6;
    }
    return *tz != '\0' ? strdup(tz) : NULL;
}

/* The part after ".../zoneinfo/" of /etc/localtime's link target. */
static char *zone_of_symlink(void)
{
    char target[PATH_MAX];
    ssize_t n = readlink(LOCALTIME, target, sizeof(target) - 1);
    if (n <= 0) {
        return NULL;
    }
    target[n] = '\0';
    const char *zone = strstr(target, "zoneinfo/");
    if (zone == NULL) {
        return NULL;
    }
    return strip_tz_prefix_dup(zone + strlen("zoneinfo/"));
}

/* Debian's /etc/timezone: one line with the zone name. */
static char *zone_of_etc_timezone(void)
{
    FILE *f = fopen("/etc/timezone", "re");
    if (f == NULL) {
        return NULL;
    }
    char line[256];
    char *result = NULL;
    if (fgets(line, sizeof(line), f) != NULL) {
        line[strcspn(line, " \t\r\n")] = '\0';
        if (line[0] != '\0') {
            result = strdup(line);
        }
    }
    fclose(f);
    return result;
}

static char *read_whole(const char *path, size_t expected)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return NULL;
    }
    char *buf = malloc(expected > 0 ? expected : 1);
    size_t total = 0;
    while (buf != NULL && total < expected) {
        ssize_t n = read(fd, buf + total, expected - total);
        if (n <= 0) {
            free(buf);
            buf = NULL;
            break;
        }
        total += (size_t) n;
    }
    close(fd);
    return buf;
}

/* Depth-first search of dir for a regular file of `size` bytes equal to `content`. */
static char *find_equal_file(const char *dir, const char *rel, const char *content, size_t size, int depth)
{
    if (depth > 4) {
        return NULL;
    }
    DIR *d = opendir(dir);
    if (d == NULL) {
        return NULL;
    }
    char *found = NULL;
    struct dirent *e;
    while (found == NULL && (e = readdir(d)) != NULL) {
        const char *name = e->d_name;
        /* Skip dot files, the alias files, and the duplicate posix/ and right/ trees. */
        if (name[0] == '.' || strcmp(name, "posixrules") == 0 || strcmp(name, "localtime") == 0 ||
                        strcmp(name, "posix") == 0 || strcmp(name, "right") == 0 || strcmp(name, "Factory") == 0) {
            continue;
        }
        char path[PATH_MAX], relpath[PATH_MAX];
        if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int) sizeof(path) ||
                        snprintf(relpath, sizeof(relpath), "%s%s%s", rel, *rel ? "/" : "", name) >= (int) sizeof(relpath)) {
            continue;
        }
        struct stat st;
        if (lstat(path, &st) != 0) {
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            found = find_equal_file(path, relpath, content, size, depth + 1);
        } else if (S_ISREG(st.st_mode) && (size_t) st.st_size == size) {
            char *other = read_whole(path, size);
            if (other != NULL && memcmp(other, content, size) == 0) {
                found = strdup(relpath);
            }
            free(other);
        }
    }
    closedir(d);
    return found;
}

static char *zone_of_localtime_copy(void)
{
    struct stat st;
    if (stat(LOCALTIME, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 || st.st_size > (1 << 20)) {
        return NULL;
    }
    size_t size = (size_t) st.st_size;
    char *content = read_whole(LOCALTIME, size);
    if (content == NULL) {
        return NULL;
    }
    char *found = NULL;
    /* The common answers first, so that an equal alias further down the tree does not win. */
    static const char *const popular[] = { "UTC", "GMT" };
    for (size_t i = 0; found == NULL && i < sizeof(popular) / sizeof(popular[0]); i++) {
        char path[PATH_MAX];
        snprintf(path, sizeof(path), "%s/%s", ZONEINFO_DIR, popular[i]);
        struct stat pst;
        if (stat(path, &pst) == 0 && (size_t) pst.st_size == size) {
            char *other = read_whole(path, size);
            if (other != NULL && memcmp(other, content, size) == 0) {
                found = strdup(popular[i]);
            }
            free(other);
        }
    }
    if (found == NULL) {
        found = find_equal_file(ZONEINFO_DIR, "", content, size, 0);
    }
    free(content);
    return found;
}

char *SVM_FindJavaTZmd(const char *tzMappings, int length)
{
    (void) tzMappings;
    (void) length;
    const char *tz = getenv("TZ");
    if (tz != NULL && *tz != '\0') {
        char *zone = strip_tz_prefix_dup(tz);
        if (zone != NULL) {
            return zone;
        }
    }
    char *zone = zone_of_symlink();
    if (zone == NULL) {
        zone = zone_of_etc_timezone();
    }
    if (zone == NULL) {
        zone = zone_of_localtime_copy();
    }
    return zone;
}
