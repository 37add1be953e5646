#!/usr/bin/env bash
# Writes our changed copy of one Substrate VM class into DIR, from svm's own source jar (Maven Central,
# the builder's version); image.sh compiles it into the builder beside builder-patch/.
#
#   patch-svm.sh SVM-SOURCES-JAR DIR
#
# PosixVirtualMemoryProvider.commit: a Java heap chunk (512 KiB) is committed with MAP_POPULATE, so the
# kernel maps its pages in one call instead of one page fault per 4 KiB page on first touch. A `tls-get`
# touched ~570 fresh heap pages, each fault ~15 us on this kind of VM: 46.4 -> 42.0 ms per run, connect -z
# 22.8 -> 21.1 ms; the peak RSS of connect -z did not grow (21.3 -> 21.1 MiB).
# Larger commits (big arrays, the image heap copy) are left to fault in as before.
set -euo pipefail
jar=${1:?usage: patch-svm.sh SVM-SOURCES-JAR DIR}
dir=${2:?usage: patch-svm.sh SVM-SOURCES-JAR DIR}
class=com/oracle/svm/core/posix/PosixVirtualMemoryProvider.java
mkdir -p "$dir/$(dirname "$class")"
out=$dir/$class
if ! unzip -p "$jar" "$class" >"$out" 2>/dev/null || [[ ! -s $out ]]; then
  echo "patch-svm.sh: $class is not in $jar; check graal.version in pom.xml" >&2
  exit 1
fi
# in commit(), right after `if (start.isNonNull()) { flags |= MAP_FIXED(); }`
if ! grep -q 'public Pointer commit(PointerBase start, UnsignedWord nbytes, int access) {' "$out"; then
  echo "patch-svm.sh: $class no longer looks as patch-svm.sh expects ($(basename "$jar")); update the patch or graal.version" >&2
  exit 1
fi
awk '
  /public Pointer commit\(PointerBase start, UnsignedWord nbytes, int access\) \{/ { in_commit = 1 }
  { print }
  in_commit && /flags \|= MAP_FIXED\(\);/ { fixed = 1; next }
  in_commit && fixed && /^        }$/ {
    print "        if (Platform.includedIn(Platform.LINUX.class) && nbytes.belowOrEqual(1 << 20)) {"
    print "            flags |= 0x8000; // MAP_POPULATE, the same on every Linux architecture svm supports (netknife)"
    print "        }"
    in_commit = 0; fixed = 0
  }
' "$out" >"$out.new" && mv "$out.new" "$out"
grep -q 'MAP_POPULATE, the same' "$out" || { echo "patch-svm.sh: the change did not apply to $class" >&2; exit 1; }
