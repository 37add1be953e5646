package dev.netknife.chat;

import dev.netknife.io.Conn;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One connected client: its nickname and its outbound queue. A writer thread of its own drains
 * the queue, several lines per write, so a client that reads slowly only ever delays itself. The
 * queue is bounded in bytes; a line that does not fit means the client is too slow, and it is
 * disconnected rather than allowed to hold memory or the others back.
 */
final class Member {
    private static final byte[] STOP = new byte[0];

    final Conn conn;
    final String address;
    private final long maxQueueBytes;
    private final LinkedBlockingQueue<byte[]> queue = new LinkedBlockingQueue<>();
    private final AtomicLong queued = new AtomicLong();
    private final Thread writer;
    private volatile String nick;
    private volatile boolean dropped;

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

    /** Queues a line (with its newline); false when the queue is full: the caller disconnects this member. */
    boolean offer(byte[] line) {
        if (dropped) {
            return true;
        }
        if (queued.addAndGet(line.length) > maxQueueBytes) {
            queued.addAndGet(-line.length);
            return false;
        }
        queue.add(line);
        return true;
    }

    /** Stops taking lines; what is queued still goes out, then the writer ends. */
    void finish() {
        queue.add(STOP);
    }

    /** Drops the client at once: nothing more is written. */
    void drop() {
        dropped = true;
        conn.close();
        queue.add(STOP);
    }

    void awaitWriter() throws InterruptedException {
        writer.join(2000);
    }

    private void drain() {
        List<byte[]> batch = new ArrayList<>();
        try {
            while (true) {
                batch.add(queue.take());
                queue.drainTo(batch, 256);
                boolean stop = false;
                int bytes = 0;
                for (byte[] line : batch) {
                    stop |= line == STOP;
                    bytes += line.length;
                }
                if (!dropped && bytes > 0) {
                    conn.write(gather(batch, bytes));
                }
                batch.clear();
                queued.addAndGet(-bytes);
                if (stop) {
                    return;
                }
            }
        } catch (InterruptedException | IOException e) {
            conn.close(); // the client is gone; its reader sees the close and says goodbye for it
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
