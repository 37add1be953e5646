package dev.netknife.capture;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.LongBuffer;

/**
 * Synthesized frames: Ethernet, IPv4 or IPv6, then TCP or UDP, with the real addresses and ports and
 * correct checksums, around bytes nk really sent or received.
 */
final class Frames {
    static final int FIN = 0x01;
    static final int SYN = 0x02;
    static final int RST = 0x04;
    static final int PSH = 0x08;
    static final int ACK = 0x10;

    /** Sums of at least this many longs go through a bulk copy ({@link #sum}). */
    private static final int BULK_LONGS = 16;

    /** The largest TCP payload in one synthesized segment (the loopback's MSS); larger reads and writes are split. */
    static final int MAX_SEGMENT = 65_483;

    private static final int ETHERNET = 14;
    private static final int TCP_HEADER = 20;
    private static final int UDP_HEADER = 8;
    private static final byte[] LOCAL_MAC = {0x02, 0x6e, 0x6b, 0x00, 0x00, 0x01};
    private static final byte[] PEER_MAC = {0x02, 0x6e, 0x6b, 0x00, 0x00, 0x02};

    private Frames() {
    }

    /** One direction of a conversation: source and destination, in the same IP family. */
    record Ends(byte[] sourceIp, int sourcePort, byte[] destinationIp, int destinationPort, boolean fromLocal, long addressSum) {
        Ends(byte[] sourceIp, int sourcePort, byte[] destinationIp, int destinationPort, boolean fromLocal) {
            this(sourceIp, sourcePort, destinationIp, destinationPort, fromLocal,
                    sum(ByteBuffer.wrap(sourceIp), 0, sourceIp.length) + sum(ByteBuffer.wrap(destinationIp), 0, destinationIp.length));
        }

        /** {@code from} to {@code to}; an IPv4 end facing an IPv6 one is written as an IPv4-mapped IPv6 address. */
        static Ends of(InetSocketAddress from, InetSocketAddress to, boolean fromLocal) {
            InetAddress a = from.getAddress();
            InetAddress b = to.getAddress();
            boolean v6 = a instanceof Inet6Address || b instanceof Inet6Address;
            return new Ends(bytes(a, v6), from.getPort(), bytes(b, v6), to.getPort(), fromLocal);
        }

        Ends reversed() {
            return new Ends(destinationIp, destinationPort, sourceIp, sourcePort, !fromLocal, addressSum);
        }

        boolean v6() {
            return sourceIp.length == 16;
        }

        int ipHeader() {
            return v6() ? 40 : 20;
        }
    }

    /** Whether a frame can carry this address (a Unix socket's cannot). */
    static boolean addressable(InetSocketAddress address) {
        return address != null && !address.isUnresolved() && address.getAddress() != null;
    }

    private static byte[] bytes(InetAddress address, boolean v6) {
        byte[] raw = address.getAddress();
        if (v6 && address instanceof Inet4Address) {
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xff;
            mapped[11] = (byte) 0xff;
            System.arraycopy(raw, 0, mapped, 12, 4);
            return mapped;
        }
        return raw;
    }

    /**
     * A frame: headers nk makes up around a payload of real bytes. The headers are written apart from the
     * payload, so a capture file can take the payload straight from the buffer it was read into.
     */
    interface Frame {
        int headerLength();

        /** The payload: its remaining bytes (never consumed). */
        ByteBuffer payload();

        default int length() {
            return headerLength() + payload().remaining();
        }

        /** Writes the headers at {@code to}'s position, checksums over headers and payload included. */
        void writeHeaders(ByteBuffer to);
    }

    /** A TCP segment. */
    record Segment(Ends ends, long seq, long ack, int flags, ByteBuffer payload) implements Frame {
        @Override
        public int headerLength() {
            return ETHERNET + ends.ipHeader() + TCP_HEADER;
        }

        @Override
        public void writeHeaders(ByteBuffer to) {
            int tcp = ip(to, ends, 6, TCP_HEADER + payload.remaining());
            to.putShort((short) ends.sourcePort()).putShort((short) ends.destinationPort()).putInt((int) seq).putInt((int) ack)
                    .put((byte) 0x50).put((byte) flags).putShort((short) 0xffff).putShort((short) 0).putShort((short) 0);
            to.putShort(tcp + 16, checksum(to, tcp, payload, ends, 6));
        }
    }

    /** A UDP datagram. */
    record Datagram(Ends ends, ByteBuffer payload) implements Frame {
        @Override
        public int headerLength() {
            return ETHERNET + ends.ipHeader() + UDP_HEADER;
        }

