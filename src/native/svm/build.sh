#!/usr/bin/env bash
# Builds our C implementation of the native helpers Substrate VM links into an image (a GraalVM
# distribution ships its own; Maven Central has none):
#   OUTDIR/libjvm.a            JVM_* and jio_* for the JDK's static JNI libraries   (jvm/)
#   OUTDIR/liblibchelper.a     CPU features, signals, locale, small libc helpers      (libchelper/)
#   OUTDIR/libsvm_container.a  cgroup v1/v2 limits for -H:+UseContainerSupport        (container/)
#   OUTDIR/include/*.h         headers the image builder compiles at build time to learn the layout
#                              of CPUFeatures (of all three architectures: it processes every one)
#                              and svm_locale_props_t; it looks for them as
#                              <-H:CLibraryPath entry>/include/<name>.h, so -H:CLibraryPath=OUTDIR
#                              serves both the headers and the libraries.
#
#   build.sh OUTDIR            build the three archives (and copy the headers)
#   build.sh --test [OUTDIR]   the same, then build and run the self-test (default OUTDIR: a
#                              temporary directory); also compares the CPU features with what
#                              HotSpot's JVMCI detects when $JAVA_HOME/bin/java is there
#
# Environment: JAVA_HOME (default: Temurin 25) for jni.h; CC (default gcc); EXTRA_CFLAGS.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

test=false
if [[ ${1:-} == --test ]]; then
  test=true
  shift
