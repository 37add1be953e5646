package dev.netknife.balance;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * Bytes delayed by a latency fault: each chunk is due its delay after it came, never before the chunk
 * ahead of it, and goes out on this line's own thread, so a stream is delayed once rather than once per
 * chunk. A half-close waits its turn behind the bytes. A writer waits while the line holds 4 MiB (a
 * link with that much in flight).
 */
final class DelayLine {
    static final int MAX_BYTES = 4 << 20;

    /** Where the bytes go when due. */
    interface Sink {
        void deliver(ByteBuffer data) throws IOException;

        /** The half-close, after every byte before it. */
        void end() throws IOException;

        /** Delivering failed (or the line was stopped): the connection is to close. */
        void failed();
    }

    private record Chunk(ByteBuffer data, long due, boolean end) {
    }

    private final Sink sink;
    private final ArrayDeque<Chunk> queue = new ArrayDeque<>();
    private final Thread thread;
    private long bytes;
    private long lastDue;
    private boolean failed;

    DelayLine(Sink sink) {
        this.sink = sink;
        this.thread = Thread.ofVirtual().name("nk-fault-delay").start(this::run);
    }

    synchronized boolean busy() {
        return !queue.isEmpty();
    }

    /** Queues a copy of {@code src}'s remaining bytes (consumed), due {@code delayNanos} from now. */
    synchronized void put(ByteBuffer src, long delayNanos) throws IOException {
        long now = System.nanoTime();
        while (bytes >= MAX_BYTES && !failed) {
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted");
            }
        }
        if (failed) {
            throw new IOException("the connection failed");
        }
        ByteBuffer copy = ByteBuffer.allocate(src.remaining()).put(src).flip();
        lastDue = Math.max(lastDue, now + delayNanos);
        queue.addLast(new Chunk(copy, lastDue, false));
        bytes += copy.capacity();
        notifyAll();
    }

    synchronized void end() {
        queue.addLast(new Chunk(null, lastDue, true));
        notifyAll();
    }

    void join() throws InterruptedException {
        thread.join();
    }

    void stop() {
        thread.interrupt();
    }

    private void run() {
        try {
            while (true) {
                Chunk chunk;
                synchronized (this) {
                    while (queue.isEmpty()) {
                        wait();
                    }
                    chunk = queue.peekFirst();
                }
                long wait = chunk.due() - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(java.time.Duration.ofNanos(wait));
                }
                if (chunk.end()) {
                    sink.end();
                    return;
                }
                sink.deliver(chunk.data());
                synchronized (this) {
                    queue.removeFirst();
                    bytes -= chunk.data().capacity();
                    notifyAll();
                }
            }
        } catch (InterruptedException | IOException e) {
            synchronized (this) {
                failed = true;
                queue.clear();
                notifyAll();
            }
            sink.failed();
        }
    }
}