        @Override
        public void writeHeaders(ByteBuffer to) {
            int length = UDP_HEADER + payload.remaining();
            int udp = ip(to, ends, 17, length);
            to.putShort((short) ends.sourcePort()).putShort((short) ends.destinationPort()).putShort((short) length).putShort((short) 0);
            short sum = checksum(to, udp, payload, ends, 17);
            to.putShort(udp + 6, sum == 0 ? (short) 0xffff : sum); // 0 would mean "no checksum"
        }
    }

    /** Ethernet and IP headers; returns where the transport header starts (the position). */
    private static int ip(ByteBuffer to, Ends ends, int protocol, int transportLength) {
        to.put(ends.fromLocal() ? PEER_MAC : LOCAL_MAC).put(ends.fromLocal() ? LOCAL_MAC : PEER_MAC);
        if (ends.v6()) {
            to.putShort((short) 0x86dd).putInt(0x6000_0000).putShort((short) transportLength).put((byte) protocol).put((byte) 64)
                    .put(ends.sourceIp()).put(ends.destinationIp());
            return to.position();
        }
        int start = to.putShort((short) 0x0800).position();
        to.put((byte) 0x45).put((byte) 0).putShort((short) (20 + transportLength)).putShort((short) 0).putShort((short) 0x4000)
                .put((byte) 64).put((byte) protocol).putShort((short) 0).put(ends.sourceIp()).put(ends.destinationIp());
        to.putShort(start + 10, checksum(sum(to, start, start + 20)));
        return to.position();
    }

    /**
     * The TCP or UDP checksum over the pseudo-header, the transport header ({@code from} to {@code to}'s
     * position, its checksum field still 0; an even length) and the payload.
     */
    private static short checksum(ByteBuffer to, int from, ByteBuffer payload, Ends ends, int protocol) {
        int length = to.position() - from + payload.remaining();
        return checksum(ends.addressSum() + word(protocol) + word(length) + sum(to, from, to.position())
                + sum(payload, payload.position(), payload.limit()));
    }

    /**
     * The ones'-complement sum of {@code from..to}, not yet folded, read as little-endian 16-bit words (the
     * machine's order, read fastest): such a sum is the byte-swapped sum of the big-endian words RFC 1071
     * asks for, so {@link #checksum(long)} swaps once at the end. {@code from} must start a 16-bit word.
     * Long runs are copied in bulk into a small array and summed there: reading a direct buffer a long
     * at a time costs a bounds and liveness check per read, most of all in the native executable.
     */
    static long sum(ByteBuffer buffer, int from, int to) {
        long s = 0;
        int i = from;
        int longs = (to - from) >>> 3;
        if (longs >= BULK_LONGS) {
            LongBuffer view = buffer.duplicate().position(from).limit(from + longs * 8).slice().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer();
            long[] scratch = new long[Math.min(longs, 1024)];
            long s0 = 0;
            long s1 = 0;
            while (view.hasRemaining()) {
                int n = Math.min(scratch.length, view.remaining());
                view.get(scratch, 0, n);
                int k = 0;
                for (; k + 1 < n; k += 2) { // two sums: the additions do not wait on each other
                    long v = scratch[k];
                    long w = scratch[k + 1];
                    s0 += (v >>> 32) + (v & 0xffff_ffffL);
                    s1 += (w >>> 32) + (w & 0xffff_ffffL);
                }
                if (k < n) {
                    s0 += (scratch[k] >>> 32) + (scratch[k] & 0xffff_ffffL);
                }
            }
            s = s0 + s1;
            i += longs * 8;
        }
        ByteBuffer b = buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        for (; i + 8 <= to; i += 8) {
            long v = b.getLong(i);
            s += (v >>> 32) + (v & 0xffff_ffffL);
        }
        for (; i + 2 <= to; i += 2) {
            s += b.getShort(i) & 0xffff;
        }
        if (i < to) {
            s += b.get(i) & 0xff; // the high byte of a big-endian word padded with zero
        }
        return s;
    }

    /** A big-endian 16-bit value's share of a {@link #sum}. */
    static long word(int value) {
        return Short.reverseBytes((short) value) & 0xffff;
    }

    /** The checksum field's value for a {@link #sum}: folded, complemented, back in network order. */
    static short checksum(long sum) {
        long s = sum;
        while ((s >>> 16) != 0) {
            s = (s & 0xffff) + (s >>> 16);
        }
        return Short.reverseBytes((short) ~s);
    }
}
