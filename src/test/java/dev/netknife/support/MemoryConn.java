package dev.netknife.support;

import dev.netknife.io.CountingConn;
import dev.netknife.io.Timings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * A {@link dev.netknife.io.Conn} with no socket: reads come from an InputStream, writes go to an
 * OutputStream, and the addresses are loopback ones, so a protocol object (or a server's
 * per-client handler, which logs the client's address) runs on bytes in memory. {@link #chopped}
 * hands the bytes out in small pieces of varying size, as a network would.
 */
public final class MemoryConn extends CountingConn {
    private static final InetSocketAddress LOCAL = new InetSocketAddress(InetAddress.getLoopbackAddress(), 7);
    private static final InetSocketAddress REMOTE = new InetSocketAddress(InetAddress.getLoopbackAddress(), 40_000);

    private final InputStream in;
    private final OutputStream out;
    private byte[] scratch = new byte[0];

    public MemoryConn(InputStream in, OutputStream out) {
        this.in = in;
        this.out = out;
    }

    /** {@code bytes} in pieces of 1 to {@code maxPiece} bytes (the sizes follow from {@code seed}). */
    public static MemoryConn chopped(byte[] bytes, int maxPiece, long seed, OutputStream out) {
        return new MemoryConn(new Chopped(bytes, maxPiece, seed), out);
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (dst.hasArray()) {
            int n = in.read(dst.array(), dst.arrayOffset() + dst.position(), dst.remaining());
            if (n > 0) {
                dst.position(dst.position() + n);
                countIn(n);
            }
            return n;
        }
        if (scratch.length < dst.remaining()) {
            scratch = new byte[dst.remaining()];
        }
        int n = in.read(scratch, 0, dst.remaining());
        if (n > 0) {
            dst.put(scratch, 0, n);
            countIn(n);
        }
        return n;
    }

    @Override
    public void write(ByteBuffer src) throws IOException {
        int n = src.remaining();
        byte[] copy = new byte[n];
        src.get(copy);
        out.write(copy);
        countOut(n);
    }

    @Override
    public int available() {
        return 0;
    }

    @Override
    public InputStream in() {
        return in;
    }

    @Override
    public OutputStream out() {
        return out;
    }

    @Override
    public void closeWrite() {
    }

    @Override
    public InetSocketAddress localAddress() {
        return LOCAL;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return REMOTE;
    }

    @Override
    public Timings timings() {
        return Timings.NONE;
    }

    /** Closes the input (a blocked reader sees its end). */
    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException ignored) {
            // nothing to release in memory
        }
    }

    /** A byte array read back in pieces of varying size. */
    private static final class Chopped extends InputStream {
        private final byte[] bytes;
        private final int maxPiece;
        private long state;
        private int position;

        Chopped(byte[] bytes, int maxPiece, long seed) {
            this.bytes = bytes;
            this.maxPiece = maxPiece;
            this.state = seed;
        }

        @Override
        public int read() {
            return position < bytes.length ? bytes[position++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            if (position == bytes.length) {
                return -1;
            }
            state = state * 6364136223846793005L + 1442695040888963407L;
            int piece = 1 + (int) ((state >>> 33) % maxPiece);
            int n = Math.min(Math.min(len, piece), bytes.length - position);
            System.arraycopy(bytes, position, b, off, n);
            position += n;
            return n;
        }
    }
}
