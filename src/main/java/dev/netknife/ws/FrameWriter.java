package dev.netknife.ws;

import java.io.IOException;
import java.io.OutputStream;
import java.security.SecureRandom;

/**
 * Writes frames. A client masks every frame with a fresh key from a strong random source (RFC 6455
 * 10.3); keys are drawn 1,024 at a time so a small message costs no system call. Masked payloads
 * are copied through a 64 KiB scratch buffer, never masked in the caller's array.
 */
final class FrameWriter {
    private static final int SCRATCH = 64 * 1024;

    private final OutputStream out;
    private final boolean mask;
    private final byte[] head = new byte[14];
    private final byte[] scratch;
    private final SecureRandom random;
    private final byte[] keys;
    private int nextKey;

    /** {@code out} should be buffered; {@code mask}: this end is a client. */
    FrameWriter(OutputStream out, boolean mask) {
        this.out = out;
        this.mask = mask;
        this.scratch = mask ? new byte[SCRATCH] : null;
        this.random = mask ? new SecureRandom() : null;
        this.keys = mask ? new byte[4096] : null;
        this.nextKey = mask ? keys.length : 0;
    }

    void frame(boolean fin, int opcode, byte[] payload, int off, int len) throws IOException {
        int n = 0;
        head[n++] = (byte) ((fin ? 0x80 : 0) | opcode);
        int maskBit = mask ? 0x80 : 0;
        if (len <= 125) {
            head[n++] = (byte) (maskBit | len);
        } else if (len <= 0xffff) {
            head[n++] = (byte) (maskBit | 126);
            head[n++] = (byte) (len >>> 8);
            head[n++] = (byte) len;
        } else {
            head[n++] = (byte) (maskBit | 127);
            long l = len;
            for (int shift = 56; shift >= 0; shift -= 8) {
                head[n++] = (byte) (l >>> shift);
            }
        }
        if (!mask) {
            out.write(head, 0, n);
            out.write(payload, off, len);
            return;
        }
        int key = nextKey();
        head[n++] = (byte) (key >>> 24);
        head[n++] = (byte) (key >>> 16);
        head[n++] = (byte) (key >>> 8);
        head[n++] = (byte) key;
        out.write(head, 0, n);
        for (int done = 0; done < len; ) {
            int chunk = Math.min(SCRATCH, len - done);
            System.arraycopy(payload, off + done, scratch, 0, chunk);
            Masking.apply(scratch, 0, chunk, key, done);
            out.write(scratch, 0, chunk);
            done += chunk;
        }
    }

    void flush() throws IOException {
        out.flush();
    }

    private int nextKey() {
        if (nextKey == keys.length) {
            random.nextBytes(keys);
            nextKey = 0;
        }
        int key = (keys[nextKey] & 0xff) << 24 | (keys[nextKey + 1] & 0xff) << 16 | (keys[nextKey + 2] & 0xff) << 8 | (keys[nextKey + 3] & 0xff);
        nextKey += 4;
        return key;
    }
}
