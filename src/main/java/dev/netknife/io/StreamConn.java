package dev.netknife.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * Standard input and output (or any stream pair) seen as a {@link Conn}, so the same copy loop
 * joins a terminal or a shell pipeline to a socket. Every write is flushed; half-close flushes.
 */
public final class StreamConn extends CountingConn {
    private final InputStream in;
    private final OutputStream out;
    // one scratch array per direction (reads and writes run on different threads), for direct buffers
    private byte[] readScratch = new byte[0];
    private byte[] writeScratch = new byte[0];

    public StreamConn(InputStream in, OutputStream out) {
        this.in = in;
        this.out = out;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (!dst.hasArray() && readScratch.length < dst.remaining()) {
            readScratch = new byte[dst.remaining()];
        }
        byte[] array = dst.hasArray() ? dst.array() : readScratch;
        int offset = dst.hasArray() ? dst.arrayOffset() + dst.position() : 0;
        int length = dst.remaining();
        int n = in.read(array, offset, length);
        if (n > 0) {
            if (dst.hasArray()) {
                dst.position(dst.position() + n);
            } else {
                dst.put(array, 0, n);
            }
            countIn(n);
        }
        return n;
    }

    @Override
    public void write(ByteBuffer src) throws IOException {
        int n = src.remaining();
        try {
            if (src.hasArray()) {
                out.write(src.array(), src.arrayOffset() + src.position(), n);
                src.position(src.limit());
            } else {
                if (writeScratch.length < n) {
                    writeScratch = new byte[n];
                }
                src.get(writeScratch, 0, n);
                out.write(writeScratch, 0, n);
            }
            out.flush();
        } catch (IOException e) {
            throw new OutputClosedException(e);
        }
        countOut(n);
    }

    /** The output stream failed (stdout piped into a program that exited): the reader wants no more. */
    public static final class OutputClosedException extends IOException {
        private static final long serialVersionUID = 1L;

        OutputClosedException(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    @Override
    public int available() throws IOException {
        return in.available();
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
    public void closeWrite() throws IOException {
        out.flush();
    }

    @Override
    public InetSocketAddress localAddress() {
        return null;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return null;
    }

    @Override
    public Timings timings() {
        return Timings.NONE;
    }

    /** Flushes; the process's own streams are not closed. */
    @Override
    public void close() {
        try {
            out.flush();
        } catch (IOException ignored) {
            // stdout gone (a closed pipe): nothing more to say there
        }
    }
}
