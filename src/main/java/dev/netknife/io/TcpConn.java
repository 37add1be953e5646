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

    @Override
    public int read(ByteBuffer dst) throws IOException {
        int n = channel.read(dst);
        if (n > 0) {
            countIn(n);
        }
        return n;
    }

    @Override
    public void write(ByteBuffer src) throws IOException {
        while (src.hasRemaining()) {
            countOut(channel.write(src));
        }
    }

    /** The channel, for {@link SelectorRelay}, which drives it in non-blocking mode. */
    SocketChannel channel() {
        return channel;
    }

    /** One non-blocking write (the channel must be in non-blocking mode): what the socket took, counted. */
    int writeSome(ByteBuffer src) throws IOException {
        int n = channel.write(src);
        countOut(n);
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
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing a socket only fails when it is already gone
        }
    }
}
