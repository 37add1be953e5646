package dev.netknife.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code connect -l -k}: many clients at once. Bytes from every client go to local output, whole
 * chunks at a time; local input goes to every connected client. Once local input ends, every
 * client (present and future) is half-closed, so the listener becomes a sink.
 */
public final class Broadcast {
    private final Conn local;
    private final BufferPool pool;
    private final Tap receivedTap;
    private final Set<Conn> clients = ConcurrentHashMap.newKeySet();
    private volatile boolean inputEnded;

    public Broadcast(Conn local, BufferPool pool, Tap receivedTap) {
        this.local = local;
        this.pool = pool;
        this.receivedTap = receivedTap;
    }

    /** The per-connection handler for {@link Server}. */
    public Server.Handler handler() {
        return conn -> {
            clients.add(conn);
            try {
                if (inputEnded) {
                    conn.closeWrite();
                }
                Mover.copy(conn, local, pool, receivedTap);
            } finally {
                clients.remove(conn);
            }
        };
    }

    /** Reads local input until it ends, sending each chunk to every client; run it on its own thread. */
    public void pumpLocalInput() {
        ByteBuffer chunk = ByteBuffer.allocate(16 * 1024);
        try {
            while (local.read(chunk.clear()) >= 0) {
                chunk.flip();
                for (Conn client : clients) {
                    try {
                        client.write(chunk.duplicate());
                    } catch (IOException e) {
                        client.close();
                    }
                }
            }
        } catch (IOException e) {
            // local input failed: treat as ended
        }
        inputEnded = true;
        for (Conn client : clients) {
            try {
                client.closeWrite();
            } catch (IOException e) {
                client.close();
            }
        }
    }
}
