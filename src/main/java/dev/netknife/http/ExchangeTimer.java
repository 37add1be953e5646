package dev.netknife.http;

import dev.netknife.io.Conn;
import dev.netknife.io.IdleWatch;

/** Closes the connection when --max-time or the idle timeout runs out, and remembers which. */
final class ExchangeTimer {
    private final IdleWatch idle;
    private final Thread total;
    private final Conn conn;
    private volatile String expired;

    ExchangeTimer(Conn conn, long deadlineNanos, IdleWatch idle) {
        this.conn = conn;
        this.idle = idle;
        if (idle != null) {
            idle.watch(conn);
        }
        this.total = deadlineNanos == 0 ? null : Thread.ofVirtual().start(() -> {
            try {
                java.util.concurrent.TimeUnit.NANOSECONDS.sleep(Math.max(1, deadlineNanos - System.nanoTime()));
                expired = "total";
                conn.close();
            } catch (InterruptedException e) {
                // stopped in time
            }
        });
    }

    String expiredPhase() {
        if (expired != null) {
            return expired;
        }
        return idle != null && idle.expired(conn) ? "idle" : null;
    }

    void stop() {
        if (total != null) {
            total.interrupt();
        }
        if (idle != null && idle.unwatch(conn) && expired == null) {
            expired = "idle";
        }
    }
}
