package dev.netknife.ws;

import dev.netknife.io.Conn;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * A client's keepalive: a ping every interval (counted from the last pong), each with its own
 * payload ("nk-1", "nk-2", ...) so its pong gives the round trip. A ping left unanswered for the
 * timeout means the peer is gone although TCP may not know yet (a frozen process, a dropped
 * route): the connection is closed and {@link #timedOut()} says why. Pongs nk did not ask for
 * (RFC 6455 allows them as heartbeats) are passed over.
 */
final class KeepAlive {
    private static final String PREFIX = "nk-";

    private final WsSession session;
    private final Conn conn;
    private final long everyMillis;
    private final long timeoutMillis;
    private final LongConsumer roundTrip;
    private final Object lock = new Object();
    private long answered; // the highest ping number answered; guarded by lock
    private long answeredAt; // guarded by lock
    private volatile boolean timedOut;
    private volatile long pongs;

    /** {@code roundTrip} gets each answered ping's round trip in nanoseconds. */
    KeepAlive(WsSession session, Conn conn, long everyMillis, long timeoutMillis, LongConsumer roundTrip) {
        this.session = session;
        this.conn = conn;
        this.everyMillis = everyMillis;
        this.timeoutMillis = timeoutMillis;
        this.roundTrip = roundTrip;
        session.onPong(this::pong);
    }

    boolean timedOut() {
        return timedOut;
    }

    long pongs() {
        return pongs;
    }

    private void pong(byte[] payload) {
        String text = new String(payload, StandardCharsets.US_ASCII);
        if (!text.startsWith(PREFIX)) {
            return;
        }
        try {
            long number = Long.parseLong(text.substring(PREFIX.length()));
            synchronized (lock) {
                if (number > answered) {
                    answered = number;
                    answeredAt = System.nanoTime();
                    lock.notifyAll();
                }
            }
        } catch (NumberFormatException notOurs) {
            // a pong nk did not ask for
        }
    }

    /** Runs until interrupted, the session closes, or a pong is late. */
    void run() {
        try {
            for (long number = 1; ; number++) {
                Thread.sleep(everyMillis);
                long sentAt = System.nanoTime();
                if (!session.ping((PREFIX + number).getBytes(StandardCharsets.US_ASCII))) {
                    return;
                }
                long rtt;
                synchronized (lock) {
                    long deadline = sentAt + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
                    for (long left = deadline - System.nanoTime(); answered < number && left > 0; left = deadline - System.nanoTime()) {
                        TimeUnit.NANOSECONDS.timedWait(lock, left);
                    }
                    if (answered < number) {
                        if (!session.closeSent()) { // while closing, the peer owes a close frame, not pongs
                            timedOut = true;
                            conn.close();
                        }
                        return;
                    }
                    rtt = answeredAt - sentAt;
                }
                pongs++;
                roundTrip.accept(rtt);
            }
        } catch (InterruptedException | IOException e) {
            // stopped, or the connection ended
        }
    }
}
