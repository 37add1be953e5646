package dev.netknife.udp;

import dev.netknife.ExitCode;
import dev.netknife.NkException;
import dev.netknife.io.Endpoint;
import dev.netknife.io.Rate;
import dev.netknife.io.RateLimiter;
import dev.netknife.io.Wiretap;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;

/**
 * A UDP server: receives datagrams on one socket and, with {@code echo}, sends each back to its
 * source, after an optional prefix. {@link #serve()} runs the receive loop on the calling thread
 * (a platform thread keeps the echo path to two system calls per datagram) until the server is
 * closed or that thread is interrupted.
 *
 * <p>One receive buffer, sized for the largest datagram allowed plus one byte so that a larger
 * one is recognised (the kernel truncates it silently) and dropped. A datagram over the
 * per-source rate, too large, or whose echo cannot be sent is counted and skipped; the server
 * goes on with the next.
 */
public final class UdpServer implements AutoCloseable {

    /** {@code prefix} may be empty; {@code ratePerSource} null = none; {@code maxDatagram} bounds accepted payloads. */
    public record Config(InetAddress bind, int port, boolean echo, byte[] prefix, Rate ratePerSource, int maxDatagram) {
    }

    /** Why a datagram was not served. */
    public enum Drop {
        OVERSIZED, RATE_LIMITED, SEND_FAILED
    }

    /** Called on the serving thread; {@code payload} is only valid during the call. */
    public interface Listener {
        void received(InetSocketAddress from, ByteBuffer payload);

        default void dropped(InetSocketAddress from, int size, Drop reason, String detail) {
        }
    }

    /** Counters since start. */
    public record Stats(long received, long bytesIn, long echoed, long bytesOut, long oversized, long rateLimited, long sendFailed) {
    }

    private final DatagramChannel channel;
    private final Config config;
    private final Listener listener;
    private final InetSocketAddress address;
    private final RateLimiter<InetAddress> rateLimiter;
    private final ByteBuffer buffer;
    private final int prefixLength;
    private volatile long received;
    private volatile long bytesIn;
    private volatile long echoed;
    private volatile long bytesOut;
    private volatile long oversized;
    private volatile long rateLimited;
    private volatile long sendFailed;
    private volatile Wiretap wiretap = Wiretap.NONE;

    private UdpServer(DatagramChannel channel, Config config, Listener listener) throws IOException {
        this.channel = channel;
        this.config = config;
        this.listener = listener;
        this.address = (InetSocketAddress) channel.getLocalAddress();
        this.rateLimiter = config.ratePerSource() == null ? null : new RateLimiter<>(config.ratePerSource());
        this.prefixLength = config.prefix().length;
        this.buffer = ByteBuffer.allocateDirect(prefixLength + config.maxDatagram() + 1);
        buffer.put(config.prefix());
    }

    /** Binds the socket; a failure (port in use, no permission) is exit 1 with the reason. */
    public static UdpServer bind(Config config, Listener listener) {
        DatagramChannel channel = null;
        try {
            channel = DatagramChannel.open(config.bind() instanceof Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
            channel.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
            channel.setOption(StandardSocketOptions.SO_SNDBUF, 4 << 20);
            channel.bind(new InetSocketAddress(config.bind(), config.port()));
            return new UdpServer(channel, config, listener);
        } catch (IOException e) {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // already failing
                }
            }
            throw new NkException(ExitCode.FAILURE, null, "cannot listen on UDP "
                    + Endpoint.format(Endpoint.text(config.bind()), config.port()) + ": " + e.getMessage(), e);
        }
    }

    public InetSocketAddress address() {
        return address;
    }

    /** Records the datagrams received and echoed on {@code tap} (--pcap); call before {@link #serve}. */
    public void capture(Wiretap tap) {
        this.wiretap = tap;
    }

    /** Serves until {@link #close()} or an interrupt of the calling thread. */
    public void serve() {
        int limit = prefixLength + config.maxDatagram() + 1;
        while (true) {
            buffer.limit(limit).position(prefixLength);
            InetSocketAddress from;
            try {
                from = (InetSocketAddress) channel.receive(buffer);
            } catch (ClosedChannelException e) {
                return; // closed, or interrupted (ClosedByInterruptException closes the channel too)
            } catch (IOException e) {
                continue; // an ICMP error reported for an earlier echo; nothing to do with this receive
            }
            int size = buffer.position() - prefixLength;
            wiretap.datagram(from, address, buffer.duplicate().flip().position(prefixLength));
            if (size > config.maxDatagram()) {
                oversized++;
                listener.dropped(from, size, Drop.OVERSIZED, "larger than " + config.maxDatagram() + " bytes");
                continue;
            }
            if (rateLimiter != null && !rateLimiter.tryAcquire(from.getAddress())) {
                rateLimited++;
                listener.dropped(from, size, Drop.RATE_LIMITED, "over " + rateLimiter.rate());
                continue;
            }
            received++;
            bytesIn += size;
            buffer.flip().position(prefixLength);
            listener.received(from, buffer);
            if (config.echo()) {
                echo(from, size);
            }
        }
    }

    private void echo(InetSocketAddress to, int size) {
        buffer.position(0).limit(prefixLength + size);
        // counted first: an interrupt (Ctrl-C) that lands while send() returns throws even though the datagram went out
        echoed++;
        bytesOut += prefixLength + size;
        try {
            wiretap.datagram(address, to, buffer);
            channel.send(buffer, to);
        } catch (ClosedChannelException e) {
            // closing: serve() sees it on the next receive
        } catch (IOException e) {
            echoed--;
            bytesOut -= prefixLength + size;
            sendFailed++;
            listener.dropped(to, size, Drop.SEND_FAILED, e.getMessage());
        }
    }

    public Stats stats() {
        return new Stats(received, bytesIn, echoed, bytesOut, oversized, rateLimited, sendFailed);
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }
}
