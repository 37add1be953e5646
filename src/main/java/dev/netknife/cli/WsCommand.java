package dev.netknife.cli;

import dev.netknife.ExitCode;
import dev.netknife.NkException;
import dev.netknife.http.HttpInput;
import dev.netknife.http.HttpUrl;
import dev.netknife.http.RequestHeaders;
import dev.netknife.io.Conn;
import dev.netknife.io.DialOptions;
import dev.netknife.io.Dialer;
import dev.netknife.io.Durations;
import dev.netknife.io.Escapes;
import dev.netknife.io.ExpectMatcher;
import dev.netknife.io.IdleWatch;
import dev.netknife.io.LineReader;
import dev.netknife.io.Timings;
import dev.netknife.term.HexDump;
import dev.netknife.term.Json;
import dev.netknife.term.JsonResult;
import dev.netknife.tls.TlsConn;
import dev.netknife.ws.CloseCodes;
import dev.netknife.ws.Handshake;
import dev.netknife.ws.WsClient;
import dev.netknife.ws.WsProtocolException;
import dev.netknife.ws.WsSession;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import picocli.CommandLine.Model.CommandSpec;

/** {@code nk ws}: a WebSocket client (stdin lines to messages, messages to stdout) and, with --listen, an echo server. */
final class WsCommand implements NkCommand {
    static final String NAME = "ws";
    static final String SUMMARY = "WebSocket client: stdin lines to messages, messages to stdout; --listen runs an echo server.";

    /** Without --idle-timeout, --expect waits at most this long for a match. */
    private static final long EXPECT_DEFAULT_WAIT_MILLIS = 10_000;

    private static final List<String> CLIENT_ONLY = List.of("-H", "--origin", "--send", "--binary", "--count", "--expect", "--ping",
            "--close-code", "--servername", "--alpn", "--cacert", "--insecure", "--tls-min", "--tls-max", "--connect-timeout");
    private static final List<String> SERVER_ONLY = List.of("--bind", "--tls");

    @Override
    public CommandSpec spec() {
        CommandSpec spec = Specs.command(NAME, SUMMARY,
                "nk ws [options] ws://HOST[:PORT][/PATH] | wss://...",
                "       nk ws --listen [--bind ADDR] [--tls] PORT");
        spec.addOption(Specs.repeatable("'K: V'", "Extra handshake header (repeatable).", "-H", "--header"));
        spec.addOption(Specs.option("LIST", "Subprotocols to offer, comma-separated; with --listen, the ones to accept.", "--subprotocol"));
        spec.addOption(Specs.option("ORIGIN", "Send an Origin header.", "--origin"));
        spec.addOption(Specs.repeatable("TEXT", "Send TEXT as one text message (repeatable; escapes \\n \\t \\xHH ...) instead of reading stdin.", "--send"));
        spec.addOption(Specs.flag("Send each read of stdin as one binary message instead of a text message per line.", "--binary"));
        spec.addOption(Specs.option("N", "Close and exit 0 once N messages arrived.", "--count"));
        spec.addOption(Specs.option("REGEX", "Close and exit 0 as soon as a message matches REGEX; 7 if none did before the peer closed or the idle timeout.", "--expect"));
        spec.addOption(Specs.option("DUR", "Give up when nothing moved for DUR (default: never; 10s with --expect): exit 124 (7 with --expect).", "--idle-timeout"));
        spec.addOption(Specs.flag("Print binary messages as hex dumps.", "--hex"));
        spec.addOption(Specs.option("DUR", "Send a ping every DUR (keepalive).", "--ping"));
        spec.addOption(Specs.option("CODE", "Close code to send when stdin ends (default 1000).", "--close-code"));
        spec.addOption(Specs.option("BYTES", "Largest message accepted (default 16 MiB); a larger one closes with 1009, exit 6.", "--max-message"));
        spec.addOption(Specs.option("BYTES", "Send messages in frames of at most BYTES (default: one frame per message).", "--max-frame"));
        spec.addOption(Specs.flag("Be an echo server: accept WebSocket clients and send each message back.", "-l", "--listen"));
        spec.addOption(Specs.option("ADDR", "With --listen: address to listen on (default 127.0.0.1).", "--bind"));
        spec.addOption(Specs.flag("With --listen: serve wss (TLS; a self-signed certificate unless --cert/--key).", "--tls"));
        TlsOptions.addClient(spec);
        DialArgs.add(spec);
        spec.addPositional(Specs.positional("0", "1", "URL", "ws:// or wss:// URL; with --listen, the PORT."));
        spec.usageMessage().footer(
                "Each stdin line is a text message; each message received is printed with a newline (binary as raw bytes,",
                "or --hex). When stdin ends nk sends a close frame and waits (5s at most) for the peer's; with --count or",
                "--expect it keeps listening until then (bound it with --idle-timeout). The peer's close code decides the",
                "exit: 1000/1001 is 0; any other code, a protocol violation or a lost connection is 6.");
        return spec;
    }

