package dev.netknife.tls;

import dev.netknife.io.BufferPool;
import dev.netknife.io.Conn;
import dev.netknife.io.CountingConn;
import dev.netknife.io.Endpoint;
import dev.netknife.io.Timings;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * TLS over any {@link Conn}, driven through an {@link SSLEngine} (BCJSSE). Owning the record layer
 * is what gives a real half-close: {@link #closeWrite()} sends close_notify and a TCP FIN while
 * reading goes on, which BCJSSE's SSLSocket cannot do.
 *
 * <p>One thread reads and one thread writes, as with any Conn. {@code netIn} and {@code appIn}
 * belong to the reading side (under {@code readLock}), {@code netOut} to the writing side (under
 * {@code writeLock}); all are kept in "filling" mode. They are borrowed from the pool only while
 * bytes are in flight and are null otherwise, so an idle TLS connection waits on a one-byte probe
 * and holds no record buffer (the same idea as {@link dev.netknife.io.Mover}).
 */
public final class TlsConn extends CountingConn {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final Conn raw;
    private final SSLEngine engine;
    private final BufferPool pool;
    private final ReentrantLock readLock = new ReentrantLock();
    private final ReentrantLock writeLock = new ReentrantLock();
    private final ByteBuffer probe = ByteBuffer.allocate(1);
    private ByteBuffer netIn;
    private ByteBuffer appIn;
    private ByteBuffer netOut;
    private volatile Timings timings;
    private volatile boolean inboundDone;
    private volatile boolean outboundDone;
    private volatile boolean readAhead;
    private InputStream in;
    private OutputStream out;
    private final KeyLog keyLog;
    private KeyLog.Handshake handshakeLog; // only while handshaking with a key log

    /** {@code pool} lends heap buffers big enough for several records ({@link TlsBuffers#pool()}). */
    TlsConn(Conn raw, SSLEngine engine, BufferPool pool) {
        this(raw, engine, pool, null);
    }

    /** {@code keyLog}: where this connection's secrets go (NSS key log format), or null. */
    TlsConn(Conn raw, SSLEngine engine, BufferPool pool, KeyLog keyLog) {
        this.raw = raw;
        this.engine = engine;
        this.pool = pool;
        this.timings = raw.timings();
        this.keyLog = keyLog;
    }

    /** Runs the handshake to its end and records how long it took. */
    void handshake() throws IOException {
        long start = System.nanoTime();
        if (keyLog != null) {
            handshakeLog = keyLog.handshake();
            KeyLogSecret.CURRENT.set(handshakeLog);
        }
        raw.holdCapture(true); // a capture's secrets go before the handshake's packets
        try {
            engine.beginHandshake();
            HandshakeStatus status = engine.getHandshakeStatus();
            while (status != HandshakeStatus.FINISHED && status != HandshakeStatus.NOT_HANDSHAKING) {
                status = switch (status) {
                    case NEED_WRAP -> wrapHandshake();
                    case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> unwrapHandshake();
                    case NEED_TASK -> runTasks();
                    default -> throw new SSLException("unexpected handshake state " + status);
                };
            }
        } catch (SSLException e) {
            sendPendingAlert();
            throw e;
        } finally {
            if (keyLog != null) {
                KeyLogSecret.CURRENT.remove();
                handshakeLog = null;
            }
            raw.holdCapture(false);
        }
        readLock.lock();
        try {
            releaseReadBuffersIfEmpty();
        } finally {
            readLock.unlock();
        }
        timings = raw.timings().withTls(System.nanoTime() - start);
    }

    /**
     * After a failed handshake the engine holds the fatal alert that says why (RFC 8446 6.2: e.g.
     * certificate_expired, unknown_ca): it goes to the peer before the connection closes, as
     * OpenSSL and the JDK send theirs. Best effort: the peer may be gone.
     */
    private void sendPendingAlert() {
        writeLock.lock();
        try {
            netOut = borrow(netOut);
            for (int i = 0; i < 4 && !engine.isOutboundDone(); i++) {
                SSLEngineResult result = engine.wrap(EMPTY, netOut);
                flushNetOut();
                if (result.bytesProduced() == 0) {
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            // nothing more to send, or no one to send it to
        } finally {
            netOut = giveBack(netOut);
            writeLock.unlock();
        }
    }

    private HandshakeStatus wrapHandshake() throws IOException {
        writeLock.lock();
        try {
            netOut = borrow(netOut);
            SSLEngineResult result = engine.wrap(EMPTY, netOut);
            clientRandom(netOut, 0, netOut.position());
            flushNetOut();
            if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
                throw new EOFException("the peer closed the connection during the TLS handshake");
            }
            return result.getHandshakeStatus();
        } finally {
            netOut = giveBack(netOut);
            writeLock.unlock();
        }
    }

    /**
     * With a key log: the client random, from a ClientHello between {@code from} and {@code to} in {@code buffer}
     * (a handshake record whose first message is type 1), whichever side sends it.
     */
    private void clientRandom(ByteBuffer buffer, int from, int to) {
        if (handshakeLog != null && to - from >= 43 && buffer.get(from) == 22 && buffer.get(from + 5) == 1) {
            byte[] random = new byte[32];
            buffer.get(from + 11, random);
            handshakeLog.clientRandom(random);
        }
    }

    private HandshakeStatus unwrapHandshake() throws IOException {
        readLock.lock();
        try {
            netIn = borrow(netIn);
            appIn = borrow(appIn);
            SSLEngineResult result = unwrap(true);
            if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
                throw new EOFException("the peer closed the connection during the TLS handshake");
            }
            return result.getHandshakeStatus();
        } finally {
            readLock.unlock();
        }
    }

    private HandshakeStatus runTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
        return engine.getHandshakeStatus();
    }

    /**
     * Unwraps one step, reading from the raw connection when a whole record is not there yet.
     * Returns CLOSED at the peer's close_notify; at a raw end of stream without one, throws during
     * the handshake and otherwise reports CLOSED too (a truncated stream ends like a closed one).
     */
    private SSLEngineResult unwrap(boolean handshaking) throws IOException {
        while (true) {
            netIn.flip();
            if (handshaking) {
                clientRandom(netIn, netIn.position(), netIn.limit());
            }
            SSLEngineResult result;
            try {
                result = engine.unwrap(netIn, appIn);
            } finally {
                netIn.compact();
            }
            switch (result.getStatus()) {
                case OK, CLOSED -> {
                    return result;
                }
                case BUFFER_OVERFLOW -> appIn = grow(appIn, engine.getSession().getApplicationBufferSize());
                case BUFFER_UNDERFLOW -> {
                    if (!netIn.hasRemaining()) {
                        netIn = grow(netIn, engine.getSession().getPacketBufferSize());
                    }
                    if (readRaw(netIn, handshaking) < 0) {
                        if (handshaking) {
                            throw new EOFException("the peer closed the connection during the TLS handshake");
                        }
                        return new SSLEngineResult(SSLEngineResult.Status.CLOSED, HandshakeStatus.NOT_HANDSHAKING, 0, 0);
                    }
                }
            }
        }
    }

    /**
     * Reads from the raw connection. After our close_notify, a reset is the end of the stream: a server that
     * answers and closes without reading our close_notify (an SMTP server after QUIT, say) makes its kernel send
     * RST for the unread record, though everything it sent has arrived.
     */
    private int readRaw(ByteBuffer into, boolean handshaking) throws IOException {
        try {
            return raw.read(into);
        } catch (java.net.SocketException e) {
            if (!handshaking && outboundDone && String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("reset")) {
                return -1;
            }
            throw e;
        }
    }

    private static ByteBuffer grow(ByteBuffer buffer, int atLeast) {
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(atLeast, buffer.capacity() * 2));
        buffer.flip();
        return bigger.put(buffer);
    }

    private ByteBuffer borrow(ByteBuffer current) {
        return current != null ? current : pool.acquire();
    }

    /** Returns an empty buffer to the pool (null); keeps one that still holds bytes. */
    private ByteBuffer giveBack(ByteBuffer buffer) {
        if (buffer != null && buffer.position() == 0) {
            pool.release(buffer);
            return null;
        }
        return buffer;
    }

    private void releaseReadBuffersIfEmpty() {
        netIn = giveBack(netIn);
        appIn = giveBack(appIn);
    }

    private void flushNetOut() throws IOException {
        netOut.flip();
        try {
            raw.write(netOut);
        } finally {
            netOut.clear();
        }
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        readLock.lock();
        try {
            while (appIn == null || appIn.position() == 0) {
                if (inboundDone) {
                    return -1;
                }
                if (netIn == null && !awaitRecordBytes()) {
                    inboundDone = true;
                    return -1;
                }
                appIn = borrow(appIn);
                SSLEngineResult result;
                try {
                    result = unwrap(false);
                } catch (SSLException e) {
                    throw afterHandshake(e);
                }
                if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
                    // the peer's close_notify: ours goes out with closeWrite(), not as an answer here
                    inboundDone = true;
                } else {
                    afterPostHandshake(result.getHandshakeStatus());
                    if (readAhead) {
                        decryptBuffered();
                    }
                }
                netIn = giveBack(netIn);
            }
            appIn.flip();
            int n = Math.min(appIn.remaining(), dst.remaining());
            dst.put(appIn.slice(appIn.position(), n));
            appIn.position(appIn.position() + n);
            appIn.compact();
            appIn = giveBack(appIn);
            countIn(n);
            return n;
        } finally {
            readLock.unlock();
        }
    }

    /**
     * Lets one read return several records' worth of data (a download then writes 64 KiB at a
     * time, not 16). Only for request/response protocols: BCJSSE answers a close_notify it
     * unwraps by closing its own sending side too, so a relay that still has to write what it
     * read (an echo) must not decrypt ahead past the data.
     */
    public void setReadAhead(boolean readAhead) {
        this.readAhead = readAhead;
    }

    /** Decrypts the further whole records already read, while they fit (see {@link #setReadAhead}). */
    private void decryptBuffered() throws IOException {
        int appSize = engine.getSession().getApplicationBufferSize();
        while (netIn != null && netIn.position() > 0 && appIn.remaining() >= appSize) {
            netIn.flip();
            SSLEngineResult result;
            try {
                result = engine.unwrap(netIn, appIn);
            } catch (SSLException e) {
                throw afterHandshake(e);
            } finally {
                netIn.compact();
            }
            if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
                inboundDone = true;
                return;
            }
            if (result.getStatus() != SSLEngineResult.Status.OK || result.bytesProduced() == 0 && result.bytesConsumed() == 0) {
                return;
            }
            afterPostHandshake(result.getHandshakeStatus());
        }
    }

    /**
     * Waits for the first byte of the next record without holding a record buffer, then borrows
     * one; false at end of stream (no close_notify: a truncated stream ends like a closed one).
     */
    private boolean awaitRecordBytes() throws IOException {
        if (raw.available() == 0) {
            probe.clear();
            if (readRaw(probe, false) < 0) {
                return false;
            }
            netIn = pool.acquire();
            netIn.put(probe.flip());
        } else {
            netIn = pool.acquire();
        }
        return true;
    }

    /**
     * A TLS alert after the handshake (in TLS 1.3 a server judges the client certificate only
     * then) is a TLS failure, exit 5, said as clearly as one during the handshake.
     */
    private RuntimeException afterHandshake(SSLException e) {
        return TlsFailures.classify(e, null, Endpoint.format(raw.remoteAddress()));
    }

    /** TLS 1.3 sends tickets and key updates after the handshake; some want an answer or a task run. */
    private void afterPostHandshake(HandshakeStatus status) throws IOException {
        HandshakeStatus s = status;
        while (s == HandshakeStatus.NEED_TASK || s == HandshakeStatus.NEED_WRAP) {
            if (s == HandshakeStatus.NEED_TASK) {
                s = runTasks();
            } else if (outboundDone) {
                return;
            } else {
                s = wrapHandshake();
            }
        }
    }

    @Override
    public void write(ByteBuffer src) throws IOException {
        writeLock.lock();
        try {
            if (outboundDone) {
                throw new IOException("the TLS connection is closed for writing");
            }
            netOut = borrow(netOut);
            int packet = engine.getSession().getPacketBufferSize();
            while (src.hasRemaining()) {
                if (netOut.remaining() < packet) {
                    flushNetOut();
                }
                SSLEngineResult result;
                try {
                    result = engine.wrap(src, netOut);
                } catch (SSLException e) {
                    throw afterHandshake(e);
                }
                if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
                    throw new IOException("the TLS connection was closed");
                }
                countOut(result.bytesConsumed());
            }
            flushNetOut();
        } finally {
            netOut = giveBack(netOut);
            writeLock.unlock();
        }
    }

    /** Decrypted bytes ready to read. */
    @Override
    public int available() {
        ByteBuffer app = appIn;
        return app == null ? 0 : app.position();
    }

    @Override
    public synchronized InputStream in() {
        if (in == null) {
            in = new dev.netknife.io.ConnStreams.In(this);
        }
        return in;
    }

    @Override
    public synchronized OutputStream out() {
        if (out == null) {
            out = new dev.netknife.io.ConnStreams.Out(this);
        }
        return out;
    }

    /**
     * Sends close_notify, then half-closes TCP; reading goes on until the peer closes (TLS 1.3
     * peers, OpenSSL among them, keep sending). See {@link HalfClose} for why this is not
     * {@code engine.closeOutbound()}; where the half-close is impossible it falls back to that.
     */
    @Override
    public void closeWrite() throws IOException {
        writeLock.lock();
        try {
            if (outboundDone) {
                return;
            }
            outboundDone = true;
            if (!HalfClose.sendCloseNotify(engine)) {
                engine.closeOutbound();
            }
            netOut = borrow(netOut);
            SSLEngineResult result;
            do {
                result = engine.wrap(EMPTY, netOut);
                flushNetOut();
            } while (result.bytesProduced() > 0 && !engine.isOutboundDone());
            raw.closeWrite();
        } finally {
            netOut = giveBack(netOut);
            writeLock.unlock();
        }
    }

    public String protocol() {
        return engine.getSession().getProtocol();
    }

    public String cipherSuite() {
        return engine.getSession().getCipherSuite();
    }

    /** The negotiated ALPN protocol, or null. */
    public String applicationProtocol() {
        String p = engine.getApplicationProtocol();
        return p == null || p.isEmpty() ? null : p;
    }

    javax.net.ssl.SSLSession session() {
        return engine.getSession();
    }

    @Override
    public InetSocketAddress localAddress() {
        return raw.localAddress();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return raw.remoteAddress();
    }

    @Override
    public Timings timings() {
        return timings;
    }

    @Override
    public void close() {
        raw.close();
    }
}
