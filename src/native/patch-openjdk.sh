#!/usr/bin/env bash
# patch-openjdk.sh SRCDIR
#
# Adapts the OpenJDK 26 native sources extracted by jdk-libs.sh to the JNI
# interface of JDK 25, the JDK nk's native image is built with.  JDK 25's own
# sources are no longer served by Debian's archive, and 26's native code is
# 25's with a handful of deliberate changes; each function below undoes one of
# them and says why.  jdk-libs.sh finds new differences: the compiler rejects
# a definition that disagrees with the JDK 25 header, and after the build each
# library's natives are compared with the JDK's own lib<name>.so and its calls
# into the JVM with the JDK's libjvm.so.
#
# Every edit checks that it applied, so a newer pinned source that no longer
# matches fails here instead of compiling something half-patched.
set -euo pipefail

src=${1:?usage: patch-openjdk.sh SRCDIR}
libjava=$src/java.base/share/native/libjava
libnet_unix=$src/java.base/unix/native/libnet
libnio_fs=$src/java.base/unix/native/libnio/fs

die() { echo "patch-openjdk: $*" >&2; exit 1; }

# sed -i that fails unless the expression changed the file.
edit() {
    local file=$1; shift
    local before
    before=$(cksum < "$file")
    sed -i "$@" "$file"
    [[ $(cksum < "$file") != "$before" ]] || die "no longer applies to ${file#"$src"/}: $*"
}

# HotSpot 25 entry points that OpenJDK 26's jvm.h no longer declares, for the
# JDK 25 natives restored below (declarations as JDK 25's libjvm exports them).
add_jdk25_jvm_declarations() {
    local include=$src/hotspot/share/include
    cat > "$include/jvm_jdk25.h" <<'EOF'
/* netknife: JDK 25 JVM entry points missing from OpenJDK 26's jvm.h (see src/native/patch-openjdk.sh). */
#ifndef NETKNIFE_JVM_JDK25_H
#define NETKNIFE_JVM_JDK25_H

JNIEXPORT jclass JNICALL
JVM_FindClassFromCaller(JNIEnv *env, const char *name, jboolean init, jobject loader, jclass caller);

JNIEXPORT jint JNICALL
JVM_GetClassAccessFlags(JNIEnv *env, jclass cls);

JNIEXPORT void JNICALL JVM_VirtualThreadStart(JNIEnv *env, jobject vthread);
JNIEXPORT void JNICALL JVM_VirtualThreadEnd(JNIEnv *env, jobject vthread);
JNIEXPORT void JNICALL JVM_VirtualThreadMount(JNIEnv *env, jobject vthread, jboolean hide);
JNIEXPORT void JNICALL JVM_VirtualThreadUnmount(JNIEnv *env, jobject vthread, jboolean hide);

#endif
EOF
    [[ -f $include/jvm.h ]] || die "hotspot/share/include/jvm.h is missing"
    echo '#include "jvm_jdk25.h"' >> "$include/jvm.h"
}

# java.lang.Class, two changes of JDK 26 reverted:
# - JDK 25's forName0 takes the caller class too, whose protection domain
#   HotSpot 25's JVM_FindClassFromCaller gives the loaded class.
# - JDK 25 still has the native getClassAccessFlagsRaw0, registered through
#   the table of Class.registerNatives like its neighbours.
patch_class() {
    local file=$libjava/Class.c
    edit "$file" '/^Java_java_lang_Class_forName0(/{n;s/jobject loader)$/jobject loader, jclass caller)/}'
    edit "$file" 's/JVM_FindClassFromLoader(env, clname, initialize, loader);/JVM_FindClassFromCaller(env, clname, initialize, loader, caller);/'
    edit "$file" '/{"getClassFileVersion0", *"()I",/a\    {"getClassAccessFlagsRaw0", "()I",      (void *)\&JVM_GetClassAccessFlags},'
}

# JDK 26 removed Reflection.getClassAccessFlags (and JVM_GetClassAccessFlags
# with it); JDK 25 still declares it.
patch_reflection() {
    cat >> "$libjava/Reflection.c" <<'EOF'

/* netknife: JDK 25 native (see src/native/patch-openjdk.sh). */
JNIEXPORT jint JNICALL
Java_jdk_internal_reflect_Reflection_getClassAccessFlags(JNIEnv *env, jclass unused, jclass cls)
{
    return JVM_GetClassAccessFlags(env, cls);
}
EOF
}

