package dev.netknife.io;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * A connected byte stream, plain or TLS. Protocols talk to this, never to sockets, so that
 * timing, limits, idle timeouts and TLS apply everywhere at once.
 *
 * <p>Reading and writing may happen on two different threads at once; each direction on one thread.
 */
public interface Conn extends Closeable {

    /** Reads into {@code dst}, blocking until at least one byte arrives; -1 at end of stream. */
    int read(ByteBuffer dst) throws IOException;

    /** Writes all of {@code src}. */
    void write(ByteBuffer src) throws IOException;

    /** Bytes that can be read now without blocking (0 when unknown). */
    int available() throws IOException;

    /** Stream view of {@link #read}. */
    InputStream in();

    /** Stream view of {@link #write}; {@code flush()} is a no-op for plain TCP. */
    OutputStream out();

    /** Half-close: tells the peer we will send no more, while we keep reading. */
    void closeWrite() throws IOException;

    InetSocketAddress localAddress();

    InetSocketAddress remoteAddress();

    /** How this connection was established (dns, connect, tls). */
    Timings timings();

    long bytesIn();

    long bytesOut();

    /** {@link System#nanoTime()} of the last read or write that moved bytes. */
    long lastActivityNanos();

    /**
     * For a connection that is being captured (--pcap): hold its packets back ({@code true}) until the
     * secrets that decrypt them are in the capture, then write them ({@code false}). A TLS handshake
     * asks for this, so that tshark meets the keys before the records they decrypt. Others ignore it.
     */
    default void holdCapture(boolean hold) {
    }

    /** False once closed, here or from another thread (as far as this transport can tell). */
    default boolean isOpen() {
        return true;
    }

    /** Closes with a reset (RST, the peer reads ECONNRESET) where the transport has one; else as {@link #close}. */
    default void reset() {
        close();
    }

    /** Closes both directions; a thread blocked in read or write gets an exception. Idempotent. */
    @Override
    void close();
}
