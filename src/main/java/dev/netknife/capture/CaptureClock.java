package dev.netknife.capture;

import java.time.Instant;

/** Wall-clock time in nanoseconds since the epoch, read as the monotonic clock's distance from one wall-clock reading. */
final class CaptureClock {
    private final long epochAtStart;
    private final long nanoAtStart;

    CaptureClock() {
        Instant now = Instant.now();
        this.nanoAtStart = System.nanoTime();
        this.epochAtStart = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    long epochNanos() {
        return epochAtStart + (System.nanoTime() - nanoAtStart);
    }
}
