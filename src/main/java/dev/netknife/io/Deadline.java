package dev.netknife.io;

import java.util.concurrent.TimeUnit;

/**
 * Closes a connection when a step (a TLS handshake, a WebSocket upgrade) takes too long, so a stalled
 * peer cannot hang nk: the blocked read or write then fails, and {@link #expired()} says why.
 * Closing the deadline (the step finished) cancels it.
 */
public final class Deadline implements AutoCloseable {
    private final Thread watchdog;
    private volatile boolean done;
    private volatile boolean expired;

    /** {@code millis} 0 or less: no deadline. */
    public Deadline(Conn conn, long millis) {
        this.watchdog = millis <= 0 ? null : Thread.ofVirtual().name("nk-deadline").start(() -> {
            try {
                TimeUnit.MILLISECONDS.sleep(millis);
            } catch (InterruptedException e) {
                return;
            }
            if (!done) {
                expired = true;
                conn.close();
            }
        });
    }

    public boolean expired() {
        return expired;
    }

    @Override
    public void close() {
        done = true;
        if (watchdog != null) {
            watchdog.interrupt();
        }
    }
}
