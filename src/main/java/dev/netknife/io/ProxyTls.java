package dev.netknife.io;

/** TLS to an {@code https://} proxy, supplied from above the I/O layer (TLS lives in its own package). */
@FunctionalInterface
public interface ProxyTls {
    /** A TLS connection over {@code raw} (connected to the proxy), verified for {@code proxy}'s name; closes {@code raw} on failure. */
    Conn handshake(Conn raw, Endpoint proxy, long timeoutMillis);
}
