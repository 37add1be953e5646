package dev.netknife.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/** A {@link Conn} that passes every call to another; subclasses change the calls they are about. */
public abstract class ForwardingConn implements Conn {
    protected final Conn conn;
    private InputStream in;
    private OutputStream out;

    protected ForwardingConn(Conn conn) {
        this.conn = conn;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return conn.read(dst);
    }

    @Override
    public void write(ByteBuffer src) throws IOException {
        conn.write(src);
    }

    @Override
    public int available() throws IOException {
        return conn.available();
    }

    /** A stream view of this connection's own {@link #read}. */
    @Override
    public synchronized InputStream in() {
        if (in == null) {
            in = new ConnStreams.In(this);
        }
        return in;
    }

    /** A stream view of this connection's own {@link #write}. */
    @Override
    public synchronized OutputStream out() {
        if (out == null) {
            out = new ConnStreams.Out(this);
        }
        return out;
    }

    @Override
    public void closeWrite() throws IOException {
        conn.closeWrite();
    }

    @Override
    public void holdCapture(boolean hold) {
        conn.holdCapture(hold);
    }

    @Override
    public boolean isOpen() {
        return conn.isOpen();
    }

    @Override
    public void reset() {
        conn.reset();
    }

    @Override
    public InetSocketAddress localAddress() {
        return conn.localAddress();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return conn.remoteAddress();
    }

    @Override
    public Timings timings() {
        return conn.timings();
    }

    @Override
    public long bytesIn() {
        return conn.bytesIn();
    }

    @Override
    public long bytesOut() {
        return conn.bytesOut();
    }

    @Override
    public long lastActivityNanos() {
        return conn.lastActivityNanos();
    }

    @Override
    public void close() {
        conn.close();
    }
}
