package dev.netknife.io;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.LockSupport;

/**
 * A connection on a non-blocking socket descriptor of {@link AbstractSockets}. A read or write that would
 * block waits in Java (parking 1 ms, backing off to 20 ms) rather than in native code, so a waiting virtual
 * thread gives its carrier back; the cost is up to 20 ms of latency after a quiet spell. Its addresses show
 * as {@code unix:@name}.
 */
final class FdConn extends SocketStreams {
    private static final long MAX_WAIT_NANOS = 20_000_000;
    private static final int CHUNK = 16 * 1024;

    private final AbstractSockets sockets;
    private final int fd;
    private final InetSocketAddress address;
    private final Timings timings;
    private final byte[] readBuffer = new byte[CHUNK];
    private final byte[] writeBuffer = new byte[CHUNK];
    /** Every call on the descriptor holds the read lock (they never wait), close the write lock: no call reaches a closed, reused fd. */
    private final java.util.concurrent.locks.ReentrantReadWriteLock use = new java.util.concurrent.locks.ReentrantReadWriteLock();
    private volatile boolean closed;

    FdConn(AbstractSockets sockets, int fd, String name, Timings timings) {
        this.sockets = sockets;
        this.fd = fd;
        this.address = InetSocketAddress.createUnresolved(Endpoint.UNIX_PREFIX + "@" + name, 0);
        this.timings = timings;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        long wait = 1_000_000;
        while (true) {
            long n = call(() -> sockets.read(fd, readBuffer, 0, Math.min(dst.remaining(), CHUNK)));
            if (n > 0) {
                dst.put(readBuffer, 0, (int) n);
                countIn((int) n);
                return (int) n;
            }
            if (n == 0) {
                return -1;
            }
            if (n != -AbstractSockets.EAGAIN && n != -AbstractSockets.EINTR) {
                throw new IOException("read failed (errno " + -n + ")");
            }
            LockSupport.parkNanos(wait);
            wait = Math.min(MAX_WAIT_NANOS, wait * 2);
        }
    }

    @Override
    public void write(ByteBuffer src) throws IOException {
        long wait = 1_000_000;
        while (src.hasRemaining()) {
            int length = Math.min(src.remaining(), CHUNK);
            src.get(src.position(), writeBuffer, 0, length);
            long n = call(() -> sockets.write(fd, writeBuffer, 0, length));
            if (n > 0) {
                src.position(src.position() + (int) n);
                countOut((int) n);
                wait = 1_000_000;
            } else if (n == -AbstractSockets.EAGAIN || n == -AbstractSockets.EINTR) {
                LockSupport.parkNanos(wait);
                wait = Math.min(MAX_WAIT_NANOS, wait * 2);
            } else {
                throw new IOException(n == -32 ? "Broken pipe" : "write failed (errno " + -n + ")");
            }
        }
    }

    private long call(java.util.function.LongSupplier syscall) throws IOException {
        use.readLock().lock();
        try {
            if (closed) {
                throw new IOException("Socket closed");
            }
            return syscall.getAsLong();
        } finally {
            use.readLock().unlock();
        }
    }

    @Override
    public int available() {
        return 0;
    }



    @Override
    public void closeWrite() throws IOException {
        call(() -> sockets.shutdown(fd, 1));
    }

    @Override
    public InetSocketAddress localAddress() {
        return address;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return address;
    }

    @Override
    public Timings timings() {
        return timings;
    }

    /** Closes once; a reader or writer waiting in Java sees it at its next look (within 20 ms). */
    @Override
    public void close() {
        use.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                sockets.shutdown(fd, 2);
                sockets.close(fd);
            }
        } finally {
            use.writeLock().unlock();
        }
    }
}
