package dev.netknife.io;

import java.net.InetSocketAddress;

/**
 * How to dial: the connect timeout (DNS, the proxy's handshake and, for the commands that say so, TLS
 * included, as curl does), the address family, the proxies, TLS to an https:// proxy (null when none
 * is needed), the names pinned to addresses (--resolve, --connect-to), and a Unix domain socket every
 * connection goes to instead of the network (--unix-socket; null: the network), and the local address
 * and port to connect from (--bind, --local-port; null: the system's choice), and where the connections are
 * captured (--pcap; {@link Wiretap#NONE}: nowhere).
 */
public record DialOptions(long connectTimeoutMillis, IpVersion ipVersion, Proxies proxies, ProxyTls proxyTls, NamePins pins,
        java.nio.file.Path unixSocket, InetSocketAddress source, Wiretap wiretap) {

    public static final long DEFAULT_CONNECT_TIMEOUT_MILLIS = 10_000;

    /** Direct connections, names as DNS answers. */
    public DialOptions(long connectTimeoutMillis, IpVersion ipVersion) {
        this(connectTimeoutMillis, ipVersion, Proxies.NONE, null, NamePins.NONE, null, null, Wiretap.NONE);
    }

    public static DialOptions defaults() {
        return new DialOptions(DEFAULT_CONNECT_TIMEOUT_MILLIS, IpVersion.ANY);
    }

    public DialOptions withConnectTimeout(long millis) {
        return new DialOptions(millis, ipVersion, proxies, proxyTls, pins, unixSocket, source, wiretap);
    }

    public DialOptions withWiretap(Wiretap tap) {
        return new DialOptions(connectTimeoutMillis, ipVersion, proxies, proxyTls, pins, unixSocket, source, tap);
    }
}
