package dev.netknife.cli;

import dev.netknife.io.Conn;
import dev.netknife.io.Ports;
import dev.netknife.io.Server;
import dev.netknife.term.JsonResult;
import dev.netknife.term.Sanitizer;
import dev.netknife.tls.TlsServer;
import dev.netknife.ws.Message;
import dev.netknife.ws.WsEchoServer;
import dev.netknife.ws.WsSession;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * {@code nk ws --listen}: the options to a {@link WsEchoServer}, served until Ctrl-C; with -v each
 * upgrade, message and close is printed on stderr (or as JSON lines).
 */
final class WsListen {
    private final Invocation inv;

    WsListen(Invocation inv) {
        this.inv = inv;
    }

    int run(Args args, WsSession.Options options) {
        Server.Config config = new Server.Config(args.bindAddress("--bind", "127.0.0.1"), Ports.parse(args.positional(0)),
                args.integer("--max-conns", 0, 1, 10_000_000), args.millis("--idle-timeout", 0), null);
        TlsServer tls = TlsOptions.serverIfAsked(args, inv);
        WsEchoServer echo = new WsEchoServer(new WsEchoServer.Config(WsCommand.subprotocols(args.string("--subprotocol")), options), new Log());
        Server server = Server.bind(config, CaptureArgs.tap(inv).tap(raw -> {
            Conn conn = tls == null ? raw : tls.accept(raw);
            echo.serve(conn);
        }), new EchoServerCommand.Log(inv, false));
        return ServerLifecycle.serve(server, echo::sayGoingAway, inv);
    }

    private final class Log implements WsEchoServer.Events {
        @Override
        public void upgraded(InetSocketAddress client, String target, String subprotocol) {
            inv.verboseInfo(ServerLifecycle.address(client) + " upgraded " + target + (subprotocol == null ? "" : " (" + subprotocol + ")"));
        }

        @Override
        public void message(InetSocketAddress client, Message m) {
            if (!inv.verbose()) {
                return;
            }
            if (inv.json()) {
                inv.json(Payloads.describe(JsonResult.event(inv.command(), "message")
                        .put("client", ServerLifecycle.address(client)).put("type", m.text() ? "text" : "binary").put("size", m.length()),
                        ByteBuffer.wrap(m.payload(), 0, m.length()), false));
            } else {
                inv.verboseInfo(ServerLifecycle.address(client) + " " + (m.text() ? "text " : "binary ") + m.length() + " B"
                        + (m.text() ? ": " + Sanitizer.clean(abbreviate(m.asText())) : ""));
            }
        }

        @Override
        public void closed(InetSocketAddress client, WsSession.Close close) {
            inv.verboseInfo(ServerLifecycle.address(client) + " closed with " + close);
        }
    }

    private static String abbreviate(String text) {
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }
}