    @Override
    public int run(Args args, Invocation inv) throws Exception {
        WsSession.Options options = new WsSession.Options(
                args.integer("--max-message", (int) WsSession.Options.DEFAULT_MAX_MESSAGE, 1, Integer.MAX_VALUE - 8),
                args.integer("--max-frame", 0, 1, Integer.MAX_VALUE));
        if (args.flag("--listen")) {
            args.refuse(CLIENT_ONLY, "is for the client; drop --listen");
            return new WsListen(inv).run(args, options);
        }
        args.refuse(SERVER_ONLY, "needs --listen (for a client, use a wss:// URL)");
        return new Client(args, inv, options).run();
    }

    /** One client run: connect, handshake, then stdin to messages on one thread and messages to stdout on this one. */
    private static final class Client {
        private final Args args;
        private final Invocation inv;
        private final WsSession.Options options;
        private final long start = System.nanoTime();
        private final ExpectMatcher expect;
        private final int count;

        Client(Args args, Invocation inv, WsSession.Options options) {
            this.args = args;
            this.inv = inv;
            this.options = options;
            String regex = args.string("--expect");
            this.expect = regex == null ? null : new ExpectMatcher(regex);
            this.count = args.integer("--count", 0, 1, Integer.MAX_VALUE);
        }

        int run() throws Exception {
            HttpUrl url = HttpUrl.parseWebSocket(args.positional(0));
            inv.target(url.toString());
            if (args.flag("--binary") && args.strings("--send").length > 0) {
                throw NkException.usage("--send and --binary exclude each other");
            }
            int closeCode = args.integer("--close-code", CloseCodes.NORMAL, 1000, 4999);
            if (!CloseCodes.validOnTheWire(closeCode)) {
                throw NkException.usage("--close-code " + closeCode + " may not be sent (RFC 6455 7.4: 1000-1003, 1007-1014, 3000-4999)");
            }
            long idle = args.millis("--idle-timeout", expect == null ? 0 : EXPECT_DEFAULT_WAIT_MILLIS);
            long ping = args.millis("--ping", 0);
            DialOptions dial = DialArgs.options(args);
            var tls = url.https() ? TlsOptions.client(args, inv, dial.connectTimeoutMillis()) : null;
            if (!url.https() && (args.flag("--cacert") || args.flag("--insecure") || args.flag("--servername"))) {
                throw NkException.usage("TLS options need a wss:// URL");
            }
            Conn conn = new Dialer(dial).dial(url.endpoint());
            IdleWatch idleWatch = idle > 0 ? new IdleWatch(idle) : null;
            try {
                if (tls != null) {
                    conn = tls.handshake(conn, url.endpoint()).conn();
                }
                inv.timings(conn.timings());
                HttpInput in = new HttpInput(conn);
                OutputStream out = new BufferedOutputStream(conn.out(), 64 * 1024);
                if (idleWatch != null) {
                    idleWatch.watch(conn);
                }
                Handshake.Accepted accepted = Handshake.client(in, out, new Handshake.ClientRequest(url,
                        RequestHeaders.parseAll(args.strings("-H")), subprotocols(args.string("--subprotocol")), args.string("--origin"),
                        "nk/" + Model.version()));
                Timings timings = conn.timings().withFirstByte(System.nanoTime() - start);
                inv.timings(timings);
                inv.verboseInfo("connected to " + url + (conn instanceof TlsConn t ? " (" + t.protocol() + ")" : "")
                        + (accepted.subprotocol() == null ? "" : ", subprotocol " + accepted.subprotocol()));
                WsSession session = new WsSession(in, out, true, options);
                Printer printer = new Printer(inv, args.flag("--hex"), start);
                WsClient.Listener listener = new WsClient.Listener() {
                    @Override
                    public void message(boolean incoming, boolean text, ByteBuffer payload) {
                        if (incoming || inv.json()) {
                            printer.message(incoming ? "in" : "out", text, payload);
                        }
                    }

                    @Override
                    public void flush() {
                        printer.flush();
                    }
                };
                WsClient.Result result;
                try {
                    result = new WsClient(session, conn, idleWatch).run(outgoing(), new WsClient.Options(count, expect, closeCode, ping),
                            listener, e -> inv.info(e.getMessage()));
                } catch (WsProtocolException e) {
                    throw new NkException(ExitCode.PROTOCOL, null, "the server broke the protocol: " + e.getMessage()
                            + "; closed with " + e.closeCode(), e);
                } catch (EOFException e) {
                    throw new NkException(ExitCode.PROTOCOL, null, e.getMessage(), e);
                }
                return finish(result, session, url, timings, accepted.subprotocol());
            } finally {
                if (idleWatch != null) {
                    idleWatch.close();
                }
                conn.close();
            }
        }

