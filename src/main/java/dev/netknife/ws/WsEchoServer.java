package dev.netknife.ws;

import dev.netknife.http.HttpInput;
import dev.netknife.io.Conn;
import dev.netknife.io.Deadline;
import dev.netknife.io.LingeringClose;
import dev.netknife.io.WriteBehind;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A WebSocket echo server's work on each connection it is given: the upgrade within a deadline, then
 * each message back as it came (text or binary). A client that breaks the protocol gets the matching
 * close code and is dropped; the others go on. When the server stops, {@link #sayGoingAway} gives every
 * client 1001 after its pending echoes.
 */
public final class WsEchoServer {
    /** A client has this long to send its whole upgrade request: one that stalls would hold its slot (--max-conns) for good. */
    static final long UPGRADE_TIMEOUT_MILLIS = 10_000;

    /** Echo bytes a connection may hold unsent without asking the server's shared budget. */
    private static final int ECHO_OWN_SHARE = 64 * 1024;

    private static final long GOING_AWAY_NANOS = 1_000_000_000L;

    /** {@code subprotocols}: the ones to accept, in order of preference. */
    public record Config(List<String> subprotocols, WsSession.Options options) {
    }

    /** What happens on each connection, for logs; called on that connection's thread. */
    public interface Events {
        default void upgraded(InetSocketAddress client, String target, String subprotocol) {
        }

        default void message(InetSocketAddress client, Message message) {
        }

        default void closed(InetSocketAddress client, WsSession.Close close) {
        }
    }

    /** A connected client, for the goodbye when the server stops. */
    private record Live(WsSession session, WriteBehind echoes) {
    }

    private final Config config;
    private final Events events;
    private final WriteBehind.Budget budget = WriteBehind.Budget.ofHeap();
    private final Set<Live> live = ConcurrentHashMap.newKeySet();

    public WsEchoServer(Config config, Events events) {
        this.config = config;
        this.events = events;
    }

    /** Serves one client until it closes, breaks the protocol or the server stops; a broken protocol is an IOException naming the close code. */
    public void serve(Conn conn) throws IOException {
        // small buffers: a server may hold thousands of idle clients, and large frames bypass them
        HttpInput in = new HttpInput(conn, 4096);
        OutputStream out = new BufferedOutputStream(conn.out(), 4096);
        Handshake.ServerRequest request;
        Deadline deadline = new Deadline(conn, UPGRADE_TIMEOUT_MILLIS);
        try {
            request = Handshake.server(in, out, config.subprotocols());
        } catch (IOException e) {
            throw deadline.expired() ? new IOException("no complete upgrade request within " + UPGRADE_TIMEOUT_MILLIS / 1000 + "s", e) : e;
        } finally {
            deadline.close();
        }
        InetSocketAddress client = conn.remoteAddress();
        events.upgraded(client, request.target(), request.subprotocol());
        // echoes go out on a thread of their own, so reading goes on while the client is slow to read them
        WriteBehind echoes = new WriteBehind(conn, budget, ECHO_OWN_SHARE);
        WsSession session = new WsSession(in, echoes, false, config.options());
        Live self = new Live(session, echoes);
        live.add(self);
        try {
            for (Message m = session.receive(); m != null; m = session.receive()) {
                events.message(client, m);
                session.send(m.text(), m.payload(), 0, m.length());
                if (!session.hasBuffered()) {
                    session.flush();
                }
            }
            echoes.close(); // every echo and the close answer out before the connection closes
            events.closed(client, session.peerClose());
        } catch (WsProtocolException e) {
            try {
                echoes.close();
            } catch (IOException gone) {
                // the client went away: no close frame to deliver
            }
            LingeringClose.close(conn, 1_000, 1 << 20); // so the client reads our close frame instead of a reset
            throw new IOException(e.getMessage() + "; closed with " + e.closeCode(), e);
        } finally {
            live.remove(self);
            echoes.abandon();
        }
    }

    /** Each connected client gets 1001 (going away) after its pending echoes, within a second for all. */
    public void sayGoingAway() {
        List<Thread> goodbyes = new ArrayList<>();
        for (Live client : live) {
            goodbyes.add(Thread.ofVirtual().start(() -> {
                try {
                    client.session().close(CloseCodes.GOING_AWAY, "server stopping");
                    client.echoes().close();
                } catch (IOException gone) {
                    // that client is gone already
                }
            }));
        }
        long deadline = System.nanoTime() + GOING_AWAY_NANOS;
        try {
            for (Thread t : goodbyes) {
                t.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
