package dev.netknife.io;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Token buckets per key (a client IP, say). Buckets that have refilled are forgotten
 * from time to time, so the map stays as small as the set of recently active keys.
 */
public final class RateLimiter<K> {
    private static final int SWEEP_EVERY = 1024;

    private final Rate rate;
    private final ConcurrentHashMap<K, TokenBucket> buckets = new ConcurrentHashMap<>();
    private int callsSinceSweep;

    public RateLimiter(Rate rate) {
        this.rate = rate;
    }

    public Rate rate() {
        return rate;
    }

    /** True if {@code key} may go ahead now. */
    public boolean tryAcquire(K key) {
        long now = System.nanoTime();
        boolean allowed = buckets.computeIfAbsent(key, k -> new TokenBucket(rate, now)).tryAcquire(now);
        sweepSometimes(now);
        return allowed;
    }

    int size() {
        return buckets.size();
    }

    private void sweepSometimes(long now) {
        boolean sweep;
        synchronized (this) {
            sweep = ++callsSinceSweep >= SWEEP_EVERY;
            if (sweep) {
                callsSinceSweep = 0;
            }
        }
        if (sweep) {
            buckets.values().removeIf(bucket -> bucket.isFull(now));
        }
    }
}
