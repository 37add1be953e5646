#!/usr/bin/env bash
# jdk-libs.sh OUTDIR
#
# Builds the JDK's JNI libraries that nk's native image links statically:
# libjava.a libnet.a libnio.a libzip.a libextnet.a libjaas.a, into OUTDIR.
#
# No JDK ships these as static libraries, so they are compiled here from
# OpenJDK's C sources.  JDK 25's sources are no longer in Debian's archive;
# OpenJDK 26's are, and differ from 25's in a few natives, which
# patch-openjdk.sh reverts.  The JNI headers come from the installed JDK 25's
# own lib/src.zip, so every native name, signature and @Native constant is
# JDK 25's; a definition that disagrees with them does not compile.  After
# the build, the Java_* symbols of each library are compared with those of
# the JDK's own lib<name>.so, and the JVM_* functions they call with those
# its libjvm.so exports.
#
# Third-party sources are fetched at build time (pinned version, checksum
# checked) and kept in a cache outside target/; nothing of them is in the
# repository.  The result is cached under a key made of the pinned version,
# these scripts, the JDK and the compiler, so a repeated run only copies.
# OUTDIR also gets legal-openjdk/, OpenJDK's licence files, which go with the
# code compiled into the image.
#
# Environment:
#   JAVA_HOME          JDK 25 to build for (else the first /usr/lib/jvm/*25*)
#   NK_NATIVE_CACHE    cache directory
#                      (default ${XDG_CACHE_HOME:-$HOME/.cache}/netknife/native)
#   NK_DEBIAN_MIRROR   Debian archive to fetch from (default: the machine's apt
#                      sources)
set -euo pipefail

# The pinned OpenJDK source: a Debian source package's upstream tarball.
# Change all three together; the checksum is that of the .orig.tar.xz.
OPENJDK_SRC_PACKAGE=openjdk-26
OPENJDK_SRC_VERSION=26.0.2.1+1
OPENJDK_SRC_SHA256=b9a893567232edf475e1511ce2de897a00bc3d775f2e46269f492164150f0d76

# Natives that JDK 25's own libraries define but these do not, on purpose: an
# extended regular expression over symbol names.  ConstantPool's natives
# changed signature in 26 and only forward to HotSpot functions that Substrate
# VM does not implement (see patch-openjdk.sh).
EXPECTED_MISSING='^Java_jdk_internal_reflect_ConstantPool_'

LIBS=(java net nio zip extnet jaas)

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
started=$EPOCHREALTIME

die() { echo "jdk-libs: $*" >&2; exit 1; }

elapsed() { awk -v a="$started" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }

