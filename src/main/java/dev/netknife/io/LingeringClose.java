package dev.netknife.io;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Closing a connection whose peer is still sending: closing at once with unread bytes makes the
 * kernel answer with a reset, which can destroy the last thing we sent (an error response, a
 * WebSocket close frame) before the peer reads it. So: half-close, read and discard what the peer
 * still sends for a bounded time and byte count, then close (what HTTP servers call a lingering close).
 */
public final class LingeringClose {
    private LingeringClose() {
    }

    public static void close(Conn conn, long maxMillis, long maxBytes) {
        Thread timer = Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(maxMillis);
                conn.close();
            } catch (InterruptedException e) {
                // drained in time
            }
        });
        try {
            conn.closeWrite();
            ByteBuffer sink = ByteBuffer.allocate(4096);
            long drained = 0;
            while (drained < maxBytes) {
                sink.clear();
                int n = conn.read(sink);
                if (n < 0) {
                    break;
                }
                drained += n;
            }
        } catch (IOException e) {
            // the peer reset or the timer closed the connection: nothing more to wait for
        } finally {
            timer.interrupt();
            conn.close();
        }
    }
}
