package dev.netknife.balance;

import dev.netknife.io.Conn;
import dev.netknife.io.ForwardingConn;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One end of a proxied connection, as the bytes going to it see the faults: writes to it are held (a
 * black hole), delayed (latency and jitter, through a delay line so that the bytes behind do not wait
 * twice), paced (bandwidth), cut into slices, or end in a reset or a close after so many bytes. Reads
 * pass straight through. The faults are read again for every chunk, so changes act at once.
 */
final class FaultyConn extends ForwardingConn {
    /** A held write looks at the faults again at least this often. */
    private static final long HOLD_POLL_MILLIS = 100;
    /** Bandwidth is paced in pieces of 1/50 s of the rate (at most 16 KiB): within 2% over any second. */
    private static final int PACE_PIECES_PER_SECOND = 50;

    private final Fault.Direction way;
    private final FaultSession session;
    private long delivered;
    private long nextFree;
    private long heldSince;
    private DelayLine line;

    /** {@code way}: the direction of the bytes written to {@code conn} (downstream when it is the client). */
    FaultyConn(Conn conn, Fault.Direction way, FaultSession session) {
        super(conn);
        this.way = way;
        this.session = session;
    }

    @Override
    public void write(ByteBuffer src) throws IOException {
        List<Fault> acting = holdWhileBlackHoled();
        Fault latency = first(acting, Fault.Kind.LATENCY);
        DelayLine l = line;
        if (latency != null || (l != null && l.busy())) {
            delayLine().put(src, delay(latency));
            return;
        }
        deliver(src, acting);
    }

    /** The latency plus a draw of its jitter, evenly either side; 0 without latency. */
    private static long delay(Fault latency) {
        if (latency == null) {
            return 0;
        }
        long jitter = latency.extra() == 0 ? 0 : ThreadLocalRandom.current().nextLong(-latency.extra(), latency.extra() + 1);
        return Math.max(0, latency.amount() + jitter);
    }

    /** Waits while a timeout fault acts (the bytes stay with nk, nothing is lost); closes both ends when its time is up. */
    private List<Fault> holdWhileBlackHoled() throws IOException {
        while (true) {
            List<Fault> all = session.faults().active();
            List<Fault> acting = session.acting(all, way);
            Fault hole = first(acting, Fault.Kind.TIMEOUT);
            if (hole == null) {
                heldSince = 0;
                return acting;
            }
            if (!conn.isOpen()) {
                throw new IOException("closed while a timeout fault held its bytes"); // an idle timeout or a drain
            }
            long now = System.nanoTime();
            if (heldSince == 0) {
                heldSince = now;
            }
            long left = hole.amount() == 0 ? HOLD_POLL_MILLIS : hole.amount() - TimeUnit.NANOSECONDS.toMillis(now - heldSince);
            if (left <= 0) {
                session.close(hole, "closed the connection after holding its bytes for " + hole.amount() + " ms");
                throw new IOException("closed by the timeout fault " + hole.name());
            }
            try {
                session.faults().awaitChange(all, Math.min(left, HOLD_POLL_MILLIS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted");
            }
        }
    }

    /** Writes {@code data} as the limit, slice and bandwidth faults say (on the caller's or the delay line's thread). */
    private void deliver(ByteBuffer data, List<Fault> acting) throws IOException {
        Fault limit = null;
        long allowed = Long.MAX_VALUE;
        for (Fault f : acting) {
            if ((f.kind() == Fault.Kind.RESET_AFTER || f.kind() == Fault.Kind.CLOSE_AFTER) && f.amount() - delivered < allowed) {
                allowed = Math.max(0, f.amount() - delivered);
                limit = f;
            }
        }
        if (limit != null && data.remaining() >= allowed) {
            paced(data.duplicate().limit(data.position() + (int) allowed), acting);
            data.position(data.limit());
            if (limit.kind() == Fault.Kind.RESET_AFTER) {
                session.reset(limit);
                throw new IOException("reset by the fault " + limit.name() + " after " + limit.amount() + " bytes");
            }
            session.close(limit, "closed the connection after " + limit.amount() + " bytes " + way.key());
            throw new IOException("closed by the fault " + limit.name() + " after " + limit.amount() + " bytes");
        }
        paced(data, acting);
    }

    private void paced(ByteBuffer data, List<Fault> acting) throws IOException {
        Fault slice = first(acting, Fault.Kind.SLICE);
        Fault bandwidth = first(acting, Fault.Kind.BANDWIDTH);
        if (slice == null && bandwidth == null) {
            delivered += data.remaining();
            conn.write(data);
            return;
        }
        long rate = bandwidth == null ? 0 : bandwidth.amount();
        int piece = slice != null ? (int) Math.min(slice.amount(), Integer.MAX_VALUE)
                : (int) Math.max(1, Math.min(16 * 1024, rate / PACE_PIECES_PER_SECOND));
        while (data.hasRemaining()) {
            int n = Math.min(piece, data.remaining());
            if (rate > 0) {
                long now = System.nanoTime();
                if (nextFree > now) {
                    sleepNanos(nextFree - now);
                }
                nextFree = Math.max(nextFree, now) + n * 1_000_000_000L / rate;
            }
            ByteBuffer part = data.duplicate().limit(data.position() + n);
            conn.write(part);
            delivered += n;
            data.position(data.position() + n);
            if (slice != null && data.hasRemaining()) {
                sleepNanos(slice.extra());
            }
        }
    }

    private static void sleepNanos(long nanos) throws InterruptedIOException {
        try {
            Thread.sleep(java.time.Duration.ofNanos(nanos));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        }
    }

    private static Fault first(List<Fault> acting, Fault.Kind kind) {
        for (Fault f : acting) {
            if (f.kind() == kind) {
                return f;
            }
        }
        return null;
    }

    private synchronized DelayLine delayLine() {
        if (line == null) {
            line = new DelayLine(new DelayLine.Sink() {
                @Override
                public void deliver(ByteBuffer data) throws IOException {
                    FaultyConn.this.deliver(data, session.acting(session.faults().active(), way));
                }

                @Override
                public void end() throws IOException {
                    conn.closeWrite();
                }

                @Override
                public void failed() {
                    conn.close();
                }
            });
        }
        return line;
    }

    /** Waits until the bytes in the delay line are delivered (or the connection failed). */
    void drain() throws InterruptedException {
        DelayLine l = line;
        if (l != null) {
            l.join();
        }
    }

    @Override
    public void closeWrite() throws IOException {
        DelayLine l = line;
        if (l != null) {
            l.end();
        } else {
            conn.closeWrite();
        }
    }

    @Override
    public void close() {
        DelayLine l = line;
        if (l != null) {
            l.stop();
        }
        if (session.resetting()) {
            conn.reset();
        } else {
            conn.close();
        }
    }
}
