package dev.netknife.cli;

import dev.netknife.ExitCode;
import dev.netknife.NkException;
import dev.netknife.http.HttpHeaders;
import dev.netknife.http.HttpInput;
import dev.netknife.http.HttpUrl;
import dev.netknife.http.RequestHeaders;
import dev.netknife.io.Conn;
import dev.netknife.io.DialOptions;
import dev.netknife.io.Dialer;
import dev.netknife.io.Escapes;
import dev.netknife.io.ExpectMatcher;
import dev.netknife.io.IdleWatch;
import dev.netknife.io.LineReader;
import dev.netknife.io.Timings;
import dev.netknife.term.Json;
import dev.netknife.term.JsonResult;
import dev.netknife.term.Sanitizer;
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
import java.util.ArrayList;
import java.util.List;

/** One client run: connect, handshake, then stdin to messages on one thread and messages to stdout on this one. */
final class WsClientRun {
    /** Without --idle-timeout, --expect waits at most this long for a match. */
    private static final long EXPECT_DEFAULT_WAIT_MILLIS = 10_000;
    private static final long PONG_TIMEOUT_MILLIS = 10_000;
    private static final String NAME = WsCommand.NAME;

    private final Args args;
    private final Invocation inv;
    private final WsSession.Options options;
    private final long start = System.nanoTime();
    private final ExpectMatcher expect;
    private final int count;

    WsClientRun(Args args, Invocation inv, WsSession.Options options) {
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
        if (ping == 0 && args.flag("--ping-timeout")) {
            throw NkException.usage("--ping-timeout needs --ping");
        }
        long pongTimeout = args.millis("--ping-timeout", PONG_TIMEOUT_MILLIS);
        DialOptions dial = DialArgs.options(args);
        var tls = url.https() ? TlsOptions.client(args, inv, dial.connectTimeoutMillis()) : null;
        if (!url.https() && (args.flag("--cacert") || args.flag("--insecure") || args.flag("--servername"))) {
            throw NkException.usage("TLS options need a wss:// URL");
        }
        List<HttpHeaders.Field> headers = RequestHeaders.parseAll(args.strings("-H")); // a bad one is a usage error before any connect
        List<String> subprotocols = WsCommand.subprotocols(args.string("--subprotocol"));
        String origin = WsCommand.origin(args.string("--origin"));
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
            Handshake.ClientRequest request = new Handshake.ClientRequest(url, headers, subprotocols, origin, "nk/" + Model.version());
            Handshake.Accepted accepted = WsUpgrade.run(conn, in, out, request, idleWatch, dial.connectTimeoutMillis(),
                    args.millis("--idle-timeout", EXPECT_DEFAULT_WAIT_MILLIS));
            Timings timings = conn.timings().withFirstByte(System.nanoTime() - start);
            inv.timings(timings);
            inv.verboseInfo("connected to " + url + (conn instanceof TlsConn t ? " (" + t.protocol() + ")" : "")
                    + (accepted.subprotocol() == null ? "" : ", subprotocol " + accepted.subprotocol()));
            WsSession session = new WsSession(in, out, true, options);
            Thread goingAway = WsUpgrade.closeOnShutdown(session);
            WsPrinter printer = new WsPrinter(inv, args.flag("--hex"), args.flag("--binary"), start);
            WsClient.Result result;
            var sendFailure = new java.util.concurrent.atomic.AtomicReference<NkException>();
            try {
                result = new WsClient(session, conn, idleWatch).run(outgoing(), new WsClient.Options(count, expect, closeCode, ping, pongTimeout,
                        WsClient.CLOSE_WAIT_MILLIS),
                        printer, sendFailure::set);
            } catch (WsProtocolException e) {
                throw new NkException(ExitCode.PROTOCOL, null, "the server broke the protocol: " + e.getMessage()
                        + "; closed with " + e.closeCode(), e);
            } catch (EOFException e) {
                throw new NkException(ExitCode.PROTOCOL, null, e.getMessage(), e);
            } catch (IOException e) {
                throw WsEnding.broken(e);
            } finally {
                WsUpgrade.keepRunning(goingAway);
            }
            return finish(result, session, url, timings, accepted.subprotocol(), sendFailure.get());
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

    private int finish(WsClient.Result result, WsSession session, HttpUrl url, Timings timings, String subprotocol, NkException sendFailure) {
        WsEnding ending = WsEnding.of(result, session, expect, count, sendFailure, args.millis("--idle-timeout", expect == null ? 0 : EXPECT_DEFAULT_WAIT_MILLIS),
                args.millis("--ping-timeout", PONG_TIMEOUT_MILLIS));
        WsSession.Close close = session.peerClose();
        if (result.outcome() == WsClient.Outcome.PEER_CLOSED && close != null) {
            inv.verboseInfo("the server closed with " + Sanitizer.clean(close.toString()));
        }
        if (inv.json()) {
            inv.result(JsonResult.of(NAME, url.toString(), ending.code(), ending.failure(), timings.withTotal(System.nanoTime() - start))
                    .put("ws", Json.object().put("subprotocol", subprotocol).put("sent", result.sent()).put("received", result.received())
                            .put("pongs", result.pongs())
                            .put("close", close == null ? null : Json.object().put("code", close.code()).put("reason", close.reason()))));
        }
        if (ending.failure() != null) {
            throw ending.failure();
        }
        return ending.code().code();
    }
}
