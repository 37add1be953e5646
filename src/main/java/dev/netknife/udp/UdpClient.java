package dev.netknife.udp;

import dev.netknife.ExitCode;
import dev.netknife.NkException;
import dev.netknife.io.ExpectMatcher;
import dev.netknife.io.Wiretap;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A UDP client on a connected socket (so only the server's datagrams are accepted, and an ICMP
 * port unreachable comes back as an error): sends each datagram of a {@link DatagramSource} while
 * a virtual thread delivers the replies as they arrive. When the input ends it keeps waiting for
 * replies, up to the timeout, unless the reply count or the expected pattern was reached first.
 *
 * <p>Round-trip times assume replies come in the order of the requests (each reply is paired with
 * the oldest datagram not yet answered), which is what echo-style servers do.
 */
public final class UdpClient implements AutoCloseable {

    /** {@code count} 0 = no limit; {@code expect} null = none. */
    public record Options(int count, ExpectMatcher expect, long timeoutMillis) {
    }

    /** Gets each reply on the receiving thread; {@code rttNanos} is -1 when no request was waiting. */
    @FunctionalInterface
    public interface Replies {
        void reply(ByteBuffer payload, InetSocketAddress from, long rttNanos) throws IOException;
    }

    /** How the exchange ended. */
    public enum Outcome {
        /** A reply matched the expected pattern. */
        MATCHED,
        /** The requested number of replies arrived. */
        COUNT_REACHED,
        /** The input ended and the timeout passed without either of the above. */
        TIMED_OUT,
        /** The server's host answered with ICMP port unreachable. */
        PORT_UNREACHABLE
    }

    public record Result(Outcome outcome, long sent, long received, long bytesSent, long bytesReceived) {
    }

    private final DatagramChannel channel;
    private final InetSocketAddress remote;
    private final Queue<Long> unanswered = new ConcurrentLinkedQueue<>();
    // futures, not a monitor shared by the virtual threads and the caller: once (native, CI under load) a
    // reply was printed and counted, yet the caller's 3 s wait on that monitor ended without seeing it
    private final CompletableFuture<Outcome> ended = new CompletableFuture<>();
    private final CompletableFuture<Void> inputEnded = new CompletableFuture<>();
    private volatile long sent;
    private volatile long bytesSent;
    private volatile long received;
    private volatile long bytesReceived;

    /** Through a SOCKS5 proxy: the association (its header goes before every datagram sent), else null. */
    private final dev.netknife.io.SocksUdp relay;
    private volatile Wiretap wiretap = Wiretap.NONE;
    private InetSocketAddress local;

    private UdpClient(DatagramChannel channel, InetSocketAddress remote, dev.netknife.io.SocksUdp relay) {
        this.channel = channel;
        this.remote = remote;
        this.relay = relay;
    }

    /** A socket connected to the proxy's relay of {@code association}: datagrams go to the target through it. */
    public static UdpClient relayed(dev.netknife.io.SocksUdp association) {
        UdpClient direct = connect(association.relay());
        return new UdpClient(direct.channel, association.relay(), association);
    }

