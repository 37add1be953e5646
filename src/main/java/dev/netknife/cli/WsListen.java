package dev.netknife.cli;

import dev.netknife.http.HttpInput;
import dev.netknife.io.Conn;
import dev.netknife.io.Deadline;
import dev.netknife.io.LingeringClose;
import dev.netknife.io.Ports;
import dev.netknife.io.Server;
import dev.netknife.io.WriteBehind;
import dev.netknife.term.JsonResult;
import dev.netknife.term.Sanitizer;
import dev.netknife.tls.TlsServer;
import dev.netknife.ws.CloseCodes;
import dev.netknife.ws.Handshake;
import dev.netknife.ws.Message;
import dev.netknife.ws.WsProtocolException;
import dev.netknife.ws.WsSession;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;

import java.util.List;

/**
 * {@code nk ws --listen}: a WebSocket echo server, a virtual thread per client. Each message goes
 * back as it came (text or binary); with -v each one is also printed on stderr. A client that breaks
 * the protocol gets the matching close code and is dropped; the others go on.
 */
final class WsListen {
    /** A client has this long to send its whole upgrade request: one that stalls would hold its slot (--max-conns) for good. */
    private static final long UPGRADE_TIMEOUT_MILLIS = 10_000;

    /** Echo bytes a connection may hold unsent without asking the server's shared budget. */
    private static final int ECHO_OWN_SHARE = 64 * 1024;

    private static final long GOING_AWAY_NANOS = 1_000_000_000L;

    /** A connected client, for the goodbye when the server stops. */
    private record Live(WsSession session, WriteBehind echoes) {
    }

    private final Invocation inv;
    private final java.util.Set<Live> live = java.util.concurrent.ConcurrentHashMap.newKeySet();

    WsListen(Invocation inv) {
        this.inv = inv;
    }

    int run(Args args, WsSession.Options options) {
        Server.Config config = new Server.Config(args.bindAddress("--bind", "127.0.0.1"), Ports.parse(args.positional(0)),
                args.integer("--max-conns", 0, 1, 10_000_000), args.millis("--idle-timeout", 0), null);
        TlsServer tls = TlsOptions.serverIfAsked(args, inv);
        List<String> subprotocols = WsCommand.subprotocols(args.string("--subprotocol"));
        WriteBehind.Budget budget = WriteBehind.Budget.ofHeap();
        Server server = Server.bind(config, raw -> {
            Conn conn = tls == null ? raw : tls.accept(raw);
            echo(conn, subprotocols, options, budget);
        }, new EchoServerCommand.Log(inv, false));
        return ServerLifecycle.serve(server, this::sayGoingAway, inv);
    }

    /** When the server stops, each client gets 1001 (going away) after its pending echoes, within a second for all. */
    private void sayGoingAway() {
        List<Thread> goodbyes = new java.util.ArrayList<>();
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
                t.join(java.time.Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void echo(Conn conn, List<String> subprotocols, WsSession.Options options, WriteBehind.Budget budget) throws IOException {
        // small buffers: a server may hold thousands of idle clients, and large frames bypass them
        HttpInput in = new HttpInput(conn, 4096);
        OutputStream out = new BufferedOutputStream(conn.out(), 4096);
        Handshake.ServerRequest request;
        Deadline deadline = new Deadline(conn, UPGRADE_TIMEOUT_MILLIS);
        try {
            request = Handshake.server(in, out, subprotocols);
        } catch (IOException e) {
            throw deadline.expired() ? new IOException("no complete upgrade request within " + UPGRADE_TIMEOUT_MILLIS / 1000 + "s", e) : e;
        } finally {
            deadline.close();
        }
        String client = ServerLifecycle.address(conn.remoteAddress());
        inv.verboseInfo(client + " upgraded " + request.target() + (request.subprotocol() == null ? "" : " (" + request.subprotocol() + ")"));
        // echoes go out on a thread of their own, so reading goes on while the client is slow to read them
        WriteBehind echoes = new WriteBehind(conn, budget, ECHO_OWN_SHARE);
        WsSession session = new WsSession(in, echoes, false, options);
        Live self = new Live(session, echoes);
        live.add(self);
        try {
            for (Message m = session.receive(); m != null; m = session.receive()) {
                if (inv.verbose()) {
                    log(client, m);
                }
                session.send(m.text(), m.payload(), 0, m.length());
                if (!session.hasBuffered()) {
                    session.flush();
                }
            }
            echoes.close(); // every echo and the close answer out before the connection closes
            inv.verboseInfo(client + " closed with " + session.peerClose());
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

    private void log(String client, Message m) {
        if (inv.json()) {
            inv.json(Payloads.describe(JsonResult.event(inv.command(), "message")
                    .put("client", client).put("type", m.text() ? "text" : "binary").put("size", m.length()),
                    java.nio.ByteBuffer.wrap(m.payload(), 0, m.length()), false));
        } else {
            inv.verboseInfo(client + " " + (m.text() ? "text " : "binary ") + m.length() + " B"
                    + (m.text() ? ": " + Sanitizer.clean(abbreviate(m.asText())) : ""));
        }
    }

    private static String abbreviate(String text) {
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }

}
