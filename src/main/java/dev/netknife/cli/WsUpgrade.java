package dev.netknife.cli;

import dev.netknife.NkException;
import dev.netknife.http.HttpInput;
import dev.netknife.io.Conn;
import dev.netknife.io.Deadline;
import dev.netknife.io.Durations;
import dev.netknife.io.IdleWatch;
import dev.netknife.ws.CloseCodes;
import dev.netknife.ws.Handshake;
import dev.netknife.ws.WsSession;
import java.io.IOException;
import java.io.OutputStream;

/** The ends of a WebSocket client's connection: the opening handshake within a deadline, and a close frame when nk is stopped. */
final class WsUpgrade {
    /** How long a stopping nk tries to get its close frame out (the peer may not be reading). */
    private static final long GOING_AWAY_MILLIS = 500;

    private WsUpgrade() {
    }

    /** The opening handshake within {@code timeoutMillis}: a server that accepts and never answers must not hang nk. */
    static Handshake.Accepted run(Conn conn, HttpInput in, OutputStream out, Handshake.ClientRequest request, IdleWatch idleWatch,
                                  long timeoutMillis, long idleMillis) {
        try (Deadline deadline = new Deadline(conn, timeoutMillis)) {
            try {
                return Handshake.client(in, out, request);
            } catch (IOException e) {
                if (deadline.expired()) {
                    throw NkException.timeout("first-byte", "no answer to the WebSocket upgrade within " + Durations.format(timeoutMillis));
                }
                if (idleWatch != null && idleWatch.expired(conn)) {
                    throw NkException.timeout("idle", "idle for " + Durations.format(idleMillis) + " before the WebSocket upgrade was answered");
                }
                throw WsEnding.broken(e);
            }
        }
    }

    /** On Ctrl-C or SIGTERM the peer gets 1001 (going away) rather than a cut connection; returns the hook, for {@link #keepRunning}. */
    static Thread closeOnShutdown(WsSession session) {
        Thread hook = new Thread(() -> {
            Thread closing = Thread.ofVirtual().start(() -> {
                try {
                    session.close(CloseCodes.GOING_AWAY, "");
                } catch (IOException gone) {
                    // nothing more to tell the peer
                }
            });
            try {
                closing.join(GOING_AWAY_MILLIS); // a writer blocked on a peer that does not read holds the session
            } catch (InterruptedException ignored) {
                // the JVM is going down anyway
            }
        }, "nk-ws-going-away");
        return ServerLifecycle.addHook(hook) ? hook : null;
    }

    /** The run ended on its own: no close frame on the way out. */
    static void keepRunning(Thread hook) {
        if (hook != null) {
            ServerLifecycle.removeHook(hook);
        }
    }
}
