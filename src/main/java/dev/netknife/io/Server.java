package dev.netknife.io;

import dev.netknife.ExitCode;
import dev.netknife.NkException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * A TCP server with one virtual thread per connection.
 *
 * <p>{@link #serve()} runs the accept loop on the calling thread. With {@code maxConns} set, the loop
 * stops accepting while that many connections are open, so further clients wait in the kernel's
 * listen backlog (as HAProxy's maxconn does) instead of being refused. A client over its
 * per-IP connection rate is accepted and closed at once. Each connection's thread runs the
 * handler inside one try/finally that always closes the connection and returns its slot.
 */
public final class Server implements AutoCloseable {

    /** {@code maxConns} 0 = unlimited; {@code idleTimeoutMillis} 0 = none; {@code ratePerClient} null = none. */
    public record Config(InetAddress bind, int port, int maxConns, long idleTimeoutMillis, Rate ratePerClient) {
    }

    /** Runs on the connection's own virtual thread; the server closes the connection afterwards. */
    @FunctionalInterface
    public interface Handler {
        void handle(Conn conn) throws IOException;
    }

    /** Lifecycle events, for logs. Called on the connection's thread (accept thread for rejects). */
    public interface Events {
        default void opened(Conn conn) {
        }

        /** {@code failure} is null for a clean end; {@code idle} is true when the idle timeout closed it. */
        default void closed(Conn conn, Throwable failure, boolean idle) {
        }

        default void rejected(InetSocketAddress client, String reason) {
        }
    }

    /** Counters since start. */
    public record Stats(long accepted, long rejected, int active, long bytesIn, long bytesOut) {
    }

    private static final int BACKLOG = 4096;

    private final Acceptor listener;
    private final Config config;
    private final Handler handler;
    private final Events events;
    private final InetSocketAddress address;
    private final java.nio.file.Path unixPath;
    private final Semaphore slots;
    private final RateLimiter<InetAddress> rateLimiter;
    private final IdleWatch idleWatch;
    private final Set<Conn> open = ConcurrentHashMap.newKeySet();
    private final LongAdder accepted = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final AtomicInteger active = new AtomicInteger();
    private volatile boolean closing;

    /** Where clients come from: a listening channel, or a Linux abstract socket name ({@link AbstractListener}). */
    interface Acceptor extends java.io.Closeable {
        /** The next client (blocking); ClosedChannelException once closed. */
        Conn accept() throws IOException;
    }

    private record ChannelAcceptor(ServerSocketChannel channel) implements Acceptor {
        @Override
        public Conn accept() throws IOException {
            SocketChannel client = channel.accept();
            try {
                return new TcpConn(client, Timings.NONE);
            } catch (IOException e) {
                client.close(); // the client vanished between accept and set-up
                throw e;
            }
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    private Server(Acceptor listener, InetSocketAddress address, Config config, Handler handler, Events events, java.nio.file.Path unixPath) {
        this.listener = listener;
        this.config = config;
        this.handler = handler;
        this.events = events;
        this.address = address;
        this.unixPath = unixPath;
        this.slots = config.maxConns() > 0 ? new Semaphore(config.maxConns()) : null;
        this.rateLimiter = config.ratePerClient() != null ? new RateLimiter<>(config.ratePerClient()) : null;
        this.idleWatch = config.idleTimeoutMillis() > 0 ? new IdleWatch(config.idleTimeoutMillis()) : null;
    }

    /** Binds the listening socket; a failure (port in use, no permission) is exit 1 with the reason. */
    public static Server bind(Config config, Handler handler, Events events) {
        InetSocketAddress at = new InetSocketAddress(config.bind(), config.port());
        ServerSocketChannel listener = null;
        try {
            listener = ServerSocketChannel.open();
            listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            listener.bind(at, BACKLOG);
            return new Server(new ChannelAcceptor(listener), TcpConn.inet(listener.getLocalAddress()), config, handler, events, null);
        } catch (IOException e) {
            if (listener != null) {
                try {
                    listener.close();
                } catch (IOException ignored) {
                    // already failing
                }
            }
            throw new NkException(ExitCode.FAILURE, null, "cannot listen on "
                    + Endpoint.format(Endpoint.text(config.bind()), config.port()) + ": " + e.getMessage(), e);
        }
    }

    /**
     * Binds a Unix domain socket at {@code path} ({@code config}'s address and port unused). A socket file
     * left there by a server that is gone is replaced; one something still listens on, or a file that is
     * not a socket, is an error. The socket file is removed on {@link #close}.
     */
    public static Server bindUnix(java.nio.file.Path path, Config config, Handler handler, Events events) {
        if (path.toString().startsWith("@")) {
            return bindAbstract(path.toString().substring(1), config, handler, events);
        }
        ServerSocketChannel listener = null;
        try {
            removeStaleSocket(path);
            listener = ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX);
            listener.bind(java.net.UnixDomainSocketAddress.of(path), BACKLOG);
            return new Server(new ChannelAcceptor(listener), TcpConn.inet(listener.getLocalAddress()), config, handler, events, path);
        } catch (IOException e) {
            if (listener != null) {
                try {
                    listener.close();
                } catch (IOException ignored) {
                    // already failing
                }
            }
            throw new NkException(ExitCode.FAILURE, null, "cannot listen on " + Endpoint.UNIX_PREFIX + path + ": " + e.getMessage(), e);
        }
    }

    /** Listens on a Linux abstract name ({@link AbstractSockets}); no file, so nothing to clean up. */
    private static Server bindAbstract(String name, Config config, Handler handler, Events events) {
        String where = Endpoint.UNIX_PREFIX + "@" + name;
        try {
            return new Server(AbstractListener.listen(name, BACKLOG), InetSocketAddress.createUnresolved(where, 0), config, handler, events, null);
        } catch (IOException e) {
            throw new NkException(ExitCode.FAILURE, null, "cannot listen on " + where + ": " + e.getMessage(), e);
        }
    }

    static void removeStaleSocket(java.nio.file.Path path) throws IOException {
        if (!java.nio.file.Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        int mode = (Integer) java.nio.file.Files.getAttribute(path, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS);
        if ((mode & 0170000) != 0140000) {
            throw new IOException("it exists and is not a socket");
        }
        try (java.nio.channels.SocketChannel probe = java.nio.channels.SocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            probe.connect(java.net.UnixDomainSocketAddress.of(path));
            throw new IOException("a server already listens there");
        } catch (java.net.ConnectException e) {
            java.nio.file.Files.deleteIfExists(path); // nothing listens: a socket file left behind
        }
    }

    public InetSocketAddress address() {
        return address;
    }

    /** Accepts until {@link #close()}. */
    public void serve() {
        while (!closing) {
            try {
                if (slots != null) {
                    slots.acquire();
                }
                Conn conn;
                try {
                    conn = listener.accept();
                } catch (IOException | RuntimeException e) {
                    release();
                    throw e;
                }
                start(conn);
            } catch (ClosedChannelException e) {
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (IOException e) {
                if (closing) {
                    return;
                }
                // accept can fail for one client (aborted before accept, out of fds): back off briefly, keep serving
                rejected.increment();
                events.rejected(null, e.getMessage());
                sleepQuietly(10);
            }
        }
    }

    private void start(Conn conn) {
        InetSocketAddress client = conn.remoteAddress();
        if (rateLimiter != null && client != null && !client.isUnresolved() && !rateLimiter.tryAcquire(client.getAddress())) {
            rejected.increment();
            conn.close();
            release();
            events.rejected(client, "over the connection rate " + rateLimiter.rate());
            return;
        }
        accepted.increment();
        active.incrementAndGet();
        open.add(conn);
        Thread.startVirtualThread(() -> run(conn));
    }

    private void run(Conn conn) {
        Throwable failure = null;
        try {
            if (idleWatch != null) {
                idleWatch.watch(conn);
            }
            events.opened(conn);
            handler.handle(conn);
        } catch (IOException | RuntimeException e) {
            failure = e;
        } finally {
            boolean idle = idleWatch != null && idleWatch.unwatch(conn);
            conn.close();
            events.closed(conn, closing && !idle ? null : failure, idle);
            // counted before it leaves the open set: a concurrent stats() may count it twice, never zero times
            bytesIn.add(conn.bytesIn());
            bytesOut.add(conn.bytesOut());
            open.remove(conn);
            release();
            active.decrementAndGet(); // last: close() waits for this to reach 0
        }
    }

    private void release() {
        if (slots != null) {
            slots.release();
        }
    }

    public Stats stats() {
        long in = bytesIn.sum();
        long out = bytesOut.sum();
        for (Conn conn : open) {
            in += conn.bytesIn();
            out += conn.bytesOut();
        }
        return new Stats(accepted.sum(), rejected.sum(), active.get(), in, out);
    }

    /**
     * Stops accepting and lets open connections finish on their own for up to {@code timeoutMillis};
     * returns how many are still open ({@link #close()} then ends them).
     */
    public int drain(long timeoutMillis) {
        closing = true;
        try {
            listener.close();
        } catch (IOException ignored) {
            // the listener is gone either way
        }
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (active.get() > 0 && System.nanoTime() < deadline) {
            sleepQuietly(5);
            if (Thread.currentThread().isInterrupted()) {
                break;
            }
        }
        return active.get();
    }

    /**
     * Stops accepting and closes every open connection, then waits (briefly) for their threads to
     * finish, so that {@link #stats()} afterwards is final.
     */
    @Override
    public void close() {
        closing = true;
        try {
            listener.close();
            if (unixPath != null) {
                java.nio.file.Files.deleteIfExists(unixPath);
            }
        } catch (IOException ignored) {
            // the listener is gone either way
        }
        for (Conn conn : open) {
            conn.close();
        }
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (active.get() > 0 && System.nanoTime() < deadline) {
            sleepQuietly(2);
        }
        if (idleWatch != null) {
            idleWatch.close();
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
