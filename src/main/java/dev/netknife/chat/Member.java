package dev.netknife.chat;

import dev.netknife.io.Conn;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One connected client: its nickname and its outbound queue. A writer thread of its own drains
 * the queue, up to 64 KiB per write, so a client that reads slowly only ever delays itself. The
 * queue is bounded in bytes; a line that does not fit means the client is too slow, and it is
 * disconnected rather than allowed to hold memory. Senders wait for a member that is behind but
 * still reading ({@link #awaitRoom}), so a flood slows down to the pace of its slowest live reader.
 */
final class Member {
    private static final byte[] STOP = new byte[0];
    private static final int MAX_WRITE = 64 * 1024;

    final Conn conn;
    final String address;
    private final long maxQueueBytes;
    private final LinkedBlockingQueue<byte[]> queue = new LinkedBlockingQueue<>();
    private final AtomicLong queued = new AtomicLong();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wrote = lock.newCondition();
    /** When the write in progress began (System.nanoTime), 0 when the writer is not in a write: the stall clock. */
    private volatile long writeStarted;
    private volatile boolean writerDone;
    private final Thread writer;
    private volatile String nick;
    private final AtomicBoolean dropped = new AtomicBoolean();

    Member(Conn conn, String address, long maxQueueBytes) {
        this.conn = conn;
        this.address = address;
        this.maxQueueBytes = maxQueueBytes;
        this.writer = Thread.ofVirtual().name("nk-chat-writer").start(this::drain);
    }

    String nick() {
        return nick;
    }

    void nick(String nick) {
        this.nick = nick;
    }

    long queued() {
        return queued.get();
    }

    /** Queues a line (with its newline); false when the queue is full: the caller disconnects this member. */
    boolean offer(byte[] line) {
        if (dropped.get()) {
            return true;
        }
        if (queued.addAndGet(line.length) > maxQueueBytes) {
            queued.addAndGet(-line.length);
            return false;
        }
        queue.add(line);
        return true;
    }

    /**
     * Waits while more than {@code highWater} bytes are queued and the client still takes them.
     * False when one write to it has been blocked for {@code graceNanos}: the client is stalled.
     */
    boolean awaitRoom(long highWater, long graceNanos) throws InterruptedException {
        if (queued.get() <= highWater) {
            return true;
        }
        lock.lock();
        try {
            while (queued.get() > highWater && !dropped.get() && !writerDone) {
                long started = writeStarted;
                long blockedFor = started == 0 ? 0 : System.nanoTime() - started;
                if (blockedFor >= graceNanos) {
                    return false;
                }
                wrote.awaitNanos(graceNanos - blockedFor);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Stops taking lines; what is queued still goes out, then the writer ends. */
    void finish() {
        queue.add(STOP);
    }

    /** Drops the client at once: nothing more is written. False when it was dropped before. */
    boolean drop() {
        if (!dropped.compareAndSet(false, true)) {
            return false;
        }
        conn.close();
        queue.add(STOP);
        signal(0);
        return true;
    }

    void awaitWriter() throws InterruptedException {
        writer.join(2000);
    }

    private void drain() {
        List<byte[]> batch = new ArrayList<>();
        try {
            while (true) {
                byte[] first = queue.take();
                batch.add(first);
                int bytes = first.length;
                boolean stop = first == STOP;
                for (byte[] next; !stop && bytes < MAX_WRITE && (next = queue.poll()) != null; ) {
                    batch.add(next);
                    bytes += next.length;
                    stop = next == STOP;
                }
                if (!dropped.get() && bytes > 0) {
                    writeStarted = Math.max(1, System.nanoTime());
                    conn.write(gather(batch, bytes));
                    writeStarted = 0;
                }
                batch.clear();
                signal(bytes);
                if (stop) {
                    return;
                }
            }
        } catch (InterruptedException | IOException e) {
            conn.close(); // the client is gone; its reader sees the close and says goodbye for it
        } finally {
            writerDone = true;
            signal(0);
        }
    }

    /** Counts {@code written} bytes as gone and wakes the senders waiting for room. */
    private void signal(int written) {
        queued.addAndGet(-written);
        lock.lock();
        try {
            wrote.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The batch as one buffer made for this write: a member that waits holds no buffer (a server holds thousands). */
    private static ByteBuffer gather(List<byte[]> batch, int bytes) {
        if (batch.size() == 1) {
            return ByteBuffer.wrap(batch.getFirst());
        }
        ByteBuffer out = ByteBuffer.allocate(bytes);
        for (byte[] line : batch) {
            out.put(line);
        }
        return out.flip();
    }
}
