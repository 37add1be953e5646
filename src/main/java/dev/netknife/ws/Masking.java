package dev.netknife.ws;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** XOR with the 4-byte masking key (RFC 6455 5.3), eight bytes at a time. */
final class Masking {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private Masking() {
    }

    /**
     * Masks (or unmasks) {@code data[off, off+len)} in place. {@code position} is how many bytes of
     * the frame's payload came before {@code off}, so a payload may be handled in pieces.
     */
    static void apply(byte[] data, int off, int len, int mask, long position) {
        int shift = (int) (position & 3);
        int rotated = Integer.rotateLeft(mask, shift * 8);
        long wide = (rotated & 0xffffffffL) << 32 | (rotated & 0xffffffffL);
        int i = off;
        int end = off + len;
        for (; i + 8 <= end; i += 8) {
            LONGS.set(data, i, (long) LONGS.get(data, i) ^ wide);
        }
        for (int k = 0; i < end; i++, k++) {
            data[i] ^= (byte) (rotated >>> (24 - 8 * (k & 3)));
        }
    }
}
