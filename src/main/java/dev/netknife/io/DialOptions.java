package dev.netknife.io;

/** How to dial: the connect timeout (DNS included, as curl does) and the address family. */
public record DialOptions(long connectTimeoutMillis, IpVersion ipVersion) {

    public static final long DEFAULT_CONNECT_TIMEOUT_MILLIS = 10_000;

    public static DialOptions defaults() {
        return new DialOptions(DEFAULT_CONNECT_TIMEOUT_MILLIS, IpVersion.ANY);
    }
}
