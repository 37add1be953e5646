package dev.netknife.io;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection when a step (a TLS handshake, a WebSocket upgrade) takes too long, so a stalled
 * peer cannot hang nk: the blocked read or write then fails, and {@link #expired()} says why.
 * Closing the deadline (the step finished) cancels it.
 *
 * <p>Deadlines wait on the process's one timer thread ({@link Timers}).
 */
public final class Deadline implements AutoCloseable {
    private final ScheduledFuture<?> timer;
    private volatile boolean done;
    private volatile boolean expired;

    /** {@code millis} 0 or less: no deadline. */
    public Deadline(Conn conn, long millis) {
        this.timer = millis <= 0 ? null : Timers.shared().schedule(() -> {
            if (!done) {
                expired = true;
                conn.close();
            }
        }, millis, TimeUnit.MILLISECONDS);
    }

    public boolean expired() {
        return expired;
    }

    @Override
    public void close() {
        done = true;
        if (timer != null) {
            timer.cancel(false);
        }
    }
}
