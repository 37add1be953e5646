package dev.netknife.io;

/**
 * Where the time went, in nanoseconds; -1 for a phase that did not happen.
 * Measured once in the I/O layer and shown the same way by every subcommand.
 */
public record Timings(long dnsNanos, long connectNanos, long proxyNanos, long tlsNanos, long firstByteNanos, long totalNanos) {

    public static final Timings NONE = new Timings(-1, -1, -1, -1, -1, -1);

    /** DNS and connect only: a direct connection. */
    public static Timings connected(long dnsNanos, long connectNanos) {
        return new Timings(dnsNanos, connectNanos, -1, -1, -1, -1);
    }

    /** With the time the proxy took to open its tunnel (its handshake, after the connect to it). */
    public Timings withProxy(long nanos) {
        return new Timings(dnsNanos, connectNanos, nanos, tlsNanos, firstByteNanos, totalNanos);
    }

    public Timings withTls(long nanos) {
        return new Timings(dnsNanos, connectNanos, proxyNanos, nanos, firstByteNanos, totalNanos);
    }

    public Timings withFirstByte(long nanos) {
        return new Timings(dnsNanos, connectNanos, proxyNanos, tlsNanos, nanos, totalNanos);
    }

    public Timings withTotal(long nanos) {
        return new Timings(dnsNanos, connectNanos, proxyNanos, tlsNanos, firstByteNanos, nanos);
    }

    /** Milliseconds with microsecond precision, or -1. */
    public static double millis(long nanos) {
        return nanos < 0 ? -1 : Math.round(nanos / 1000.0) / 1000.0;
    }
}
