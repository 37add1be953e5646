package dev.netknife.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * A connection to the target through a proxy's tunnel: the connection to the proxy (plain or TLS),
 * with the time the proxy took to open the tunnel among its timings. Its addresses are the proxy
 * connection's: the socket nk holds goes to the proxy.
 */
final class TunnelConn implements Conn {
    private final Conn proxy;
    private final Timings timings;
    private final long handshakeIn;
    private final long handshakeOut;

    /** Byte counts start here: the proxy's handshake is not the tunnel's traffic. */
    TunnelConn(Conn proxy, Timings timings) {
        this.proxy = proxy;
        this.timings = timings;
        this.handshakeIn = proxy.bytesIn();
        this.handshakeOut = proxy.bytesOut();
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return proxy.read(dst);
    }

    @Override
    public void write(ByteBuffer src) throws IOException {
        proxy.write(src);
    }

    @Override
    public void holdCapture(boolean hold) {
        proxy.holdCapture(hold);
    }

    @Override
    public int available() throws IOException {
        return proxy.available();
    }

    @Override
    public InputStream in() {
        return proxy.in();
    }

    @Override
    public OutputStream out() {
        return proxy.out();
    }

    @Override
    public void closeWrite() throws IOException {
        proxy.closeWrite();
    }

    @Override
    public InetSocketAddress localAddress() {
        return proxy.localAddress();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return proxy.remoteAddress();
    }

    @Override
    public Timings timings() {
        return timings;
    }

    @Override
    public long bytesIn() {
        return proxy.bytesIn() - handshakeIn;
    }

    @Override
    public long bytesOut() {
        return proxy.bytesOut() - handshakeOut;
    }

    @Override
    public long lastActivityNanos() {
        return proxy.lastActivityNanos();
    }

    @Override
    public void close() {
        proxy.close();
    }
}
