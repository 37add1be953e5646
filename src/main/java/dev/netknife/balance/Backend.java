package dev.netknife.balance;

import dev.netknife.NkException;
import dev.netknife.io.Endpoint;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** One backend server: where it is, its weight, whether it is up, and its counters. */
public final class Backend {

    /** Counters at one moment, for the stats table, JSON and Prometheus. */
    public record Snapshot(String name, int weight, boolean up, int active, long total, long failures, long bytesIn, long bytesOut,
            double connectMillis, String why) {
    }

    private final Endpoint endpoint;
    private final java.nio.file.Path unixSocket;
    private final int weight;
    private final AtomicInteger active = new AtomicInteger();
    private final LongAdder total = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private volatile boolean up = true;
    private volatile long downUntilNanos;
    private volatile String why = "";
    private volatile double connectMillis = -1;
    private int passes;
    private int fails;
    /** Smooth weighted round-robin state (guarded by the balancer). */
    int current;

    Backend(Endpoint endpoint, int weight) {
        this(endpoint, null, weight);
    }

    private Backend(Endpoint endpoint, java.nio.file.Path unixSocket, int weight) {
        this.endpoint = endpoint;
        this.unixSocket = unixSocket;
        this.weight = weight;
    }

    /** {@code HOST:PORT}, or {@code unix:PATH} for a Unix domain socket; either with {@code =WEIGHT} (1 to 1000). */
    public static Backend parse(String text) {
        int eq = text.lastIndexOf('=');
        int weight = 1;
        String where = text;
        if (eq > 0) {
            where = text.substring(0, eq);
            try {
                weight = Integer.parseInt(text.substring(eq + 1));
            } catch (NumberFormatException e) {
                weight = -1;
            }
            if (weight < 1 || weight > 1000) {
                throw NkException.usage("bad weight in backend '" + text + "' (1 to 1000)");
            }
        }
        if (where.startsWith(Endpoint.UNIX_PREFIX)) {
            String path = where.substring(Endpoint.UNIX_PREFIX.length());
            if (path.isEmpty() || path.equals("@")) {
                throw NkException.usage("backend '" + text + "': give the socket's path (unix:/run/app.sock) or abstract name (unix:@name)");
            }
            return new Backend(new Endpoint("localhost", 0), java.nio.file.Path.of(path), weight);
        }
        Endpoint endpoint = Endpoint.parse(where);
        return new Backend(endpoint, weight);
    }

    /** A new connection to this backend. */
    public dev.netknife.io.Conn dial(dev.netknife.io.Dialer dialer) {
        return unixSocket != null ? dialer.dialUnix(unixSocket) : dialer.dial(endpoint);
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    public int weight() {
        return weight;
    }

    public String name() {
        return unixSocket != null ? Endpoint.UNIX_PREFIX + unixSocket : endpoint.toString();
    }

    /** Up, or down but past its fail timeout (then one client may try it: passive recovery). */
    boolean usable(long now) {
        return up || (downUntilNanos != 0 && now - downUntilNanos >= 0);
    }

    public boolean up() {
        return up;
    }

    int active() {
        return active.get();
    }

    void opened() {
        active.incrementAndGet();
        total.increment();
    }

    void closed(long in, long out) {
        active.decrementAndGet();
        bytesIn.add(in);
        bytesOut.add(out);
    }

    /** A connect that worked: the backend is up again if it was down. Returns true if that is news. */
    synchronized boolean connected(double millis) {
        connectMillis = connectMillis < 0 ? millis : connectMillis * 0.8 + millis * 0.2;
        boolean news = !up;
        up = true;
        downUntilNanos = 0;
        why = "";
        fails = 0;
        return news;
    }

    /** A connect that failed (passive check): down now; {@code retryAfterNanos} 0 = only an active check brings it back. */
    synchronized boolean failed(String reason, long retryAfterNanos) {
        failures.increment();
        boolean news = up;
        up = false;
        why = reason;
        passes = 0;
        downUntilNanos = retryAfterNanos == 0 ? 0 : System.nanoTime() + retryAfterNanos;
        return news;
    }

    /** An active check's verdict with rise/fall thresholds; returns true when the state changed. */
    synchronized boolean checked(boolean ok, String reason, int rise, int fall) {
        if (ok) {
            fails = 0;
            if (!up && ++passes >= rise) {
                up = true;
                why = "";
                downUntilNanos = 0;
                return true;
            }
        } else {
            passes = 0;
            why = reason;
            if (up && ++fails >= fall) {
                up = false;
                downUntilNanos = 0;
                return true;
            }
        }
        return false;
    }

    public String why() {
        return why;
    }

    public Snapshot snapshot() {
        return new Snapshot(name(), weight, up, active.get(), total.sum(), failures.sum(), bytesIn.sum(), bytesOut.sum(), connectMillis, why);
    }
}