        private WsClient.Outgoing outgoing() {
            String[] texts = args.strings("--send");
            if (texts.length > 0) {
                List<byte[]> payloads = new ArrayList<>();
                for (String text : texts) {
                    payloads.add(Escapes.decode(text));
                }
                return WsClient.texts(payloads);
            }
            return args.flag("--binary") ? WsClient.chunks(inv.in())
                    : WsClient.lines(new LineReader(inv.in(), (int) options.maxMessage(), "--max-message"));
        }

        private int finish(WsClient.Result result, WsSession session, HttpUrl url, Timings timings, String subprotocol) {
            WsClient.Outcome outcome = result.outcome();
            long received = result.received();
            WsSession.Close close = session.peerClose();
            ExitCode code;
            NkException failure = null;
            switch (outcome) {
                case MATCHED, COUNT_REACHED -> code = expect != null && !expect.matched() ? ExitCode.ASSERTION : ExitCode.OK;
                case IDLE -> code = expect != null ? ExitCode.ASSERTION : ExitCode.TIMEOUT;
                default -> code = expect != null && !expect.matched() ? ExitCode.ASSERTION
                        : close != null && (close.normal() || session.closedFirst() && close.code() != CloseCodes.ABNORMAL)
                        ? ExitCode.OK : ExitCode.PROTOCOL; // an answer to our own close is fine whatever its code
            }
            if (code == ExitCode.ASSERTION) {
                failure = new NkException(code, null, "no message matched '" + expect.pattern() + "' (" + received
                        + (received == 1 ? " message" : " messages") + ", " + (outcome == WsClient.Outcome.IDLE
                        ? "idle for " + Durations.format(args.millis("--idle-timeout", EXPECT_DEFAULT_WAIT_MILLIS))
                        : "closed: " + close) + ")", null);
            } else if (code == ExitCode.TIMEOUT) {
                failure = NkException.timeout("idle", "idle for " + Durations.format(args.millis("--idle-timeout", 0)));
            } else if (code == ExitCode.PROTOCOL) {
                failure = new NkException(code, null, close == null || close.code() == CloseCodes.ABNORMAL
                        ? "the connection ended without a close frame" : "the server closed with " + close, null);
            }
            if (outcome == WsClient.Outcome.PEER_CLOSED && close != null) {
                inv.verboseInfo("the server closed with " + close);
            }
            if (inv.json()) {
                inv.result(JsonResult.of(NAME, url.toString(), code, failure, timings.withTotal(System.nanoTime() - start))
                        .put("ws", Json.object().put("subprotocol", subprotocol).put("sent", result.sent()).put("received", received)
                                .put("close", close == null ? null : Json.object().put("code", close.code()).put("reason", close.reason()))));
            }
            if (failure != null) {
                throw failure;
            }
            return code.code();
        }
    }

    static List<String> subprotocols(String list) {
        if (list == null || list.isBlank()) {
            return List.of();
        }
        return Arrays.stream(list.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    /** Messages to stdout: text and a newline, binary raw (or a hex dump) and a newline, or JSON lines. */
    record Printer(Invocation inv, OutputStream out, boolean hex, long start) {
        Printer(Invocation inv, boolean hex, long start) {
            this(inv, inv.data(), hex, start);
        }

        void message(String direction, boolean text, ByteBuffer payload) {
            if (inv.json()) {
                inv.json(Payloads.describe(Json.object().put("schema", JsonResult.SCHEMA).put("command", NAME).put("event", "message")
                        .put("direction", direction).put("type", text ? "text" : "binary").put("size", payload.remaining())
                        .putMillis("time_ms", Timings.millis(System.nanoTime() - start)), payload, !text && hex));
                return;
            }
            if (!text && hex) {
                new HexDump(inv.out(), '<').bytes(payload.duplicate());
                return;
            }
            try {
                synchronized (out) {
                    out.write(payload.array(), payload.arrayOffset() + payload.position(), payload.remaining());
                    out.write('\n');
                }
            } catch (IOException e) {
                throw new NkException(ExitCode.FAILURE, null, "cannot write to stdout: " + e.getMessage(), e);
            }
        }

        /** Flushes stdout; the receiver calls it when no further message is waiting. */
        void flush() {
            try {
                out.flush();
            } catch (IOException e) {
                throw new NkException(ExitCode.FAILURE, null, "cannot write to stdout: " + e.getMessage(), e);
            }
        }
    }

}
