#!/usr/bin/env bash
# Builds the native executable of nk with the Substrate VM builder taken from Maven Central jars.
# There is no GraalVM distribution here, so no `native-image` driver: this script does the driver's
# job (JVM flags, module path, exports, system properties) and starts the builder's main class itself.
#
#   image.sh --java-home JDK25 --graal-jars DIR --svm-sources JAR --clibs DIR --classpath CP --out FILE [--tmp DIR] [-- EXTRA...]
#
# --graal-jars: the builder's jars (the -Pnative profile copies them into target/native/graal);
# --svm-sources: svm's source jar of the same version, for the one class patch-svm.sh changes;
# --clibs: the static libraries the image links (the JDK's JNI libraries and svm's C helpers);
# --classpath: nk's jar and its runtime jars; EXTRA: more builder options (-H:... or --...).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

java_home="" graal_jars="" svm_sources="" clibs="" classpath="" out="" tmp=""
while (($#)); do
  case $1 in
    --java-home) java_home=$2; shift 2 ;;
    --graal-jars) graal_jars=$2; shift 2 ;;
    --svm-sources) svm_sources=$2; shift 2 ;;
    --clibs) clibs=$2; shift 2 ;;
    --classpath) classpath=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --tmp) tmp=$2; shift 2 ;;
    --) shift; break ;;
    *) echo "image.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
for v in java_home graal_jars svm_sources clibs classpath out; do
  [[ -n ${!v} ]] || { echo "image.sh: --${v//_/-} is required" >&2; exit 2; }
done
java=$java_home/bin/java
mkdir -p "$(dirname "$out")"
out_dir=$(cd "$(dirname "$out")" && pwd)
name=$(basename "$out")
tmp=${tmp:-$out_dir/native-build}
mkdir -p "$tmp"

# The compiler jar upgrades the JDK's own (empty in Temurin 25) jdk.graal.compiler module; the rest
# are the builder's modules.
compiler_jar=$(ls "$graal_jars"/compiler-*.jar)
module_path=$(ls "$graal_jars"/*.jar | grep -v "/compiler-[0-9]" | paste -sd:)
builder_modules=org.graalvm.nativeimage.builder,org.graalvm.nativeimage.base,org.graalvm.nativeimage.pointsto,org.graalvm.nativeimage.objectfile,jdk.graal.compiler,org.graalvm.truffle.compiler
# the modules that get the JDK's concealed packages: the above plus the builder's other jars
exported_to=$builder_modules,org.graalvm.nativeimage.configure,org.graalvm.nativeimage.shaded.capnproto,org.graalvm.espresso.shared.svm,org.graalvm.nativeimage,org.graalvm.word,org.graalvm.collections,org.graalvm.nativeimage.libgraal

# The builder's classes we change, compiled once per build: builder-patch/ (ours) and the class
# patch-svm.sh derives from svm's source (see there for why).
patch=$tmp/builder-patch
patched_sources=$tmp/svm-patch-sources
rm -rf "$patch" "$patched_sources" && mkdir -p "$patch"
"$here/patch-svm.sh" "$svm_sources" "$patched_sources"
"$java_home/bin/javac" -nowarn -d "$patch" --module-path "$module_path" --upgrade-module-path "$compiler_jar" \
  --patch-module org.graalvm.nativeimage.builder="$here/builder-patch:$patched_sources" \
  $(find "$here/builder-patch" "$patched_sources" -name '*.java')

# Every concealed JDK package, exported to the builder (the driver's list is the same in spirit).
exports=$tmp/exports.args
"$java" --module-path "$module_path" --upgrade-module-path "$compiler_jar" --add-modules=ALL-DEFAULT,$exported_to \
  "$here/BuilderExports.java" ${exported_to//,/ } >"$exports"

jvm_args=(
  -XX:+UnlockExperimentalVMOptions -XX:+EnableJVMCI -XX:-UseJVMCICompiler
  -XX:+UseParallelGC -XX:+ExitOnOutOfMemoryError -Xss10m -Xshare:off
  -Djava.awt.headless=true
  --add-modules=ALL-DEFAULT,$exported_to
  --enable-native-access=ALL-UNNAMED,$builder_modules
  "@$exports"
  # The image heap may hold no lambda object made by the JVM's eager lambda classes.
  -Djdk.internal.lambda.disableEagerInitialization=true
  -Djdk.internal.lambda.eagerlyInitialize=false
  -Djava.lang.invoke.InnerClassLambdaMetafactory.initializeLambdas=false
  -Djava.lang.invoke.MethodHandle.DUMP_CLASS_FILES=false
  -Djava.system.class.loader=com.oracle.svm.hosted.NativeImageSystemClassLoader
  -Dorg.graalvm.nativeimage.imagecode=buildtime
  -Dsubstratevm.HostLibC=glibc
  -Dcom.oracle.graalvm.isaot=true
  -Dtruffle.TruffleRuntime=com.oracle.truffle.api.impl.DefaultTruffleRuntime
  -Dgraalvm.locatorDisabled=true
  --module-path "$module_path"
  --upgrade-module-path "$compiler_jar"
  --patch-module "org.graalvm.nativeimage.builder=$patch"
  --module org.graalvm.nativeimage.builder/com.oracle.svm.hosted.NativeImageGeneratorRunner
)
image_args=(
  -imagecp "$classpath"
  -H:Path="$out_dir"
  -H:Name="$name"
  -H:Class=dev.netknife.Nk
  -H:TempDirectory="$tmp"
  -H:CLibraryPath="$clibs"
  -H:ImageBuildID="$(cat /proc/sys/kernel/random/uuid)"
  -H:FallbackThreshold=0
  "$@"
)
# The builder's jars ask for a JVMCI of their own release (25.0.4) and refuse an older 25.0.x JDK;
# the JVMCI API they use is the same across JDK 25 updates (checked with Temurin 25.0.3).
exec env JVMCI_VERSION_CHECK=ignore "$java" "${jvm_args[@]}" "${image_args[@]}"