fi
if [[ $# -gt 0 ]]; then
  out=$1
elif $test; then
  out=$(mktemp -d "${TMPDIR:-/tmp}/netknife-svm.XXXXXX")
else
  echo "usage: build.sh [--test] OUTDIR" >&2
  exit 2
fi
mkdir -p "$out"
out=$(cd "$out" && pwd)

java_home=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
[[ -f $java_home/include/jni.h ]] || { echo "build.sh: no jni.h under $java_home/include (set JAVA_HOME)" >&2; exit 1; }
cc=${CC:-gcc}
[[ $(uname -m) == x86_64 ]] || { echo "build.sh: only amd64 is implemented (CPU feature detection)" >&2; exit 1; }

cflags=(-O2 -fPIC -ffunction-sections -fdata-sections -std=gnu11 -Wall -Wextra
  -I"$here/include" -I"$java_home/include" -I"$java_home/include/linux")
# shellcheck disable=SC2206
cflags+=(${EXTRA_CFLAGS:-})

obj=$(mktemp -d "${TMPDIR:-/tmp}/netknife-svm-obj.XXXXXX")
trap 'rm -rf "$obj"' EXIT

# archive NAME SOURCES...: compiles each source into its own object, then OUTDIR/libNAME.a
archive() {
  local name=$1; shift
  local objects=() src o
  for src in "$@"; do
    o=$obj/$name-$(basename "${src%.c}").o
    "$cc" "${cflags[@]}" -c "$here/$src" -o "$o"
    objects+=("$o")
  done
  rm -f "$obj/lib$name.a"
  ar rcsD "$obj/lib$name.a" "${objects[@]}"
  mv -f "$obj/lib$name.a" "$out/lib$name.a"
}

archive jvm jvm/jvm_runtime.c jvm/jvm_time.c jvm/jvm_monitor.c jvm/jvm_socket.c jvm/jio.c
archive libchelper libchelper/cpufeatures.c libchelper/locale.c libchelper/signal.c \
  libchelper/helpers.c libchelper/timezone.c libchelper/attach.c
archive svm_container container/svm_container.c

mkdir -p "$out/include"
cp -f "$here/include/amd64cpufeatures.h" "$here/include/aarch64cpufeatures.h" "$here/include/riscv64cpufeatures.h" \
  "$here/include/svm_locale.h" "$out/include/"

# Every symbol svm's Java side or the JDK's libraries ask these archives for.
missing=()
check_defined() {
  local lib=$1; shift
  local defined
  defined=$(nm -g --defined-only "$out/$lib" | awk 'NF == 3 {print $3}' | sort -u)
  local sym
  for sym in "$@"; do
    grep -qx "$sym" <<<"$defined" || missing+=("$lib:$sym")
  done
}
check_defined libjvm.a initialize JVM_GetInterfaceVersion JVM_ActiveProcessorCount \
  JVM_Socket JVM_Connect JVM_Listen JVM_Send JVM_GetSockName JVM_GetSockOpt JVM_SetSockOpt \
  JVM_SocketAvailable JVM_SocketClose JVM_SocketShutdown JVM_InitializeSocketLibrary JVM_GetHostName \
  JVM_CurrentTimeMillis JVM_NanoTime JVM_GetNanoTimeAdjustment Java_java_lang_System_currentTimeMillis \
  Java_java_lang_System_nanoTime Java_jdk_internal_misc_VM_getNanoTimeAdjustment JVM_ArrayCopy JVM_Halt \
  JVM_BeforeHalt JVM_GetLastErrorString JVM_GetTemporaryDirectory JVM_NativePath JVM_RawMonitorCreate \
  JVM_RawMonitorDestroy JVM_RawMonitorEnter JVM_RawMonitorExit JVM_IsSupportedJNIVersion \
  JVM_IsStaticallyLinked JVM_FindLibraryEntry jio_vfprintf jio_vsnprintf jio_snprintf jio_fprintf
check_defined liblibchelper.a determineCPUFeatures checkCPUFeatures checkCPUFeaturesOrExit \
  cSunMiscSignal_open cSunMiscSignal_close cSunMiscSignal_awaitSemaphore cSunMiscSignal_signalSemaphore \
  cSunMiscSignal_signalRangeCheck cSunMiscSignal_checkPendingSignal cSunMiscSignal_signalHandlerFunctionPointer \
  svm_initialize_locale svm_get_locale getEnviron getThreadId getThreadUserTimeSlow mremapP fprintfSD \
  openSII openatISII SVM_FindJavaTZmd codeSynchronization_clearCache svm_attach_startup \
  svm_attach_listener_cleanup svm_attach_check_socket_file svm_attach_is_init_trigger \
  svm_attach_create_listener svm_attach_wait_for_request svm_attach_shutdown_socket
check_defined libsvm_container.a svm_container_initialize svm_container_physical_memory \
  svm_container_memory_limit_in_bytes svm_container_memory_and_swap_limit_in_bytes \
  svm_container_memory_soft_limit_in_bytes svm_container_memory_usage_in_bytes \
  svm_container_memory_max_usage_in_bytes svm_container_rss_usage_in_bytes \
  svm_container_cache_usage_in_bytes svm_container_active_processor_count
if ((${#missing[@]})); then
  echo "build.sh: symbols missing: ${missing[*]}" >&2
  exit 1
fi
echo "svm native helpers: $out/{libjvm.a,liblibchelper.a,libsvm_container.a} and $out/include"

$test || exit 0

# The self-test links the container library's test build, which can read a fake /proc and /sys.
"$cc" "${cflags[@]}" -DNETKNIFE_CONTAINER_TESTING -c "$here/container/svm_container.c" -o "$obj/svm_container-testing.o"
"$cc" "${cflags[@]}" -o "$obj/svm_selftest" "$here/test/svm_selftest.c" "$obj/svm_container-testing.o" \
  -L"$out" -llibchelper -ljvm
selftest_log=$obj/selftest.txt
status=0
"$obj/svm_selftest" | tee "$selftest_log" || status=$?

if [[ -x $java_home/bin/java ]]; then
  jvmci_opts=(-XX:+UnlockExperimentalVMOptions -XX:+EnableJVMCI -XX:-UseJVMCICompiler
    --add-modules jdk.internal.vm.ci
    --add-exports jdk.internal.vm.ci/jdk.vm.ci.amd64=ALL-UNNAMED
    --add-exports jdk.internal.vm.ci/jdk.vm.ci.code=ALL-UNNAMED
    --add-exports jdk.internal.vm.ci/jdk.vm.ci.runtime=ALL-UNNAMED)
  if jvmci=$("$java_home/bin/java" "${jvmci_opts[@]}" "$here/test/JvmciCpuFeatures.java" 2>&1); then
    echo "$jvmci"
    ours=" $(sed -n 's/^cpu features://p' "$selftest_log") "
    lacking=()
    for f in ${jvmci#jvmci features:}; do
      [[ $ours == *" $f "* ]] || lacking+=("$f")
    done
    if ((${#lacking[@]})); then
      echo "FAIL: JVMCI reports CPU features determineCPUFeatures does not: ${lacking[*]}"
      status=1
    else
      echo "cpu: determineCPUFeatures reports every feature JVMCI reports"
    fi
  else
    echo "note: JVMCI comparison skipped: $jvmci"
  fi
fi
exit $status
