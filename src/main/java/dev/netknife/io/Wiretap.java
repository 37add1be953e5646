package dev.netknife.io;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * Where a command's traffic is recorded (--pcap): each connection is seen through {@link #tap}, each
 * datagram handed to {@link #datagram}. {@link #NONE} records nothing and costs nothing.
 */
public interface Wiretap {
    Wiretap NONE = new Wiretap() {
        @Override
        public Conn tap(Conn conn, boolean dialed) {
            return conn;
        }

        @Override
        public void datagram(InetSocketAddress from, InetSocketAddress to, ByteBuffer payload) {
        }

        @Override
        public Server.Handler tap(Server.Handler handler) {
            return handler;
        }
    };

    /**
     * {@code conn}, its traffic recorded from now on: what it reads and writes, its half-closes, resets
     * and close. {@code dialed}: nk opened it (else a client connected to nk). The connection returned
     * is {@code conn} itself (a TCP connection carries its observer), so fast paths that need a plain
     * TcpConn still take it.
     */
    Conn tap(Conn conn, boolean dialed);

    /** Records one datagram; {@code payload} is not consumed. */
    void datagram(InetSocketAddress from, InetSocketAddress to, ByteBuffer payload);

    /** A server handler that sees every accepted connection through this tap. */
    default Server.Handler tap(Server.Handler handler) {
        return raw -> handler.handle(tap(raw, false));
    }
}
