package dev.netknife.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Relays bytes both ways between pairs of plain TCP connections on one selector thread: what
 * {@link Pipe} does with two virtual threads per pair, for a proxy of many small messages, where a
 * virtual thread's park, unpark and poller re-arm on every message cost more than the bytes
 * (bench/proxy-throughput). Semantics are Pipe's: an end of stream half-closes the other side and the
 * other direction goes on; an error closes both. Idle pairs hold no buffer: reads go through one
 * shared buffer and only bytes a slow receiver did not take yet are kept, while that direction's
 * reading pauses. A pair closed from outside (idle timeout, drain) is noticed within 250 ms.
 */
public final class SelectorRelay implements AutoCloseable {
    private static final long SWEEP_NANOS = 250_000_000L;

    private final Selector selector;
    private final Queue<Pair> incoming = new ConcurrentLinkedQueue<>();
    private final Set<Pair> pairs = new HashSet<>(); // the loop thread's
    private final ByteBuffer shared = ByteBuffer.allocateDirect(64 * 1024);
    private final Thread loop;
    private volatile boolean closed;

    public SelectorRelay() throws IOException {
        this.selector = Selector.open();
        this.loop = Thread.ofPlatform().daemon().name("nk-relay").start(this::run);
    }

    /** Starts relaying between {@code a} and {@code b}; completes when both directions ended or one failed (both are then closed). */
    public CompletableFuture<Pipe.Result> relay(TcpConn a, TcpConn b) {
        Pair pair = new Pair(a, b);
        incoming.add(pair);
        selector.wakeup();
        return pair.done;
    }

    /** One direction: bytes from {@code from} to {@code to}, and what {@code to} has not taken yet. */
    private static final class Direction {
        final TcpConn from;
        final TcpConn to;
        ByteBuffer pending;
        long bytes;
        boolean ended;

        Direction(TcpConn from, TcpConn to) {
            this.from = from;
            this.to = to;
        }
    }

    /** One connection's place in its pair: the direction it reads for and the one it writes for. */
    private record Side(Pair pair, Direction reads, Direction writes) {
    }

    private static final class Pair {
        final Direction aToB;
        final Direction bToA;
        final CompletableFuture<Pipe.Result> done = new CompletableFuture<>();
        SelectionKey keyA;
        SelectionKey keyB;

        Pair(TcpConn a, TcpConn b) {
            this.aToB = new Direction(a, b);
            this.bToA = new Direction(b, a);
        }
    }

    private void run() {
        long nextSweep = System.nanoTime() + SWEEP_NANOS;
        while (!closed) {
            try {
                selector.select(250);
            } catch (IOException e) {
                break;
            }
            for (Pair pair; (pair = incoming.poll()) != null; ) {
                register(pair);
            }
            for (SelectionKey key : selector.selectedKeys()) {
                Side side = (Side) key.attachment();
                try {
                    if (key.isWritable()) {
                        flush(side.writes());
                    }
                    if (key.isValid() && key.isReadable()) {
                        pump(side.reads());
                    }
                    if (!side.pair().done.isDone()) {
                        interest(side.pair());
                    }
                } catch (IOException | CancelledKeyException e) {
                    finish(side.pair(), e instanceof IOException io ? io : new IOException("connection closed", e));
                }
            }
            selector.selectedKeys().clear();
            if (System.nanoTime() - nextSweep > 0) {
                nextSweep = System.nanoTime() + SWEEP_NANOS;
                for (Pair pair : new ArrayList<>(pairs)) {
                    if (!pair.aToB.from.channel().isOpen() || !pair.bToA.from.channel().isOpen()) {
                        finish(pair, new IOException("connection closed"));
                    }
                }
            }
        }
        List<Pair> left = new ArrayList<>(pairs);
        left.addAll(incoming);
        for (Pair pair : left) {
            finish(pair, new IOException("relay closed"));
        }
    }

    private void register(Pair pair) {
        try {
            pair.aToB.from.channel().configureBlocking(false);
            pair.bToA.from.channel().configureBlocking(false);
            pair.keyA = pair.aToB.from.channel().register(selector, SelectionKey.OP_READ, new Side(pair, pair.aToB, pair.bToA));
            pair.keyB = pair.bToA.from.channel().register(selector, SelectionKey.OP_READ, new Side(pair, pair.bToA, pair.aToB));
            pairs.add(pair);
        } catch (IOException | RuntimeException e) {
            finish(pair, e instanceof IOException io ? io : new IOException(e.getMessage(), e));
        }
    }

    /** Reads what is there and passes it on; stops at a receiver that takes less (its rest waits in {@code pending}). */
    private void pump(Direction d) throws IOException {
        if (d.ended || d.pending != null) {
            return;
        }
        for (int i = 0; i < 4; i++) {
            shared.clear();
            int n = d.from.read(shared);
            if (n < 0) {
                d.ended = true;
                d.to.closeWrite();
                return;
            }
            if (n == 0) {
                return;
            }
            d.bytes += n;
            shared.flip();
            d.to.writeSome(shared);
            if (shared.hasRemaining()) {
                d.pending = ByteBuffer.allocate(shared.remaining()).put(shared).flip();
                return;
            }
            if (n < shared.capacity()) {
                return; // the socket is drained: another read would only say so (a system call per message saved)
            }
        }
    }

    private void flush(Direction d) throws IOException {
        if (d.pending != null) {
            d.to.writeSome(d.pending);
            if (!d.pending.hasRemaining()) {
                d.pending = null;
            }
        }
    }

    /** Read interest while a direction runs and nothing waits; write interest while bytes wait; done when both ended. */
    private void interest(Pair pair) {
        if (pair.aToB.ended && pair.bToA.ended) {
            finish(pair, null);
            return;
        }
        pair.keyA.interestOps(ops(pair.aToB, pair.bToA));
        pair.keyB.interestOps(ops(pair.bToA, pair.aToB));
    }

    private static int ops(Direction reads, Direction writes) {
        return (reads.ended || reads.pending != null ? 0 : SelectionKey.OP_READ) | (writes.pending != null ? SelectionKey.OP_WRITE : 0);
    }

    private void finish(Pair pair, IOException failure) {
        if (pair.done.isDone()) {
            return;
        }
        pairs.remove(pair);
        if (pair.keyA != null) {
            pair.keyA.cancel();
        }
        if (pair.keyB != null) {
            pair.keyB.cancel();
        }
        if (failure != null || (pair.aToB.ended && pair.bToA.ended)) {
            pair.aToB.from.close();
            pair.bToA.from.close();
        }
        pair.done.complete(new Pipe.Result(pair.aToB.bytes, pair.bToA.bytes, failure));
    }

    @Override
    public void close() {
        closed = true;
        selector.wakeup();
        try {
            loop.join(2_000);
            selector.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException ignored) {
            // the selector's own file descriptors: nothing to do if closing them fails
        }
    }
}
