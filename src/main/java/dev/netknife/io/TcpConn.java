package dev.netknife.io;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * A plain stream {@link Conn} over a blocking {@link SocketChannel}: TCP, or a Unix domain socket (whose
 * addresses show as {@link #inet unresolved "unix:PATH" ones}). Reads and writes go straight to
 * the channel, so direct buffers move bytes without copies. Idle timeouts are enforced from
 * outside ({@link IdleWatch} closes the channel), which keeps this class free of timers.
 */
public final class TcpConn extends SocketStreams {
    private final SocketChannel channel;
    private final Timings timings;
    private final InetSocketAddress local;
    private final InetSocketAddress remote;
    private InputStream availableProbe;
    private volatile ConnObserver observer;

    public TcpConn(SocketChannel channel, Timings timings) throws IOException {
        this.channel = channel;
        this.timings = timings;
        java.net.SocketAddress localAddress = channel.getLocalAddress();
        if (localAddress instanceof InetSocketAddress) {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        }
        this.local = inet(localAddress);
        this.remote = inet(channel.getRemoteAddress());
    }

    /**
     * {@code address} as an InetSocketAddress: itself, or for a Unix domain socket an unresolved one
     * named {@code unix:PATH} (port 0), which {@link Endpoint#format(InetSocketAddress)} shows as that.
     */
    public static InetSocketAddress inet(java.net.SocketAddress address) {
        if (address instanceof java.net.UnixDomainSocketAddress unix) {
            return InetSocketAddress.createUnresolved(Endpoint.UNIX_PREFIX + unix.getPath(), 0);
        }
        return (InetSocketAddress) address;
    }

    /** From now on {@code observer} sees this connection's traffic (--pcap). */
    public void observe(ConnObserver observer) {
        this.observer = observer;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        ConnObserver o = observer;
        if (o == null) {
            int n = channel.read(dst);
            if (n > 0) {
                countIn(n);
            }
            return n;
        }
        int start = dst.position();
        int n;
        try {
            n = channel.read(dst);
        } catch (IOException e) {
            o.failed(e);
            throw e;
        }
        if (n > 0) {
            countIn(n);
            o.received(dst.duplicate().position(start).limit(start + n));
        } else if (n < 0) {
            o.peerClosed();
        }
        return n;
    }

    @Override
    public void write(ByteBuffer src) throws IOException {
        ConnObserver o = observer;
        if (o != null) {
            o.sent(src); // before it goes: a capture never lags behind what the peer has seen
        }
        try {
            while (src.hasRemaining()) {
                countOut(channel.write(src));
            }
        } catch (IOException e) {
            if (o != null) {
                o.failed(e);
            }
            throw e;
        }
    }

    /** The channel, for {@link SelectorRelay}, which drives it in non-blocking mode. */
    SocketChannel channel() {
        return channel;
    }

    /** One non-blocking write (the channel must be in non-blocking mode): what the socket took, counted. */
    int writeSome(ByteBuffer src) throws IOException {
        int start = src.position();
        ConnObserver o = observer;
        int n;
        try {
            n = channel.write(src);
        } catch (IOException e) {
            if (o != null) {
                o.failed(e);
            }
            throw e;
        }
        countOut(n);
        if (o != null && n > 0) {
            o.sent(src.duplicate().position(start).limit(start + n));
        }
        return n;
    }

    /** FIONREAD through the channel's socket adaptor (the channel itself has no public available()). */
    @Override
    public int available() throws IOException {
        if (local != null && local.isUnresolved()) {
            return 0; // a Unix domain socket channel has no socket adaptor to ask
        }
        InputStream probe = availableProbe;
        if (probe == null) {
            probe = channel.socket().getInputStream();
            availableProbe = probe;
        }
        return probe.available();
    }



    @Override
    public void closeWrite() throws IOException {
        if (channel.isOpen()) {
            channel.shutdownOutput();
            ConnObserver o = observer;
            if (o != null) {
                o.halfClosed();
            }
        }
    }

    @Override
    public void holdCapture(boolean hold) {
        ConnObserver o = observer;
        if (o != null) {
            o.hold(hold);
        }
    }

    @Override
    public InetSocketAddress localAddress() {
        return local;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public Timings timings() {
        return timings;
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    /** SO_LINGER 0, then close: the kernel sends RST instead of FIN, and drops what it had not sent yet. */
    @Override
    public void reset() {
        ConnObserver o = observer;
        if (o != null) {
            o.aborted();
        }
        try {
            if (channel.isOpen()) {
                channel.setOption(StandardSocketOptions.SO_LINGER, 0);
            }
        } catch (IOException ignored) {
            // already closed: nothing left to reset
        }
        close();
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing a socket only fails when it is already gone
        }
        ConnObserver o = observer;
        if (o != null) {
            o.closed();
        }
    }
}
