package dev.netknife.udp;

import java.net.Inet6Address;
import java.net.InetAddress;

/** Size limits of a UDP datagram's payload. */
public final class Datagrams {
    /** 65,535 minus the 8-byte UDP header and the 20-byte IPv4 header. */
    public static final int MAX_IPV4 = 65_507;
    /** 65,535 minus the 8-byte UDP header (the IPv6 header is not counted in its payload length). */
    public static final int MAX_IPV6 = 65_527;

    private Datagrams() {
    }

    /** The largest payload one datagram to or from {@code address} can carry. */
    public static int max(InetAddress address) {
        return address instanceof Inet6Address ? MAX_IPV6 : MAX_IPV4;
    }
}
