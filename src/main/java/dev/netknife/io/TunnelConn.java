package dev.netknife.io;

/**
 * A connection to the target through a proxy's tunnel: the connection to the proxy (plain or TLS),
 * with the time the proxy took to open the tunnel among its timings. Its addresses are the proxy
 * connection's: the socket nk holds goes to the proxy.
 */
final class TunnelConn extends ForwardingConn {
    private final Timings timings;
    private final long handshakeIn;
    private final long handshakeOut;

    /** Byte counts start here: the proxy's handshake is not the tunnel's traffic. */
    TunnelConn(Conn proxy, Timings timings) {
        super(proxy);
        this.timings = timings;
        this.handshakeIn = proxy.bytesIn();
        this.handshakeOut = proxy.bytesOut();
    }

    @Override
    public Timings timings() {
        return timings;
    }

    @Override
    public long bytesIn() {
        return conn.bytesIn() - handshakeIn;
    }

    @Override
    public long bytesOut() {
        return conn.bytesOut() - handshakeOut;
    }
}