    /** A socket connected to {@code remote} (no packet is sent: connecting a UDP socket only fixes the peer). */
    public static UdpClient connect(InetSocketAddress remote) {
        try {
            DatagramChannel channel = DatagramChannel.open(remote.getAddress() instanceof Inet6Address
                    ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
            try {
                channel.connect(remote);
            } catch (IOException e) {
                channel.close();
                throw e;
            }
            return new UdpClient(channel, remote, null);
        } catch (IOException e) {
            throw new NkException(ExitCode.REFUSED, "connect", "cannot send to " + remote + ": " + e.getMessage(), e);
        }
    }

    /** The largest payload one datagram to the server can carry. */
    public int maxDatagram() {
        return Datagrams.max(remote.getAddress()) - (relay == null ? 0 : relay.header().length);
    }

    public InetSocketAddress localAddress() {
        try {
            return (InetSocketAddress) channel.getLocalAddress();
        } catch (IOException e) {
            return null;
        }
    }

    /** Records the datagrams sent and received on {@code tap} (--pcap); call before {@link #run}. */
    public void capture(Wiretap tap) {
        this.wiretap = tap;
        this.local = localAddress();
    }

    /** Sends every datagram of {@code source}, delivering replies to {@code replies}; returns when the exchange ended. */
    public Result run(DatagramSource source, Options options, Replies replies) throws Exception {
        Thread receiver = Thread.ofVirtual().name("nk-udp-receive").start(() -> receive(options, replies));
        Thread sender = Thread.ofVirtual().name("nk-udp-send").start(() -> send(source, options));
        Outcome outcome;
        try {
            CompletableFuture.anyOf(ended, inputEnded).get();
            try {
                outcome = ended.get(options.timeoutMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                ended.complete(Outcome.TIMED_OUT);
                outcome = ended.get(); // or what arrived meanwhile
            }
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        } finally {
            close();
            sender.interrupt(); // a sender blocked on a terminal's stdin stays blocked; the process ends without it
            receiver.join();
        }
        return new Result(outcome, sent, received, bytesSent, bytesReceived);
    }

    private void send(DatagramSource source, Options options) {
        try {
            for (ByteBuffer datagram = source.next(); datagram != null && !ended(); datagram = source.next()) {
                int size = datagram.remaining();
                if (size == 0) {
                    continue; // a connected DatagramChannel cannot send an empty datagram (it writes nothing)
                }
                if (size > maxDatagram()) {
                    throw new NkException(ExitCode.FAILURE, null, "a datagram of " + size + " bytes is over the limit of "
                            + maxDatagram() + " bytes for UDP over " + (remote.getAddress() instanceof Inet6Address ? "IPv6" : "IPv4"), null);
                }
                unanswered.add(System.nanoTime());
                if (relay != null) {
                    ByteBuffer framed = ByteBuffer.allocate(relay.header().length + size).put(relay.header()).put(datagram).flip();
                    datagram = framed;
                }
                sent++; // counted first: the reply can overtake the statement after the write, and the run then ends
                bytesSent += size;
                wiretap.datagram(local, remote, datagram); // before it goes: the reply may end the run at once
                channel.write(datagram);
            }
            inputEnded.complete(null);
        } catch (PortUnreachableException e) {
            finish(Outcome.PORT_UNREACHABLE);
        } catch (ClosedChannelException e) {
            // the exchange ended while sending
        } catch (Exception e) {
            fail(e);
        }
    }

    private void receive(Options options, Replies replies) {
        ByteBuffer buffer = ByteBuffer.allocate(Datagrams.max(remote.getAddress()));
        try {
            while (true) {
                buffer.clear();
                channel.read(buffer);
                wiretap.datagram(remote, local, buffer.duplicate().flip());
                if (relay != null) {
                    buffer.flip();
                    int header = dev.netknife.io.SocksUdp.headerLength(buffer);
                    if (header < 0) {
                        continue; // not a relayed datagram (or a fragment): dropped
                    }
                    buffer.position(header).compact();
                }
                long now = System.nanoTime();
                Long sentAt = unanswered.poll();
                received++;
                bytesReceived += buffer.position();
                buffer.flip();
                boolean matched = options.expect() != null && options.expect().test(buffer.duplicate());
                replies.reply(buffer, remote, sentAt == null ? -1 : now - sentAt);
                if (matched) {
                    finish(Outcome.MATCHED);
                } else if (options.count() > 0 && received >= options.count()) {
                    finish(Outcome.COUNT_REACHED);
                }
            }
        } catch (PortUnreachableException e) {
            finish(Outcome.PORT_UNREACHABLE);
        } catch (ClosedChannelException e) {
            // the exchange is over
        } catch (Exception e) {
            fail(e);
        }
    }

    private boolean ended() {
        return ended.isDone();
    }

    private void finish(Outcome result) {
        ended.complete(result);
    }

    private void fail(Exception e) {
        ended.completeExceptionally(e);
    }

    @Override
    public void close() {
        if (relay != null) {
            relay.control().close(); // ends the association
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }
}