(( $# == 1 )) || die "usage: jdk-libs.sh OUTDIR"
outdir=$1

# ---------------------------------------------------------------- inputs

is_jdk25() {
    [[ -x $1/bin/javac && -f $1/release ]] && grep -Eq '^JAVA_VERSION="25([."]|$)' "$1/release"
}

find_jdk() {
    if [[ -n ${JAVA_HOME:-} ]] && is_jdk25 "$JAVA_HOME"; then
        echo "$JAVA_HOME"
        return
    fi
    local d
    for d in /usr/lib/jvm/*25*; do
        if is_jdk25 "$d"; then echo "$d"; return; fi
    done
    die "no JDK 25 found: set JAVA_HOME to one (with bin/javac)"
}

jdk=$(find_jdk)
[[ -f $jdk/lib/src.zip ]] || die "$jdk has no lib/src.zip; install the JDK's source package"
[[ -f $jdk/include/jni.h ]] || die "$jdk has no include/jni.h"
jdk_version=$(sed -n 's/^JAVA_RUNTIME_VERSION="\(.*\)"$/\1/p' "$jdk/release")
[[ -n $jdk_version ]] || die "$jdk/release has no JAVA_RUNTIME_VERSION"

for tool in gcc ar nm unzip xz; do
    command -v "$tool" > /dev/null || die "$tool not found: install it (Debian: build-essential, unzip, xz-utils)"
done
# zlib comes from the system (as in Debian's own OpenJDK build; the executable links libz.so.1).
# Its headers are installed here when the build runs as root on a Debian-like system (as in CI);
# otherwise the build stops and says what to install.
has_zlib() { echo '#include <zlib.h>' | gcc -E -x c - > /dev/null 2>&1; }
if ! has_zlib && [[ $(id -u) == 0 ]] && command -v apt-get > /dev/null; then
    echo "jdk-libs: installing zlib1g-dev (zlib's headers, for libzip)" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq zlib1g-dev > /dev/null 2>&1 ||
        { apt-get update -qq > /dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq zlib1g-dev > /dev/null 2>&1; } || true
fi
has_zlib || die "zlib.h not found: apt-get install zlib1g-dev"

case $(uname -m) in
    # OpenJDK's names for the CPU (os.arch) and its -D<arch> define.
    x86_64) arch=amd64 ;;
    aarch64) arch=aarch64 ;;
    *) die "unsupported CPU $(uname -m)" ;;
esac

cache=${NK_NATIVE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/netknife/native}
tarball_name=${OPENJDK_SRC_PACKAGE}_${OPENJDK_SRC_VERSION}.orig.tar.xz
tarball=$cache/$tarball_name

# Everything the objects depend on besides the tarball (named by its version
# and checksum): the scripts, the JDK whose headers and version string are
# compiled in, and the compiler.
key=$( {
    echo "$OPENJDK_SRC_PACKAGE $OPENJDK_SRC_VERSION $OPENJDK_SRC_SHA256 $arch"
    cat "$here/jdk-libs.sh" "$here/patch-openjdk.sh" "$jdk/release"
    gcc -dumpfullversion -dumpmachine
} | sha256sum | cut -c1-16)
build=$cache/jdk-libs-$key
mkdir -p "$cache"

install_libs() {
    local lib
    mkdir -p "$outdir"
    for lib in "${LIBS[@]}"; do
        cp -p "$build/lib/lib$lib.a" "$outdir/"
    done
    # The GPLv2 + Classpath Exception notices that go with the compiled code.
    rm -rf "$outdir/legal-openjdk"
    cp -pr "$build/legal" "$outdir/legal-openjdk"
}

if [[ -f $build/summary ]]; then
    install_libs
    echo "jdk-libs: $(cat "$build/summary") -> $outdir (cached, $(elapsed) s)"
    exit 0
fi

# ---------------------------------------------------------------- fetch

# The Debian archive named in the machine's own apt sources, so that no host
# name is written down here: the first http(s) URI of a suite that is not a
# security archive, from one-line sources.list entries or deb822 .sources
# stanzas.
debian_mirror() {
    if [[ -n ${NK_DEBIAN_MIRROR:-} ]]; then
        echo "${NK_DEBIAN_MIRROR%/}"
        return
    fi
    local lists=() stanzas=() f
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [[ -f $f ]] && lists+=("$f")
    done
    for f in /etc/apt/sources.list.d/*.sources; do
        [[ -f $f ]] && stanzas+=("$f")
    done
    {
        # "deb [options] URI SUITE COMPONENT..."
        (( ${#lists[@]} == 0 )) || awk '$1 == "deb" || $1 == "deb-src" {
            sub(/^deb(-src)?[ \t]+/, ""); sub(/^\[[^]]*\][ \t]*/, ""); print $1, $2
        }' "${lists[@]}"
        # One stanza per paragraph: "URIs: URI..." and "Suites: SUITE...".
        (( ${#stanzas[@]} == 0 )) || awk 'BEGIN { RS = "" } {
            uri = suites = ""; enabled = 1
            n = split($0, line, "\n")
            for (i = 1; i <= n; i++) {
                split(line[i], word, /[ \t]+/)
                key = tolower(word[1])
                if (key == "uris:") uri = word[2]
                else if (key == "suites:") suites = substr(line[i], length(word[1]) + 1)
                else if (key == "enabled:") enabled = (tolower(word[2]) != "no")
            }
            if (enabled && uri != "") print uri, suites
        }' "${stanzas[@]}"
    } | awk '$1 ~ /^https?:\/\// && $0 !~ /(-security|\/updates)( |$)/ {
        sub(/\/+$/, "", $1); print $1; exit
    }'
}

