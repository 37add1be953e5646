package dev.netknife.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on 127.0.0.1 (port 0) that forwards to a target and injects one fault: added
 * latency, a bandwidth cap, a reset (RST, SO_LINGER 0) of both sides after N bytes from the
 * target, or a black hole that accepts, reads and discards, and never answers. {@link
 * #droppingSyns()} is the other black hole: a listener whose accept queue is full, so the kernel
 * drops SYNs and connects hang as behind a firewall. Each connection runs on virtual threads;
 * {@link #close()} ends them all.
 */
public final class FaultProxy implements AutoCloseable {
    private enum Mode {
        LATENCY, BANDWIDTH, RESET, BLACK_HOLE, DROP_SYN
    }

    private static final int CHUNK = 16 * 1024;

    private final ServerSocket listener;
    private final Mode mode;
    private final SocketAddress target;
    private final long amount;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger resets = new AtomicInteger();

    private FaultProxy(Mode mode, SocketAddress target, long amount) throws IOException {
        this.mode = mode;
        this.target = target;
        this.amount = amount;
        this.listener = new ServerSocket(0, mode == Mode.DROP_SYN ? 1 : 512, InetAddress.getLoopbackAddress());
        if (mode == Mode.DROP_SYN) {
            fillBacklog();
        } else {
            Thread.ofVirtual().name("fault-proxy-accept").start(this::acceptLoop);
        }
    }

    /** Each chunk reaches the other side {@code millis} after it was read, in both directions. */
    public static FaultProxy latency(int targetPort, long millis) throws IOException {
        return new FaultProxy(Mode.LATENCY, local(targetPort), millis);
    }

    /** Target-to-client bytes flow at no more than {@code bytesPerSecond} (client-to-target is not capped). */
    public static FaultProxy bandwidth(int targetPort, long bytesPerSecond) throws IOException {
        return new FaultProxy(Mode.BANDWIDTH, local(targetPort), bytesPerSecond);
    }

    /** After {@code bytes} from the target reached the client, both connections are reset (SO_LINGER 0 close). */
    public static FaultProxy resetAfter(int targetPort, long bytes) throws IOException {
        return new FaultProxy(Mode.RESET, local(targetPort), bytes);
    }

    /** Accepts, reads and discards everything, never connects anywhere and never sends a byte. */
    public static FaultProxy blackHole() throws IOException {
        return new FaultProxy(Mode.BLACK_HOLE, null, 0);
    }

    /** A port where connects time out: its accept queue is full, so the kernel drops every new SYN. */
    public static FaultProxy droppingSyns() throws IOException {
        return new FaultProxy(Mode.DROP_SYN, null, 0);
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Connections accepted so far (not counting those that fill the queue of {@link #droppingSyns()}). */
    public int accepted() {
        return accepted.get();
    }

    /** Connections reset so far in {@link #resetAfter} mode. */
    public int resets() {
        return resets.get();
    }

    private static SocketAddress local(int port) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    /** Linux queues backlog + 1 connections; then SYNs are dropped (tcp_abort_on_overflow 0, the default). */
    private void fillBacklog() throws IOException {
        for (int i = 0; i < 8; i++) {
            Socket s = new Socket();
            sockets.add(s);
            try {
                s.connect(listener.getLocalSocketAddress(), 200);
            } catch (IOException e) {
                return; // the queue is full
            }
        }
        throw new IOException("the accept queue of port " + port() + " never filled up");
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return;
            }
            accepted.incrementAndGet();
            sockets.add(client);
            Thread.ofVirtual().name("fault-proxy-conn").start(() -> serve(client));
        }
    }

    private void serve(Socket client) {
        try {
            if (mode == Mode.BLACK_HOLE) {
                client.getInputStream().transferTo(OutputStream.nullOutputStream());
                return; // the client closed; keep our side open and silent until close()
            }
            Socket upstream = new Socket();
            sockets.add(upstream);
            upstream.connect(target, 2000);
            Thread up = Thread.ofVirtual().start(() -> forward(client, upstream, false));
            forward(upstream, client, true);
            up.join(TimeUnit.SECONDS.toMillis(10));
        } catch (IOException | InterruptedException e) {
            closeQuietly(client);
        }
    }

    /** Copies {@code from} to {@code to} with the fault applied; {@code down} is the target-to-client direction. */
    private void forward(Socket from, Socket to, boolean down) {
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            switch (mode) {
                case LATENCY -> delayed(in, out);
                case BANDWIDTH -> capped(in, out, down ? amount : Long.MAX_VALUE);
                case RESET -> {
                    if (resetting(in, out, down ? amount : Long.MAX_VALUE)) {
                        reset(to);
                        reset(from);
                        return;
                    }
                }
                default -> throw new IllegalStateException(mode.name());
            }
            to.shutdownOutput(); // pass the half-close on
        } catch (IOException e) {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private void delayed(InputStream in, OutputStream out) throws IOException {
        record Due(long atNanos, byte[] bytes) {
        }
        LinkedBlockingQueue<Due> queue = new LinkedBlockingQueue<>();
        AtomicLong failed = new AtomicLong();
        Thread writer = Thread.ofVirtual().start(() -> {
            try {
                for (Due d = queue.take(); d.bytes().length > 0; d = queue.take()) {
                    long wait = d.atNanos() - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    out.write(d.bytes());
                }
            } catch (IOException | InterruptedException e) {
                failed.incrementAndGet();
            }
        });
        byte[] buffer = new byte[CHUNK];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            queue.add(new Due(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(amount), Arrays.copyOf(buffer, n)));
        }
        queue.add(new Due(0, new byte[0]));
        try {
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (failed.get() > 0) {
            throw new IOException("the delayed write failed");
        }
    }

    private static void capped(InputStream in, OutputStream out, long bytesPerSecond) throws IOException {
        long start = System.nanoTime();
        long sent = 0;
        int slice = (int) Math.clamp(bytesPerSecond / 20, 1, CHUNK);
        byte[] buffer = new byte[slice];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            out.write(buffer, 0, n);
            sent += n;
            long due = start + (long) (sent * 1e9 / bytesPerSecond);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(wait);
                } catch (InterruptedException e) {
                    throw new IOException("interrupted", e);
                }
            }
        }
    }

    /** Passes {@code limit} bytes on; true when the limit was reached (the caller resets), false at the end of input. */
    private boolean resetting(InputStream in, OutputStream out, long limit) throws IOException {
        long left = limit;
        byte[] buffer = new byte[CHUNK];
        int n;
        while ((n = in.read(buffer, 0, (int) Math.min(buffer.length, left))) >= 0) {
            out.write(buffer, 0, n);
            left -= n;
            if (left == 0) {
                resets.incrementAndGet();
                return true;
            }
        }
        return false;
    }

    /** Close with SO_LINGER 0: the peer gets a RST instead of a FIN. */
    private static void reset(Socket s) {
        try {
            s.setSoLinger(true, 0);
        } catch (IOException e) {
            // already closed
        }
        closeQuietly(s);
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // going away anyway
        }
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException ignored) {
            // going away anyway
        }
        for (Socket s : List.copyOf(sockets)) {
            closeQuietly(s);
        }
    }
}
