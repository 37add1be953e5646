package dev.netknife.ws;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * UTF-8 validation without decoding (RFC 3629: no overlong forms, no surrogates, nothing above
 * U+10FFFF). ASCII is checked eight bytes at a time, so most text costs one load and one test
 * per eight bytes and no allocation.
 */
final class Utf8 {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long HIGH_BITS = 0x8080808080808080L;

    private Utf8() {
    }

    static boolean valid(byte[] b, int off, int len) {
        int i = off;
        int end = off + len;
        while (i < end) {
            if (i + 8 <= end && ((long) LONGS.get(b, i) & HIGH_BITS) == 0) {
                i += 8;
                continue;
            }
            int c = b[i] & 0xff;
            if (c < 0x80) {
                i++;
                continue;
            }
            int more;
            int low = 0x80;
            int high = 0xbf;
            if (c >= 0xc2 && c <= 0xdf) {
                more = 1;
            } else if (c >= 0xe0 && c <= 0xef) {
                more = 2;
                if (c == 0xe0) {
                    low = 0xa0; // overlong
                } else if (c == 0xed) {
                    high = 0x9f; // surrogates
                }
            } else if (c >= 0xf0 && c <= 0xf4) {
                more = 3;
                if (c == 0xf0) {
                    low = 0x90; // overlong
                } else if (c == 0xf4) {
                    high = 0x8f; // above U+10FFFF
                }
            } else {
                return false;
            }
            if (i + more >= end) {
                return false; // the sequence is cut off
            }
            int second = b[i + 1] & 0xff;
            if (second < low || second > high) {
                return false;
            }
            for (int k = 2; k <= more; k++) {
                if ((b[i + k] & 0xc0) != 0x80) {
                    return false;
                }
            }
            i += more + 1;
        }
        return true;
    }
}
