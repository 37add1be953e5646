package dev.netknife.io;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An output stream whose bytes a virtual thread of its own sends, so that the thread writing here
 * (a server's reader) goes on reading while the peer is slow to take what it is sent. A client
 * that sends much before it reads (the npm ws client queues every message it is given) then
 * never stalls on its own full buffers with our answer blocked behind it.
 *
 * <p>What waits to be sent is copied into direct buffers lent by the server's {@link Budget}:
 * up to {@code own} bytes per stream always, more only while the budget has room. Past that a write
 * waits until everything before it went out, then writes through on the caller's thread, as a
 * plain stream would: a peer that never reads holds at most its share and stalls only itself.
 * An idle stream holds no buffer. Bytes leave in the order they were written, each
 * {@link #flush()} (or a full buffer) makes what came before it ready to send; a failure to send is
 * thrown by the next call.
 *
 * <p>One thread writes to this stream at a time. {@link #close()} waits until everything went out;
 * it does not close the connection.
 */
public final class WriteBehind extends OutputStream {
    private static final int CHUNK = 64 * 1024;

    /**
     * What all the streams of one server share: the bytes they may hold for slow peers, and the
     * buffers that hold them. Drained buffers stay pooled, up to the whole budget: a direct buffer
     * let go is freed only when a garbage collection runs, which in a server that allocates little
     * may be never, so keeping it costs no more memory and spares faulting fresh pages in again.
     */
    public static final class Budget {
        private final Semaphore permits;
        private final BufferPool chunks;

        public Budget(int bytes) {
            this.permits = new Semaphore(bytes);
            this.chunks = new BufferPool(CHUNK, Math.max(1, bytes / CHUNK));
        }

        /** A quarter of the heap, at most 256 MiB. */
        public static Budget ofHeap() {
            return new Budget((int) Math.min(256L << 20, Runtime.getRuntime().maxMemory() / 4));
        }

        /** Free bytes (tests, logs). */
        public int available() {
            return permits.availablePermits();
        }

        /** Buffers lent to streams right now (tests). */
        public int buffersLent() {
            return chunks.lent();
        }

        boolean tryTake(long n) {
            return n <= Integer.MAX_VALUE && permits.tryAcquire((int) n);
        }

        void giveBack(long n) {
            permits.release((int) n);
        }
    }

    /** A lent buffer: the writer appends at {@code end}, the sender sends from {@code start}. */
    private static final class Chunk {
        final ByteBuffer buffer;
        int start;
        int end;
        int ready; // the end as of the last flush: what the sender may send

        Chunk(ByteBuffer buffer) {
            this.buffer = buffer;
        }
    }

    private final Conn conn;
    private final Budget budget;
    private final long own;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Chunk> chunks = new ArrayDeque<>();
    private long held; // written here, not sent yet
    private long fromBudget; // the part of held taken from the budget
    private boolean sending; // the sender is writing a piece of the first chunk
    private IOException failure;
    private boolean stopped;
    private Thread sender;

    /** {@code own}: bytes this stream may hold without asking the budget. */
    public WriteBehind(Conn conn, Budget budget, int own) {
        this.conn = conn;
        this.budget = budget;
        this.own = own;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return;
        }
        lock.lock();
        try {
            checkOpen();
            while (!reserve(len)) {
                if (held == 0) { // no room even with nothing waiting: write through, in order
                    lock.unlock();
                    try {
                        conn.write(ByteBuffer.wrap(b, off, len));
                    } finally {
                        lock.lock();
                    }
                    return;
                }
                publish();
                awaitChange();
            }
            for (int done = 0; done < len; ) {
                Chunk tail = chunks.peekLast();
                if (tail == null || tail.end == CHUNK) {
                    if (tail != null) {
                        tail.ready = CHUNK;
                        wakeSender();
                    }
                    tail = new Chunk(budget.chunks.acquire());
                    chunks.add(tail);
                }
                int n = Math.min(len - done, CHUNK - tail.end);
                tail.buffer.put(tail.end, b, off + done, n);
                tail.end += n;
                done += n;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Makes what was written ready to send; returns at once. */
    @Override
    public void flush() throws IOException {
        lock.lock();
        try {
            checkOpen();
            publish();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until everything written went out, then stops the sender. The connection stays open. */
    @Override
    public void close() throws IOException {
        lock.lock();
        try {
            if (stopped) {
                return;
            }
            try {
                checkOpen();
                publish();
                while (held > 0) {
                    awaitChange();
                }
            } finally {
                stop();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Stops at once; what was not sent is dropped (the connection is going away). */
    public void abandon() {
        lock.lock();
        try {
            if (!stopped) {
                stop();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Bytes written and not sent yet. */
    public long pending() {
        lock.lock();
        try {
            return held;
        } finally {
            lock.unlock();
        }
    }

    private void publish() {
        Chunk tail = chunks.peekLast();
        if (tail != null && tail.ready < tail.end) {
            tail.ready = tail.end;
            wakeSender();
        }
    }

    private void stop() {
        stopped = true;
        changed.signalAll();
        if (!sending) {
            dropAll();
        } // else the sender drops what is left when its write returns
    }

    private void dropAll() {
        for (Chunk c = chunks.poll(); c != null; c = chunks.poll()) {
            budget.chunks.release(c.buffer);
        }
        release(held);
    }

    /** Counts {@code len} more bytes as held: from this stream's own share, the rest from the budget. */
    private boolean reserve(long len) {
        long ownFree = Math.max(0, own - (held - fromBudget));
        long extra = Math.max(0, len - ownFree);
        if (extra > 0 && !budget.tryTake(extra)) {
            return false;
        }
        held += len;
        fromBudget += extra;
        return true;
    }

    private void release(long n) {
        held -= n;
        long back = Math.min(fromBudget, n);
        fromBudget -= back;
        if (back > 0) {
            budget.giveBack(back);
        }
        changed.signalAll();
    }

    private void wakeSender() {
        if (sender == null) {
            sender = Thread.ofVirtual().name("nk-write-behind").start(this::send);
        } else {
            changed.signalAll();
        }
    }

    private void awaitChange() throws IOException {
        try {
            changed.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting to send");
        }
        checkOpen();
    }

    private void checkOpen() throws IOException {
        if (failure != null) {
            throw failure;
        }
        if (stopped) {
            throw new IOException("the stream is closed");
        }
    }

    /** The sender's loop: the ready part of the first chunk, one write at a time, until stopped or failed. */
    private void send() {
        lock.lock();
        try {
            while (true) {
                Chunk first = chunks.peekFirst();
                while (!stopped && (first == null || first.start == first.ready)) {
                    changed.awaitUninterruptibly();
                    first = chunks.peekFirst();
                }
                if (stopped) {
                    return;
                }
                int from = first.start;
                int to = first.ready;
                sending = true;
                lock.unlock();
                IOException failed = null;
                try {
                    conn.write(first.buffer.slice(from, to - from));
                } catch (IOException | RuntimeException e) {
                    failed = e instanceof IOException io ? io : new IOException(e);
                } finally {
                    lock.lock();
                    sending = false;
                }
                if (failed != null) {
                    failure = failed;
                    return;
                }
                if (stopped) {
                    return;
                }
                first.start = to;
                if (first.start == first.end) {
                    chunks.poll();
                    budget.chunks.release(first.buffer); // drained: an idle stream holds no buffer
                }
                release(to - from);
            }
        } finally {
            if (stopped || failure != null) {
                dropAll();
            }
            lock.unlock();
        }
    }
}
