package dev.netknife.io;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Joins two connections both ways. When one side ends its stream the other side is half-closed
 * ({@link Conn#closeWrite()}) and the other direction goes on until it ends too; an error in
 * either direction closes both. Runs one direction on a new virtual thread, the other on the caller.
 */
public final class Pipe {

    /** Bytes moved each way, and the first failure if any. */
    public record Result(long aToB, long bToA, IOException failure) {
    }

    private final BufferPool pool;
    private final int probeSize;

    public Pipe(BufferPool pool) {
        this(pool, 1);
    }

    /** {@code probeSize}: see {@link Mover#copy(Conn, Conn, BufferPool, Tap, int)}. */
    public Pipe(BufferPool pool, int probeSize) {
        this.pool = pool;
        this.probeSize = probeSize;
    }

    public Result join(Conn a, Conn b) throws InterruptedException {
        AtomicReference<IOException> failure = new AtomicReference<>();
        long[] aToB = new long[1];
        Thread upstream = Thread.startVirtualThread(() -> aToB[0] = oneWay(a, b, failure));
        long bToA = oneWay(b, a, failure);
        upstream.join();
        return new Result(aToB[0], bToA, failure.get());
    }

    private long oneWay(Conn from, Conn to, AtomicReference<IOException> failure) {
        try {
            long n = Mover.copy(from, to, pool, null, probeSize);
            to.closeWrite();
            return n;
        } catch (IOException e) {
            if (failure.compareAndSet(null, e)) {
                from.close();
                to.close();
            }
            return 0;
        }
    }
}
