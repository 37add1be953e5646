package dev.netknife.io;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * A SOCKS5 UDP association (RFC 1928 7): the TCP connection that keeps it alive, the proxy's relay to
 * send datagrams to, and the header every datagram to the target carries (RSV, FRAG 0, the target's
 * address or name, its port). Replies from the relay carry such a header too, with their source.
 */
public record SocksUdp(Conn control, InetSocketAddress relay, byte[] header) {

    /** The length of the header at the start of {@code datagram} (a reply from the relay), or -1 when it is not one. */
    public static int headerLength(ByteBuffer datagram) {
        int start = datagram.position();
        if (datagram.remaining() < 4 || datagram.get(start) != 0 || datagram.get(start + 1) != 0 || datagram.get(start + 2) != 0) {
            return -1; // fragments (FRAG != 0) are dropped, as RFC 1928 allows
        }
        int length = switch (datagram.get(start + 3)) {
            case 1 -> 4 + 4 + 2;
            case 4 -> 4 + 16 + 2;
            case 3 -> datagram.remaining() < 5 ? -1 : 4 + 1 + (datagram.get(start + 4) & 0xff) + 2;
            default -> -1;
        };
        return length <= datagram.remaining() ? length : -1;
    }
}
