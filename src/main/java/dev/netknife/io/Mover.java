package dev.netknife.io;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Copies one direction of a connection until its source ends. While the source has nothing to
 * read the copy waits on a one-byte buffer, holding no pooled buffer; once bytes arrive it borrows a
 * large buffer and keeps it for as long as more bytes are ready. This is what lets thousands of
 * idle connections stay small while a busy one moves 64 KiB per system call.
 */
public final class Mover {
    private Mover() {
    }

    /** Copies until {@code from} reaches end of stream; returns the bytes copied. Does not close or half-close. */
    public static long copy(Conn from, Conn to, BufferPool pool, Tap tap) throws IOException {
        return copy(from, to, pool, tap, 1);
    }

    /**
     * As above, waiting on a probe of {@code probeSize} bytes. A message that fits in the probe with
     * room to spare goes straight on (one read, one write: what a proxy of small requests wants);
     * a larger probe costs that much memory per idle connection.
     */
    public static long copy(Conn from, Conn to, BufferPool pool, Tap tap, int probeSize) throws IOException {
        ByteBuffer probe = ByteBuffer.allocate(probeSize);
        ByteBuffer buffer = null;
        long total = 0;
        try {
            while (true) {
                if (buffer == null) {
                    if (probeSize > 1 || from.available() == 0) {
                        probe.clear();
                        if (from.read(probe) < 0) {
                            return total;
                        }
                        if (probe.hasRemaining()) {
                            probe.flip();
                            total += probe.remaining();
                            if (tap != null) {
                                tap.bytes(probe.asReadOnlyBuffer());
                            }
                            to.write(probe);
                            continue;
                        }
                        buffer = pool.acquire();
                        buffer.put(probe.flip());
                    } else {
                        buffer = pool.acquire();
                    }
                }
                boolean ended = false;
                if (buffer.position() == 0 || from.available() > 0) {
                    ended = from.read(buffer) < 0;
                }
                buffer.flip();
                total += buffer.remaining();
                if (tap != null && buffer.hasRemaining()) {
                    tap.bytes(buffer.asReadOnlyBuffer());
                }
                to.write(buffer);
                buffer.clear();
                if (ended) {
                    return total;
                }
                if (from.available() == 0) {
                    pool.release(buffer);
                    buffer = null;
                }
            }
        } finally {
            if (buffer != null) {
                pool.release(buffer);
            }
        }
    }
}
