package dev.netknife.cli;

import dev.netknife.chat.ChatServer;
import dev.netknife.io.Ports;
import dev.netknife.io.Rate;
import dev.netknife.io.Server;
import dev.netknife.term.JsonResult;
import dev.netknife.tls.TlsServer;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;

/** {@code nk chat serve PORT}: a line chat server with broadcast; {@code nk chat HOST PORT}: its client. */
final class ChatCommand implements NkCommand {
    static final String NAME = "chat";
    static final String SUMMARY = "Line chat: 'chat serve PORT' runs a broadcast server (nc and telnet work as clients); 'chat HOST PORT' joins one.";

    static final String DEFAULT_RATE = "20/s";

    private static final List<String> SERVER_ONLY = List.of("--bind", "--rate", "--history", "--max-clients", "--max-line", "--idle-timeout");
    private static final List<String> CLIENT_ONLY = List.of("--nick", "--timestamps", "--cacert", "--insecure", "--servername");

    @Override
    public CommandSpec spec() {
        CommandSpec spec = Specs.command(NAME, SUMMARY,
                "nk chat serve [--bind ADDR] [--rate R] [--history N] [--max-clients N] [--idle-timeout DUR] [--tls] PORT",
                "       nk chat [--nick NAME] [--timestamps] [--tls] HOST PORT");
        spec.addOption(Specs.option("ADDR", "serve: address to listen on (default 127.0.0.1).", "--bind"));
        spec.addOption(Specs.option("R", "serve: messages per client (N, N/s or N/m; default " + DEFAULT_RATE + "); over it a warning, then a kick.", "--rate"));
        spec.addOption(Specs.option("N", "serve: replay the last N messages to whoever joins (default 0).", "--history"));
        spec.addOption(Specs.option("N", "serve: at most N clients at once; more are turned away with a notice.", "--max-clients"));
        spec.addOption(Specs.option("BYTES", "serve: longest line accepted (default 4096); longer ones are refused with a notice.", "--max-line"));
        spec.addOption(Specs.option("DUR", "serve: disconnect a client silent for DUR (e.g. 10m; default: never).", "--idle-timeout"));
        spec.addOption(Specs.flag("TLS: serve it (a self-signed certificate unless --cert/--key), or connect with it.", "--tls"));
        spec.addOption(Specs.option("NAME", "client: the nickname to join with (default: $USER).", "--nick"));
        spec.addOption(Specs.flag("client: show the time of each incoming line.", "--timestamps"));
        TlsOptions.addClient(spec);
        DialArgs.add(spec);
        CaptureArgs.add(spec);
        spec.addPositional(Specs.positional("0", "1", "HOST|serve", "'serve' to run the server, else the server's host."));
        spec.addPositional(Specs.positional("1", "1", "PORT", "Port."));
        spec.usageMessage().footer(
                "Protocol: plain lines. The first line is the nickname (or /nick NAME); each later line goes to everyone else "
                        + "as '<nick> text'. Commands: /nick NAME, /me ACTION, /who, /msg NICK TEXT, /quit, /help. Lines are UTF-8 with "
                        + "control characters and escape sequences removed. A flood goes at the pace of its slowest live reader: while a "
                        + "member has more than 512 KiB queued the sender is not read; a member that takes nothing for 2 s meanwhile, "
                        + "or whose 1 MiB queue fills, is disconnected.",
                "The client waits for the server's answer to its nickname before sending a line and paces itself under the rate the "
                        + "server announces. Exit 7: the nickname was refused (no input line is taken for a new try); 6: the peer is not "
                        + "a chat server (HTTP, TLS: use --tls) or closed before the input ended; 1: the server dropped a line or "
                        + "disconnected the client. With --json each line the server sends is a JSON event {\"event\":\"line\",\"text\":...} on stdout.");
        return spec;
    }

    @Override
    public int run(Args args, Invocation inv) throws Exception {
        if ("serve".equals(args.positional(0))) {
            args.refuse(CLIENT_ONLY, "is for the client");
            return serve(args, inv);
        }
        args.refuse(SERVER_ONLY, "is for 'nk chat serve'");
        return new ChatJoin(args, inv).run();
    }

    private int serve(Args args, Invocation inv) {
        Rate rate = args.string("--rate") == null ? Rate.parse(DEFAULT_RATE) : args.rate("--rate");
        ChatServer chat = new ChatServer(new ChatServer.Config(args.bytes("--max-line", ChatServer.Config.DEFAULT_MAX_LINE, 16, 1 << 20),
                rate, args.integer("--history", 0, 0, 100_000), args.integer("--max-clients", 0, 1, 1_000_000)), event -> log(inv, event));
        TlsServer tls = TlsOptions.serverIfAsked(args, inv);
        Server server = Server.bind(new Server.Config(args.bindAddress("--bind", "127.0.0.1"), Ports.parse(args.positional(1)), 0,
                args.millis("--idle-timeout", 0), null),
                CaptureArgs.tap(inv).tap(raw -> chat.serve(tls == null ? raw : tls.accept(raw))), new Server.Events() {
                });
        return ServerLifecycle.serve(server.address(), server::serve, () -> {
            chat.shutdown("the server is shutting down");
            server.close();
        }, () -> inv.info("stopped: " + server.stats().accepted() + " connection(s) served"), inv);
    }

    private static void log(Invocation inv, ChatServer.Event e) {
        if (inv.json()) {
            inv.json(JsonResult.event(NAME, e.type()).put("nick", e.nick())
                    .put(e.type().equals("rename") ? "from" : e.type().equals("private") ? "to" : "text", e.detail())
                    .put("client", e.client()));
        } else if (inv.verbose()) {
            inv.verboseInfo(e.type() + " " + (e.nick() == null ? "" : e.nick() + " ") + "(" + e.client() + ")"
                    + (e.detail() == null || e.type().equals("message") || e.type().equals("action") ? "" : ": " + e.detail()));
        }
    }

}
