package dev.netknife.io;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes connections that moved no byte in either direction for the idle timeout. One periodic task
 * on the process's timer thread ({@link Timers}) scans all watched connections a few times per
 * timeout, so connections need no timer of their own and a blocked read needs no socket timeout.
 * Precision is about a tenth of the timeout.
 */
public final class IdleWatch implements AutoCloseable {
    private final long timeoutNanos;
    private final Set<Conn> watched = ConcurrentHashMap.newKeySet();
    private final Set<Conn> expired = ConcurrentHashMap.newKeySet();
    private final ScheduledFuture<?> ticks;

    public IdleWatch(long timeoutMillis) {
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        long tickMillis = Math.clamp(timeoutMillis / 10, 5, 500);
        this.ticks = Timers.shared().scheduleWithFixedDelay(this::tick, tickMillis, tickMillis, TimeUnit.MILLISECONDS);
    }

    public void watch(Conn conn) {
        watched.add(conn);
    }

    /** Stops watching; returns true if the connection was closed for being idle. */
    public boolean unwatch(Conn conn) {
        watched.remove(conn);
        return expired.remove(conn);
    }

    /** True if this connection was closed for being idle. */
    public boolean expired(Conn conn) {
        return expired.contains(conn);
    }

    private void tick() {
        long now = System.nanoTime();
        for (Conn conn : watched) {
            if (now - conn.lastActivityNanos() >= timeoutNanos) {
                expired.add(conn);
                watched.remove(conn);
                conn.close();
            }
        }
    }

    @Override
    public void close() {
        ticks.cancel(false);
    }
}
