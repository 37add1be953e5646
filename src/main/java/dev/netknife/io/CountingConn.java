package dev.netknife.io;

/** The byte counters and activity clock every {@link Conn} keeps; subclasses call {@link #countIn}/{@link #countOut}. */
public abstract class CountingConn implements Conn {
    private volatile long bytesIn;
    private volatile long bytesOut;
    private volatile long lastActivity = System.nanoTime();

    /** Called by the one reading thread. */
    protected final void countIn(int n) {
        bytesIn += n;
        lastActivity = System.nanoTime();
    }

    /** Called by the one writing thread. */
    protected final void countOut(int n) {
        bytesOut += n;
        lastActivity = System.nanoTime();
    }

    @Override
    public final long bytesIn() {
        return bytesIn;
    }

    @Override
    public final long bytesOut() {
        return bytesOut;
    }

    @Override
    public final long lastActivityNanos() {
        return lastActivity;
    }
}
