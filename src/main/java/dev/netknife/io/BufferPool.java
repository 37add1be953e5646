package dev.netknife.io;

import java.nio.ByteBuffer;

/**
 * Large direct buffers lent to connections only while bytes are flowing, so an idle connection
 * holds none. Last in, first out, so the buffers in use stay warm in the CPU caches. Beyond
 * {@code maxPooled} free buffers, returned ones are left to the garbage collector.
 */
public final class BufferPool {
    public static final int DEFAULT_BUFFER_SIZE = 256 * 1024;

    private final int bufferSize;
    private final boolean direct;
    private final ByteBuffer[] free;
    private int count;
    private int lent;

    public BufferPool(int bufferSize, int maxPooled) {
        this(bufferSize, maxPooled, true);
    }

    /** {@code direct} false: heap buffers, for code (like an SSLEngine) that works on arrays anyway. */
    public BufferPool(int bufferSize, int maxPooled, boolean direct) {
        this.bufferSize = bufferSize;
        this.direct = direct;
        this.free = new ByteBuffer[maxPooled];
    }

    public BufferPool() {
        this(DEFAULT_BUFFER_SIZE, 32);
    }

    public int bufferSize() {
        return bufferSize;
    }

    public ByteBuffer acquire() {
        synchronized (this) {
            lent++;
            if (count > 0) {
                ByteBuffer buffer = free[--count];
                free[count] = null;
                return buffer.clear();
            }
        }
        return direct ? ByteBuffer.allocateDirect(bufferSize) : ByteBuffer.allocate(bufferSize);
    }

    public void release(ByteBuffer buffer) {
        synchronized (this) {
            lent--;
            if (count < free.length && buffer.capacity() == bufferSize && buffer.isDirect() == direct) {
                free[count++] = buffer;
            }
        }
    }

    synchronized int pooled() {
        return count;
    }

    /** Buffers out on loan right now. */
    public synchronized int lent() {
        return lent;
    }
}
