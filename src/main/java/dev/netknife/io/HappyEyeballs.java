package dev.netknife.io;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Happy Eyeballs v2 (RFC 8305) for a name with both IPv6 and IPv4 addresses: the addresses are
 * interleaved by family (the resolver's first family first), an attempt starts every 250 ms (at once
 * when the previous one fails), the first connection wins and every other attempt is closed. A family
 * that black-holes costs 250 ms instead of the whole connect timeout.
 */
final class HappyEyeballs {
    /** RFC 8305 5: the recommended Connection Attempt Delay. */
    static final long ATTEMPT_DELAY_MILLIS = 250;

    private record Outcome(SocketChannel channel, IOException failure) {
    }

    private HappyEyeballs() {
    }

    /** Whether {@code addresses} hold both families (else one attempt after another, as before). */
    static boolean applies(List<InetAddress> addresses) {
        boolean v6 = false;
        boolean v4 = false;
        for (InetAddress address : addresses) {
            if (address instanceof Inet6Address) {
                v6 = true;
            } else {
                v4 = true;
            }
        }
        return v6 && v4;
    }

    /** The addresses alternating by family, starting with the first one's (RFC 8305 4). */
    static List<InetAddress> interleave(List<InetAddress> addresses) {
        boolean firstV6 = addresses.getFirst() instanceof Inet6Address;
        List<InetAddress> first = new ArrayList<>();
        List<InetAddress> second = new ArrayList<>();
        for (InetAddress address : addresses) {
            ((address instanceof Inet6Address) == firstV6 ? first : second).add(address);
        }
        List<InetAddress> order = new ArrayList<>(addresses.size());
        for (int i = 0; i < Math.max(first.size(), second.size()); i++) {
            if (i < first.size()) {
                order.add(first.get(i));
            }
            if (i < second.size()) {
                order.add(second.get(i));
            }
        }
        return order;
    }

    /**
     * The first connection to {@code port} at one of {@code addresses}; null when none connected before
     * {@code deadlineNanos} (or all failed): {@code failures} then holds the last failure, if any.
     */
    static SocketChannel race(List<InetAddress> addresses, int port, InetSocketAddress source, long deadlineNanos, IOException[] failures)
            throws InterruptedException {
        List<InetAddress> order = interleave(addresses);
        LinkedBlockingQueue<Outcome> outcomes = new LinkedBlockingQueue<>();
        List<SocketChannel> attempts = new ArrayList<>();
        attempts.add(start(order.getFirst(), port, source, deadlineNanos, outcomes));
        int started = 1;
        int finished = 0;
        try {
            while (true) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                long wait = started < order.size() ? Math.min(left, TimeUnit.MILLISECONDS.toNanos(ATTEMPT_DELAY_MILLIS)) : left;
                Outcome outcome = outcomes.poll(wait, TimeUnit.NANOSECONDS);
                if (outcome != null && outcome.channel() != null) {
                    attempts.remove(outcome.channel());
                    return outcome.channel();
                }
                if (outcome != null) {
                    failures[0] = outcome.failure();
                    if (++finished == order.size()) {
                        return null;
                    }
                }
                // 250 ms without an answer, or a failure: the next address now (RFC 8305 5)
                if (started < order.size()) {
                    attempts.add(start(order.get(started++), port, source, deadlineNanos, outcomes));
                }
            }
        } finally {
            for (SocketChannel attempt : attempts) {
                closeQuietly(attempt); // the losers, still connecting or connected too late
            }
        }
    }

    private static SocketChannel start(InetAddress address, int port, InetSocketAddress source, long deadlineNanos,
            LinkedBlockingQueue<Outcome> outcomes) {
        SocketChannel channel;
        try {
            channel = SocketChannel.open();
            Dialer.bindSource(channel, source);
        } catch (IOException e) {
            outcomes.add(new Outcome(null, e));
            return null;
        }
        Thread.ofVirtual().name("nk-connect").start(() -> {
            try {
                long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
                channel.socket().connect(new InetSocketAddress(address, port), (int) Math.min(left, Integer.MAX_VALUE));
                outcomes.add(new Outcome(channel, null));
            } catch (IOException e) {
                closeQuietly(channel);
                outcomes.add(new Outcome(null, e));
            }
        });
        return channel;
    }

    private static void closeQuietly(SocketChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // a losing attempt: nothing to do about it
            }
        }
    }
}
