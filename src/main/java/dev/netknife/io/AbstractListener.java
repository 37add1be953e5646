package dev.netknife.io;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.locks.LockSupport;

/**
 * A listening socket on a Linux abstract name ({@link AbstractSockets}): non-blocking, so accepting waits
 * in Java (parking 1 ms, backing off to 20 ms), never in native code.
 */
final class AbstractListener implements Server.Acceptor {
    private final AbstractSockets sockets;
    private final int fd;
    private final String name;
    private boolean closed;

    private AbstractListener(AbstractSockets sockets, int fd, String name) {
        this.sockets = sockets;
        this.fd = fd;
        this.name = name;
    }

    /** Listens on {@code name} (without its @); "the name is in use" when another socket has it. */
    static AbstractListener listen(String name, int backlog) throws IOException {
        AbstractSockets sockets = AbstractSockets.load();
        int fd = sockets.listen(name.getBytes(java.nio.charset.StandardCharsets.UTF_8), backlog);
        if (fd < 0) {
            throw new IOException(fd == -98 ? "the name is in use" : "errno " + -fd);
        }
        return new AbstractListener(sockets, fd, name);
    }

    @Override
    public Conn accept() throws IOException {
        long wait = 1_000_000;
        while (true) {
            int client;
            synchronized (this) { // accept4 never waits here; close() cannot free the descriptor under it
                if (closed) {
                    throw new ClosedChannelException();
                }
                client = sockets.accept(fd);
            }
            if (client >= 0) {
                return new FdConn(sockets, client, name, Timings.NONE);
            }
            if (client != -AbstractSockets.EAGAIN && client != -AbstractSockets.EINTR) {
                throw new IOException("accept failed (errno " + -client + ")");
            }
            if (Thread.currentThread().isInterrupted()) {
                throw new ClosedChannelException();
            }
            LockSupport.parkNanos(wait);
            wait = Math.min(20_000_000, wait * 2);
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            sockets.close(fd);
        }
    }
}
