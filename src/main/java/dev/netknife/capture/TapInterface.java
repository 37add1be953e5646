package dev.netknife.capture;

import dev.netknife.io.Conn;
import dev.netknife.io.TcpConn;
import dev.netknife.io.Wiretap;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.Consumer;

/** One interface of a capture (an Interface Description Block): the connections and datagrams recorded on it. */
final class TapInterface implements Wiretap {
    private final CaptureFile file;
    private final int id;
    private final CaptureClock clock;
    private final Consumer<String> unaddressable;

    /** {@code unaddressable} hears about a connection no frame can carry (a Unix socket's). */
    TapInterface(CaptureFile file, int id, CaptureClock clock, Consumer<String> unaddressable) {
        this.file = file;
        this.id = id;
        this.clock = clock;
        this.unaddressable = unaddressable;
    }

    int id() {
        return id;
    }

    long now() {
        return clock.epochNanos();
    }

    void write(List<CaptureFile.Packet> packets) {
        file.write(packets);
    }

    @Override
    public Conn tap(Conn conn, boolean dialed) {
        if (!(conn instanceof TcpConn tcp) || !Frames.addressable(conn.localAddress()) || !Frames.addressable(conn.remoteAddress())) {
            unaddressable.accept("Unix domain socket connections are not captured");
            return conn;
        }
        TcpFlow flow = new TcpFlow(this, conn.localAddress(), conn.remoteAddress());
        flow.opened(dialed, dialed ? conn.timings().connectNanos() : 0);
        tcp.observe(flow);
        return conn;
    }

    @Override
    public void datagram(InetSocketAddress from, InetSocketAddress to, ByteBuffer payload) {
        if (Frames.addressable(from) && Frames.addressable(to)) {
            file.write(List.of(new CaptureFile.Packet(id, now(), new Frames.Datagram(Frames.Ends.of(from, to, false), payload))));
        }
    }
}