fetch_source() {
    local mirror url pool err tmp
    mirror=$(debian_mirror)
    # Debian's pool directory is the package name's first letter (lib* take four).
    pool=${OPENJDK_SRC_PACKAGE:0:1}
    [[ $OPENJDK_SRC_PACKAGE == lib* ]] && pool=${OPENJDK_SRC_PACKAGE:0:4}
    url=${mirror:-<no Debian archive in /etc/apt>}/pool/main/$pool/$OPENJDK_SRC_PACKAGE/${tarball_name//+/%2b}
    local fix="update OPENJDK_SRC_PACKAGE/OPENJDK_SRC_VERSION/OPENJDK_SRC_SHA256 at the top of $here/jdk-libs.sh to a version the archive has, or set NK_DEBIAN_MIRROR"
    [[ -n $mirror ]] || die "cannot download $tarball_name from $url: $fix"
    command -v curl > /dev/null || die "cannot download $tarball_name from $url: curl not found (apt-get install curl)"
    tmp=$(mktemp "$tarball.XXXXXX")
    if ! err=$(curl -fsSL --retry 2 -o "$tmp" "$url" 2>&1); then
        rm -f "$tmp"
        err=$(tr '\n' ' ' <<< "${err#curl: }")
        die "cannot download $tarball_name from $url [${err% }]: $fix"
    fi
    if ! echo "$OPENJDK_SRC_SHA256  $tmp" | sha256sum --check --status; then
        rm -f "$tmp"
        die "checksum mismatch for $tarball_name from $url: check the file and update OPENJDK_SRC_SHA256 at the top of $here/jdk-libs.sh"
    fi
    chmod 644 "$tmp"
    mv "$tmp" "$tarball"
}

if [[ ! -f $tarball ]] || ! echo "$OPENJDK_SRC_SHA256  $tarball" | sha256sum --check --status; then
    fetch_source
fi

# ---------------------------------------------------------------- build

# Built in a private directory and renamed into place when complete, so an
# interrupted or concurrent run never leaves a half-built cache entry.
work=$(mktemp -d "$build.tmp.XXXXXX")
javac_pid=
cleanup() {
    # On an early exit, stop the header generation (its javac first: the
    # subshell then stops at its failure) before its directory goes.
    if [[ -n $javac_pid ]]; then
        pkill -P "$javac_pid" 2> /dev/null || true
        kill "$javac_pid" 2> /dev/null || true
        wait "$javac_pid" 2> /dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
src=$work/src
mkdir -p "$src" "$work/jni" "$work/obj" "$work/lib" "$work/legal"

# JNI headers from JDK 25's own sources: every class of the three modules with
# a native method or @Native constant.  javac needs a --patch-module per module
# and only one per run.  Runs in the background while the tarball is unpacked.
generate_jni_headers() {
    local stage=$work/javasrc modules=(java.base jdk.net jdk.security.auth) m files
    mkdir -p "$stage/all"
    unzip -q "$jdk/lib/src.zip" "${modules[@]/%//*}" -d "$stage/all"
    for m in "${modules[@]}"; do
        # Only these files are compiled; everything they refer to comes from
        # the JDK's own (identical) classes.
        mkdir -p "$stage/$m"
        (cd "$stage/all/$m" &&
            grep -rlE --include='*.java' '^[^*/]*\bnative\b[^=;(]*\(|@Native\b' . |
            xargs -r cp --parents -t "$stage/$m")
        mapfile -t files < <(find "$stage/$m" -name '*.java')
        "$jdk/bin/javac" -h "$work/jni" -d "$stage/classes/$m" -proc:none -nowarn \
            --patch-module "$m=$stage/$m" "${files[@]}"
    done
    rm -rf "$stage"
}
generate_jni_headers > "$work/javac.log" 2>&1 &
javac_pid=$!

# Only the native subtrees are unpacked (tar still reads the whole archive).
tar -xJf "$tarball" -C "$src" --strip-components=2 --no-same-owner --wildcards \
    '*/src/java.base/share/native/libjava/*' '*/src/java.base/unix/native/libjava/*' \
    '*/src/java.base/linux/native/libjava/*' \
    '*/src/java.base/share/native/libnet/*' '*/src/java.base/unix/native/libnet/*' \
    '*/src/java.base/share/native/libnio/*' '*/src/java.base/unix/native/libnio/*' \
    '*/src/java.base/linux/native/libnio/*' \
    '*/src/java.base/share/native/libzip/*' \
    '*/src/jdk.net/linux/native/libextnet/*' \
    '*/src/jdk.security.auth/unix/native/libjaas/*' \
    '*/src/hotspot/share/include/*' '*/src/hotspot/os/posix/include/*'
tar -xJf "$tarball" -C "$work/legal" --strip-components=1 --no-same-owner \
    --wildcards --no-wildcards-match-slash \
    '*/LICENSE' '*/ASSEMBLY_EXCEPTION' '*/ADDITIONAL_LICENSE_INFO'
"$here/patch-openjdk.sh" "$src"

wait "$javac_pid" || { cat "$work/javac.log" >&2; die "generating JNI headers with javac failed"; }
javac_pid=

# The directories of one OpenJDK native component ("module:component"), in
# the order OpenJDK's make searches them; libjvm means HotSpot's exported
# headers (jvm.h, jvm_md.h).
component_dirs() {
    local module=${1%%:*} component=${1#*:} os
    if [[ $component == libjvm ]]; then
        printf '%s\n' "$src/hotspot/share/include" "$src/hotspot/os/posix/include"
        return
    fi
    for os in linux unix share; do
        [[ -d $src/$module/$os/native/$component ]] && echo "$src/$module/$os/native/$component"
    done
    return 0
}

# Per library, as in make/modules/*/Lib.gmk and lib/CoreLibraries.gmk: the
# component compiled, the components whose headers it uses, the optimisation
# level (HIGH is -O3, LOW -O2) and its extra flags.
declare -A lib_component lib_headers lib_opt lib_cflags
lib_component=([java]=java.base:libjava [net]=java.base:libnet [nio]=java.base:libnio
               [zip]=java.base:libzip [extnet]=jdk.net:libextnet
               [jaas]=jdk.security.auth:libjaas)
lib_headers=([java]="java.base:libjvm"
             [net]="java.base:libjava java.base:libjvm"
             [nio]="java.base:libnio/ch java.base:libnio/fs java.base:libjava java.base:libnet java.base:libjvm"
             [zip]="java.base:libjava java.base:libjvm"
             [extnet]="java.base:libjava java.base:libjvm"
             [jaas]="java.base:libjava java.base:libjvm")
lib_opt=([java]=-O3 [nio]=-O3 [net]=-O2 [zip]=-O2 [extnet]=-O2 [jaas]=-O2)
lib_cflags=([java]="-DARCHPROPNAME=\"$arch\" -DVERSION_STRING=\"$jdk_version\""
            [zip]="-DUSE_MMAP -UDEBUG")
# VERSION_STRING is what ProcessImpl hands jspawnhelper, which checks it
# against its own: JDK 25's, from its release file.

# OpenJDK's CFLAGS_JDKLIB for a Linux release build with static libraries
# (make/autoconf/flags-cflags.m4).  -ffunction-sections/-fdata-sections let
# the image's linker drop the many natives nk never reaches.
common_cflags=(-std=c11 -fPIC -fno-strict-aliasing -fvisibility=hidden -fstack-protector
               -ffunction-sections -fdata-sections -finput-charset=utf-8
               -D_GNU_SOURCE -D_REENTRANT -D_FILE_OFFSET_BITS=64 -DLINUX -DLIBC=gnu
               -DNDEBUG -D_LITTLE_ENDIAN -DARCH="\"$arch\"" -D"$arch" -D_LP64=1
               -DSTATIC_BUILD=1)

# Per library a file of compiler arguments, one a line; per object a NUL-
# separated "library source object" triple for xargs.
jobs=$work/jobs
: > "$jobs"
for lib in "${LIBS[@]}"; do
    read -ra extra_cflags <<< "${lib_cflags[$lib]:-}"
    {
        printf '%s\n' "${lib_opt[$lib]}" "${common_cflags[@]}" "-DLIBRARY_NAME=$lib" "${extra_cflags[@]}"
        printf '%s\n' "-I$work/jni" "-I$jdk/include" "-I$jdk/include/linux"
        read -ra comps <<< "${lib_component[$lib]} ${lib_headers[$lib]}"
        for comp in "${comps[@]}"; do
            component_dirs "$comp" | sed 's/^/-I/'
        done
    } > "$work/obj/$lib.flags"
    mkdir -p "$work/obj/$lib"
    component_dirs "${lib_component[$lib]}" | while read -r dir; do
        find "$dir" -name '*.c' | while read -r c; do
            # Object names keep the path below the component: two files of one
            # library may share a base name in different directories.
            rel=${c#"$dir"/}
            printf '%s\0' "$lib" "$c" "$work/obj/$lib/${rel//\//_}"
        done
    done >> "$jobs"
done

# A failed compile leaves its messages in <object>.log and the source's name
# in <object>.failed.
compile_one() {
    local lib=$1 c=$2 o=${3%.c}.o flags
    mapfile -t flags < "$JDK_LIBS_OBJ/$lib.flags"
    gcc "${flags[@]}" -c "$c" -o "$o" 2> "$o.log" || { echo "$c" > "$o.failed"; return 1; }
}
export -f compile_one
export JDK_LIBS_OBJ=$work/obj

if ! xargs -0 -n 3 -P "$(nproc)" bash -c 'compile_one "$@"' _ < "$jobs"; then
    for f in "$work"/obj/*/*.failed; do
        echo "--- $(< "$f")" >&2
        head -n 20 "${f%.failed}.log" >&2
    done
    die "compilation failed (see above)"
fi

counts=() total=0
for lib in "${LIBS[@]}"; do
    objs=("$work/obj/$lib"/*.o)
    ar rcsD "$work/lib/lib$lib.a" "${objs[@]}"
    counts+=("lib$lib ${#objs[@]}")
    (( total += ${#objs[@]} ))
done

# Every Java_ symbol of the JDK's own shared library must be defined here, and
# nothing more, unless named in EXPECTED_MISSING: a difference means a native
# added, removed or renamed between JDK 25 and the pinned source.
check_symbols() {
    local lib=$1 so=$jdk/lib/lib$1.so ours theirs missing extra
    [[ -f $so ]] || return 0
    ours=$(nm --defined-only "$work/lib/lib$lib.a" | awk '$2 == "T" && $3 ~ /^Java_/ { print $3 }' | sort -u)
    theirs=$(nm -D --defined-only "$so" | awk '$3 ~ /^Java_/ { print $3 }' | sort -u)
    missing=$(comm -13 <(echo "$ours") <(echo "$theirs") | grep -Ev "$EXPECTED_MISSING" || true)
    extra=$(comm -23 <(echo "$ours") <(echo "$theirs") || true)
    [[ -z $missing ]] || die "lib$lib.a lacks natives of JDK $jdk_version: ${missing//$'\n'/ }"
    [[ -z $extra ]] || die "lib$lib.a defines natives JDK $jdk_version does not have: ${extra//$'\n'/ }"
}
for lib in "${LIBS[@]}"; do check_symbols "$lib"; done

# Likewise the libraries may call only JVM functions that JDK 25's HotSpot
# exports: a call to one it lacks is a 26-only change left unpatched.
check_jvm_calls() {
    local libjvm unknown
    libjvm=$(find "$jdk/lib" -name libjvm.so -print -quit)
    [[ -n $libjvm ]] || return 0
    unknown=$(comm -23 \
        <(nm --undefined-only "$work"/lib/*.a | awk '$2 ~ /^JVM_/ { print $2 }' | sort -u) \
        <(nm -D --defined-only "$libjvm" | awk '{ sub(/@.*/, "", $3); print $3 }' | sort -u))
    [[ -z $unknown ]] || die "the libraries call JVM functions JDK $jdk_version lacks: ${unknown//$'\n'/ }"
}
check_jvm_calls

# Kept beside the libraries: the patched sources, which other native parts of
# the image build may include, and the JDK 25 JNI headers.
rm -rf "$work/obj" "$jobs" "$work/javac.log"
counts_text=$(printf '%s, ' "${counts[@]}")
echo "${#LIBS[@]} libraries, $total objects (${counts_text%, }) for JDK $jdk_version from OpenJDK $OPENJDK_SRC_VERSION sources" > "$work/summary"

# Publish the entry (unless a concurrent run was first) and drop those of
# earlier keys.  Unfinished *.tmp.* directories may belong to a running build;
# only those a killed run left an hour ago go.
chmod 755 "$work"
mv -T "$work" "$build" 2> /dev/null || [[ -f $build/summary ]] || die "cannot create $build"
for old in "$cache"/jdk-libs-*; do
    [[ $old == "$build" || $old == *.tmp.* ]] || rm -rf "$old"
done
find "$cache" -maxdepth 1 -name 'jdk-libs-*.tmp.*' -mmin +60 -exec rm -rf {} +

install_libs
echo "jdk-libs: $(cat "$build/summary") -> $outdir ($(elapsed) s)"
