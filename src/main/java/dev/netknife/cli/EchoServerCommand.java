package dev.netknife.cli;

import dev.netknife.NkException;
import dev.netknife.io.BufferPool;
import dev.netknife.io.Conn;
import dev.netknife.io.Endpoint;
import dev.netknife.io.Mover;
import dev.netknife.io.Ports;
import dev.netknife.io.Server;
import dev.netknife.term.Json;
import dev.netknife.tls.TlsServer;
import dev.netknife.term.JsonResult;
import dev.netknife.term.Units;
import java.net.InetSocketAddress;
import picocli.CommandLine.Model.CommandSpec;

/** {@code nk echo-server}: echoes every byte back, one virtual thread per connection. */
final class EchoServerCommand implements NkCommand {
    static final String NAME = "echo-server";
    static final String SUMMARY = "TCP echo server: sends every byte back (one virtual thread per connection).";

    @Override
    public CommandSpec spec() {
        CommandSpec spec = Specs.command(NAME, SUMMARY,
                "nk echo-server [--bind ADDR] [--max-conns N] [--idle-timeout DUR] [--rate R] [--tls [--cert FILE --key FILE]] PORT");
        spec.addOption(Specs.option("ADDR", "Address to listen on (default 127.0.0.1; :: or 0.0.0.0 for all).", "--bind"));
        spec.addOption(Specs.option("N", "At most N connections at once; more wait in the listen backlog until one ends (default: no limit).", "--max-conns"));
        spec.addOption(Specs.option("DUR", "Close a connection after DUR with no byte either way (e.g. 30s; default: never).", "--idle-timeout"));
        spec.addOption(Specs.option("R", "New connections per client IP: N, N/s or N/m, a burst of N allowed; over it a client is closed at once.", "--rate"));
        spec.addOption(Specs.flag("Speak TLS (BCJSSE): with --cert/--key, or a self-signed certificate made at start (its SHA-256 on stderr).", "--tls"));
        TlsOptions.addServer(spec, "With --tls: server certificate chain (PEM), with --key.");
        spec.addOption(Specs.option("PATH", "Listen on a Unix domain socket at PATH instead of a port (a stale socket file there is replaced;"
                + " removed on exit).", "--unix-socket", "-U"));
        CaptureArgs.add(spec);
        spec.addPositional(Specs.positional("0", "0..1", "PORT", "Port to listen on; 0 picks a free one. The bound HOST:PORT (or unix:PATH) is"
                + " printed on stdout when ready."));
        spec.usageMessage().footer(
                "When a client half-closes, the server finishes echoing, then closes its side.",
                "Ctrl-C stops the server and prints a summary (connections, bytes) on stderr.",
                "With -v each connect and disconnect is logged on stderr; with --json as JSON lines on stdout.");
        return spec;
    }

    @Override
    public int run(Args args, Invocation inv) {
        java.nio.file.Path unix = DialArgs.unixSocket(args.string("--unix-socket"));
        if ((unix == null) == (args.positional(0) == null)) {
            throw NkException.usage(unix == null ? "Missing required parameter: 'PORT' (see 'nk echo-server --help')"
                    : "give either PORT or --unix-socket PATH");
        }
        Server.Config config = new Server.Config(
                args.bindAddress("--bind", "127.0.0.1"),
                unix == null ? Ports.parse(args.positional(0)) : 0,
                args.integer("--max-conns", 0, 1, 10_000_000),
                args.millis("--idle-timeout", 0),
                args.rate("--rate"));
        BufferPool pool = new BufferPool();
        TlsServer tls = TlsOptions.serverIfAsked(args, inv);
        Server.Handler echo = raw -> {
            Conn conn = tls == null ? raw : tls.accept(raw);
            Mover.copy(conn, conn, pool, null);
            conn.closeWrite();
        };
        Server.Handler handler = CaptureArgs.tap(inv).tap(echo);
        Server server = unix == null ? Server.bind(config, handler, new Log(inv, true)) : Server.bindUnix(unix, config, handler, new Log(inv, true));
        return ServerLifecycle.serve(server, inv);
    }

    /**
     * Connection events as text on stderr with -v, or JSON lines on stdout with --json. {@code echoes}: what comes in goes
     * back unchanged, so one count says it ("3 B echoed"); otherwise both directions are counted ("217 B in, 150 B out").
     */
    record Log(Invocation inv, boolean echoes) implements Server.Events {
        @Override
        public void opened(Conn conn) {
            if (inv.json()) {
                inv.json(event("open", conn.remoteAddress()));
            } else {
                inv.verboseInfo("open " + ServerLifecycle.address(conn.remoteAddress()));
            }
        }

        @Override
        public void closed(Conn conn, Throwable failure, boolean idle) {
            String why = idle ? "idle timeout" : failure == null ? null : failure.getMessage();
            if (inv.json()) {
                inv.json(event("close", conn.remoteAddress()).put("bytes_in", conn.bytesIn()).put("bytes_out", conn.bytesOut())
                        .put("reason", why));
            } else {
                String bytes = echoes ? Units.bytes(conn.bytesIn()) + " echoed"
                        : Units.bytes(conn.bytesIn()) + " in, " + Units.bytes(conn.bytesOut()) + " out";
                inv.verboseInfo("close " + ServerLifecycle.address(conn.remoteAddress()) + " (" + bytes + (why == null ? "" : ", " + why) + ")");
            }
        }

        @Override
        public void rejected(InetSocketAddress client, String reason) {
            String who = client == null ? "client" : Endpoint.format(client);
            if (inv.json()) {
                inv.json(event("reject", client).put("reason", reason));
            } else {
                inv.verboseInfo("reject " + who + ": " + reason);
            }
        }

        private Json event(String event, InetSocketAddress client) {
            return JsonResult.event(inv.command(), event)
                    .put("client", client == null ? null : ServerLifecycle.address(client));
        }
    }
}