# JDK 26 replaced VirtualThread's four notifyJvmti* natives by *Transition
# natives backed by new HotSpot functions; JDK 25's registerNatives would fail
# on names its class does not have.  The table gets JDK 25's entries back.
patch_virtual_thread() {
    local file=$libjava/VirtualThread.c
    edit "$file" 's/{ "endFirstTransition", .*/{ "notifyJvmtiStart",          "()V",  (void *)\&JVM_VirtualThreadStart },/'
    edit "$file" 's/{ "startFinalTransition", .*/{ "notifyJvmtiEnd",            "()V",  (void *)\&JVM_VirtualThreadEnd },/'
    edit "$file" 's/{ "startTransition", .*/{ "notifyJvmtiMount",          "(Z)V", (void *)\&JVM_VirtualThreadMount },/'
    edit "$file" 's/{ "endTransition", .*/{ "notifyJvmtiUnmount",        "(Z)V", (void *)\&JVM_VirtualThreadUnmount },/'
    ! grep -q 'Transition' "$file" || die "VirtualThread.c has more *Transition natives than this patch knows"
}

# JDK 26 dropped the constant pool argument of jdk.internal.reflect.ConstantPool's
# 18 natives, in the Java declarations and in HotSpot's JVM_ConstantPool*
# functions they forward to.  Substrate VM implements neither side, so the
# file is dropped instead of ported back (jdk-libs.sh's EXPECTED_MISSING).
drop_constant_pool() {
    [[ -f $libjava/ConstantPool.c ]] || die "ConstantPool.c is gone; drop this patch"
    rm "$libjava/ConstantPool.c"
}

# JDK 26 added a native Reference.get0 (forwarding to HotSpot's
# JVM_ReferenceGet); JDK 25 has no such native, so the function goes.
drop_reference_get0() {
    edit "$libjava/Reference.c" \
        '/^JNIEXPORT jobject JNICALL$/{N;/\nJava_java_lang_ref_Reference_get0(/{:a;N;/\n}$/!ba;d}}'
}

# In JDK 26 UnixNativeDispatcher.fstatat0 returns the errno; in JDK 25 it
# returns void and throws UnixException itself, as its neighbours do.  Keep
# 26's body as a static helper and add the JDK 25 entry point around it.
patch_fstatat0() {
    local file=$libnio_fs/UnixNativeDispatcher.c
    edit "$file" \
        '/^JNIEXPORT jint JNICALL$/{N;s/^JNIEXPORT jint JNICALL\nJava_sun_nio_fs_UnixNativeDispatcher_fstatat0(/static jint\nfstatat0_errno(/}'
    cat >> "$file" <<'EOF'

/* netknife: JDK 25 signature of fstatat0 (see src/native/patch-openjdk.sh). */
JNIEXPORT void JNICALL
Java_sun_nio_fs_UnixNativeDispatcher_fstatat0(JNIEnv* env, jclass this, jint dfd,
    jlong pathAddress, jint flag, jobject attrs)
{
    jint err = fstatat0_errno(env, this, dfd, pathAddress, flag, attrs);
    if (err != 0 && !(*env)->ExceptionCheck(env)) {
        throwUnixException(env, err);
    }
}
EOF
}

# JDK 26 removed sun.net.sdp (Sockets Direct Protocol over InfiniBand); JDK 25
# still declares SdpSupport's natives, used only when the com.sun.sdp.conf
# property names a configuration file.  Mainline Linux kernels have no SDP
# address family, so this minimal version fails the way JDK 25 does there:
# with the IOException socket(2) reports.
add_sdp_support() {
    [[ ! -e $libnet_unix/SdpSupport.c ]] || die "SdpSupport.c exists again; drop this patch"
    cat > "$libnet_unix/SdpSupport.c" <<'EOF'
/* netknife: JNI side of JDK 25's sun.net.sdp.SdpSupport (see src/native/patch-openjdk.sh). */
#include <sys/socket.h>
#include <unistd.h>
#include <errno.h>

#include "jni.h"
#include "jni_util.h"
#include "sun_net_sdp_SdpSupport.h"

#ifndef AF_INET_SDP
#define AF_INET_SDP 27
#endif

JNIEXPORT jint JNICALL
Java_sun_net_sdp_SdpSupport_create0(JNIEnv *env, jclass cls)
{
    int fd = socket(AF_INET_SDP, SOCK_STREAM, 0);
    if (fd < 0) {
        JNU_ThrowIOExceptionWithLastError(env, "socket");
    }
    return fd;
}

/* Replaces the TCP socket fd, not yet bound or connected, with an SDP one. */
JNIEXPORT void JNICALL
Java_sun_net_sdp_SdpSupport_convert0(JNIEnv *env, jclass cls, jint fd)
{
    int sdp = Java_sun_net_sdp_SdpSupport_create0(env, cls);
    if (sdp < 0) {
        return;
    }
    int rc;
    do {
        rc = dup2(sdp, fd);
    } while (rc < 0 && errno == EINTR);
    if (rc < 0) {
        JNU_ThrowIOExceptionWithLastError(env, "dup2");
    }
    close(sdp);
}
EOF
}

add_jdk25_jvm_declarations
patch_class
patch_reflection
patch_virtual_thread
drop_constant_pool
drop_reference_get0
patch_fstatat0
add_sdp_support
