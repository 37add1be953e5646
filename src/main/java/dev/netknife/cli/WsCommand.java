package dev.netknife.cli;

import dev.netknife.NkException;
import dev.netknife.ws.WsSession;
import java.util.Arrays;
import java.util.List;

import picocli.CommandLine.Model.CommandSpec;

/** {@code nk ws}: a WebSocket client (stdin lines to messages, messages to stdout) and, with --listen, an echo server. */
final class WsCommand implements NkCommand {
    static final String NAME = "ws";
    static final String SUMMARY = "WebSocket client: stdin lines to messages, messages to stdout; --listen runs an echo server.";

    private static final List<String> CLIENT_ONLY = List.of("-H", "--origin", "--send", "--binary", "--count", "--expect", "--ping", "--ping-timeout",
            "--close-code", "--servername", "--alpn", "--cacert", "--insecure", "--tls-min", "--tls-max", "--connect-timeout");
    private static final List<String> SERVER_ONLY = List.of("--bind", "--tls", "--max-conns");

    @Override
    public CommandSpec spec() {
        CommandSpec spec = Specs.command(NAME, SUMMARY,
                "nk ws [options] ws://HOST[:PORT][/PATH] | wss://...",
                "       nk ws --listen [--bind ADDR] [--max-conns N] [--tls] PORT");
        spec.addOption(Specs.repeatable("'K: V'", "Extra handshake header (repeatable).", "-H", "--header"));
        spec.addOption(Specs.option("LIST", "Subprotocols to offer, comma-separated; with --listen, the ones to accept.", "--subprotocol"));
        spec.addOption(Specs.option("ORIGIN", "Send an Origin header.", "--origin"));
        spec.addOption(Specs.repeatable("TEXT", "Send TEXT as one text message (repeatable; escapes \\n \\t \\xHH ...) instead of reading stdin.", "--send"));
        spec.addOption(Specs.flag("Send each read of stdin as one binary message instead of a text message per line; binary messages received are written without a newline (a file comes back whole).", "--binary"));
        spec.addOption(Specs.option("N", "Close and exit 0 once N messages arrived (7 when the peer closes first).", "--count"));
        spec.addOption(Specs.option("REGEX", "Close and exit 0 as soon as a message matches REGEX; 7 if none did before the peer closed or the idle timeout.", "--expect"));
        spec.addOption(Specs.option("DUR", "Give up when nothing moved for DUR (default: never; 10s with --expect): exit 124 (7 with --expect).", "--idle-timeout"));
        spec.addOption(Specs.flag("Print binary messages as hex dumps.", "--hex"));
        spec.addOption(Specs.option("DUR", "Send a ping every DUR (keepalive; -v shows each round trip).", "--ping"));
        spec.addOption(Specs.option("DUR", "With --ping: a ping unanswered for DUR closes the connection, exit 124 (default 10s).",
                "--ping-timeout"));
        spec.addOption(Specs.option("CODE", "Close code to send when stdin ends (default 1000).", "--close-code"));
        spec.addOption(Specs.option("BYTES", "Largest message accepted (default 16M; K, M, G suffixes); a larger one closes with 1009, exit 6.", "--max-message"));
        spec.addOption(Specs.option("BYTES", "Send messages in frames of at most BYTES, e.g. 64K (default: one frame per message).", "--max-frame"));
        spec.addOption(Specs.flag("Be an echo server: accept WebSocket clients and send each message back.", "-l", "--listen"));
        spec.addOption(Specs.option("ADDR", "With --listen: address to listen on (default 127.0.0.1).", "--bind"));
        spec.addOption(Specs.option("N", "With --listen: serve at most N clients at once; more wait in the listen backlog.", "--max-conns"));
        spec.addOption(Specs.flag("With --listen: serve wss (TLS; a self-signed certificate unless --cert/--key).", "--tls"));
        TlsOptions.addClient(spec);
        DialArgs.add(spec);
        CaptureArgs.add(spec);
        spec.addPositional(Specs.positional("0", "1", "URL", "ws:// or wss:// URL; with --listen, the PORT."));
        spec.usageMessage().footer(
                "Each stdin line is a text message; each message received is printed with a newline (binary as raw bytes, or --hex; with --binary binary messages get no newline). "
                        + "When stdin ends nk sends a close frame and waits (5s at most) for the peer's; with --count or --expect it keeps "
                        + "listening until then (bound it with --idle-timeout). The peer's close code decides the exit: 1000/1001 is 0; "
                        + "any other code, a protocol violation or a lost connection is 6. With --json the messages of both directions "
                        + "are JSON lines on stdout carrying their payload (text when it is UTF-8, else hex), and the result comes last.",
                "The echo server goes on reading while a client is slow to take its echoes: all clients together may have a quarter "
                        + "of the heap (256 MiB at most) waiting; past that a client that does not read stalls only itself.");
        return spec;
    }

    @Override
    public int run(Args args, Invocation inv) throws Exception {
        WsSession.Options options = new WsSession.Options(
                args.bytes("--max-message", (int) WsSession.Options.DEFAULT_MAX_MESSAGE, 1, Integer.MAX_VALUE - 8),
                args.bytes("--max-frame", 0, 1, Integer.MAX_VALUE));
        if (args.flag("--listen")) {
            args.refuse(CLIENT_ONLY, "is for the client; drop --listen");
            return new WsListen(inv).run(args, options);
        }
        args.refuse(SERVER_ONLY, "needs --listen (for a client, use a wss:// URL)");
        return new WsClientRun(args, inv, options).run();
    }


    /** The --subprotocol list; each name must be an HTTP token (RFC 6455 4.1), or it is a usage error. */
    static List<String> subprotocols(String list) {
        if (list == null || list.isBlank()) {
            return List.of();
        }
        List<String> names = Arrays.stream(list.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        for (String name : names) {
            if (!name.chars().allMatch(c -> c > 32 && c < 127 && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0)) {
                throw NkException.usage("--subprotocol '" + name + "' is not a token (no spaces, quotes or separators)");
            }
        }
        return names;
    }

    /** The --origin value, refused when it would break the request (a line break, a control character). */
    static String origin(String origin) {
        if (origin != null && !origin.chars().allMatch(c -> c >= 32 && c != 127)) {
            throw NkException.usage("--origin may not hold control characters or line breaks");
        }
        return origin;
    }
}
