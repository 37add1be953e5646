#!/usr/bin/env bash
# The -Pnative build after `package`: target/nk, a native executable of the whole CLI, made from
#   - the Substrate VM builder's jars from Maven Central (target/native/graal, copied by Maven),
#   - the JDK's JNI libraries compiled statically from OpenJDK's source (jdk-libs.sh, cached),
#   - svm's C helpers, which are ours (svm/),
#   - nk's jar and runtime jars, with the reachability metadata nk's jar carries.
#
#   build-native.sh TARGET_DIR [EXTRA BUILDER OPTIONS...]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
target=$(cd "${1:?usage: build-native.sh TARGET_DIR}" && pwd)
shift

# The JDK the Maven toolchain chose, recorded by the `package` phase.
java_home=$(sed -n 's/^ *java\.home = //p' "$target/java-settings.txt" 2>/dev/null)
if [[ -z $java_home || ! -x $java_home/bin/java ]]; then
  echo "nk native: no JDK recorded in $target/java-settings.txt; run ./mvnw -Pnative package" >&2
  exit 1
fi
export JAVA_HOME=$java_home

native=$target/native
clibs=$native/clibs
mkdir -p "$clibs"
start=$SECONDS
"$here/jdk-libs.sh" "$clibs"
"$here/svm/build.sh" "$clibs"
libs_seconds=$((SECONDS - start))

classpath=$target/netknife.jar
for jar in "$target"/lib/*.jar; do classpath+=:$jar; done

builder_options=(
  # AES-NI and carry-less multiply: every x86-64 CPU of the last 15 years has them, and without them
  # AES-GCM runs ~12x slower (29 instead of ~370 MiB/s TLS echo)
  -H:CPUFeatures=AES,CLMUL
  # A position-dependent executable: the loader has no ~54,000 relative relocations to apply and svm no
  # relocatable part of the image heap to copy at each start (page faults per `nk --version` 1,017 -> 344,
  # instructions 3.7 -> 2.0 million, time 35 -> 15 ms on a busy machine). The cost: nk's own code loads at a
  # fixed address (libc, the stack and the Java heap stay randomized), as GraalVM's static builds always do.
  -H:NativeLinkerOption=-no-pie
  # What start-up would otherwise read from the image's resources, read by the build instead: a resource
  # lookup in a native image costs milliseconds (svm compares its keys through interpreted method handles)
  '-H:ClassInitialization=dev.netknife.BuildInfo:build_time,dev.netknife.BuildInfo$Embedded:build_time,dev.netknife.cli.HelpTexts$Embedded:build_time'
  # Bouncy Castle's static tables (cipher suites, OIDs, X.500 styles, DH groups) made by the build: at run time
  # their class initializers were 8 of the 35 million instructions of a `tls-get` (user time 26 -> 22 ms).
  # svm refuses any Random, SecureRandom or Thread in the image heap, so no seeded state can be baked in;
  # the properties BC's initializers read (jdk.tls.disabledAlgorithms and the like) are the build's, as the
  # JDK's whole security configuration already is in a native image.
  -H:ClassInitialization=org.bouncycastle:build_time
  # BC's loggers silenced by the build too (tls/BcLog): at run time, silencing them re-levelled and re-parented
  # every BC logger in the image heap, writing a page of it each
  -H:ClassInitialization=dev.netknife.tls.BcLog:build_time
  # No card table for the image heap: the collector scans its writable part (7 MB) at each collection instead.
  # Card marking cost every start page faults and barrier work before any collection runs, which a one-shot
  # command never reaches: --version 15.4 -> 12.5 ms, connect -z 19.7 -> 16.4 ms, tls-get 47 -> 35 ms (A/B in
  # one hyperfine run); echo 11.1x socat, tls echo 1.02x socat, chat-fanout 2.2x ncat, monitor 0.17x blackbox,
  # handshakes/s unchanged (the servers' collections stay short)
  -H:-ImageHeapCardMarking
  # nk's arguments are nk's: without this, svm takes every -X..., -XX:... and -Dkey=value argument for itself,
  # wherever it stands (`nk connect -Xmx1g HOST PORT` ran, and `-Djavax.net.ssl.trustStore=...` changed trust);
  # svm's start-up hooks then run from Nk.main (NativeRuntime)
  -H:-ParseRuntimeOptions
  -H:+ReportExceptionStackTraces
  # No exit handlers installed at start (their signal-dispatch thread costs every start ~1 ms): nk installs them
  # when a command adds a shutdown hook (ExitSignals), so SIGINT and SIGTERM still run the hooks (servers print
  # their summary, ws says going-away), as on the JVM
  -H:-InstallExitHandlers
)
# The new executable replaces the old one in one rename, so ./nk never starts a half-written file.
"$here/image.sh" --java-home "$java_home" --graal-jars "$native/graal" --svm-sources "$(ls "$native"/graal-sources/svm-*-sources.jar)" --clibs "$clibs" \
  --classpath "$classpath" --out "$native/out/nk" --tmp "$native/build" -- "${builder_options[@]}" "$@"
mv -f "$native/out/nk" "$target/nk"
echo "nk native: $target/nk ($(du -m "$target/nk" | cut -f1) MB; static libraries ${libs_seconds}s, image $((SECONDS - start - libs_seconds))s)"
