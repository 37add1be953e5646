package dev.netknife.monitor;

import dev.netknife.io.Timings;

/**
 * One probe of one target: up or not, why not, and its timings. {@code status} is the HTTP status
 * (0 when not HTTP); {@code certExpiresAt} the earliest notAfter of the TLS chain in epoch seconds
 * (0 when no TLS).
 */
public record ProbeResult(Target target, boolean up, String error, String phase, Timings timings, int status, long certExpiresAt,
        long atMillis) {

    public double millis() {
        return Timings.millis(timings.totalNanos());
    }
}
