package dev.netknife.cli;

import dev.netknife.NkException;
import dev.netknife.http.HttpHeaders;
import dev.netknife.http.HttpUrl;
import dev.netknife.http.RequestHeaders;
import dev.netknife.io.DialOptions;
import dev.netknife.io.Escapes;
import dev.netknife.io.ExpectMatcher;
import dev.netknife.io.LineReader;
import dev.netknife.io.Timings;
import dev.netknife.term.Json;
import dev.netknife.term.JsonResult;
import dev.netknife.term.Sanitizer;
import dev.netknife.tls.TlsClient;
import dev.netknife.ws.CloseCodes;
import dev.netknife.ws.Handshake;
import dev.netknife.ws.WsClient;
import dev.netknife.ws.WsClientSession;
import dev.netknife.ws.WsEnding;
import dev.netknife.ws.WsSession;
import java.util.ArrayList;
import java.util.List;

/** {@code nk ws URL}: the options to a {@link WsClientSession}, stdin to its messages, and its messages and ending rendered. */
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

    int run() {
        HttpUrl url = HttpUrl.parseWebSocket(args.positional(0));
        inv.target(url.toString());
        if (args.flag("--binary") && args.strings("--send").length > 0) {
            throw NkException.usage("--send and --binary exclude each other");
        }
        int closeCode = args.integer("--close-code", CloseCodes.NORMAL, 1000, 4999);
        if (!CloseCodes.validOnTheWire(closeCode)) {
            throw NkException.usage("--close-code " + closeCode + " may not be sent (RFC 6455 7.4: 1000-1003, 1007-1014, 3000-4999)");
        }
        long idle = idleMillis();
        long ping = args.millis("--ping", 0);
        if (ping == 0 && args.flag("--ping-timeout")) {
            throw NkException.usage("--ping-timeout needs --ping");
        }
        long pongTimeout = args.millis("--ping-timeout", PONG_TIMEOUT_MILLIS);
        DialOptions dial = DialArgs.options(args, inv, true, DialOptions.DEFAULT_CONNECT_TIMEOUT_MILLIS);
        TlsClient tls = url.https() ? TlsOptions.client(args, inv, dial.connectTimeoutMillis()) : null;
        if (!url.https() && (args.flag("--cacert") || args.flag("--insecure") || args.flag("--servername"))) {
            throw NkException.usage("TLS options need a wss:// URL");
        }
        List<HttpHeaders.Field> headers = RequestHeaders.parseAll(args.strings("-H")); // a bad one is a usage error before any connect
        Handshake.ClientRequest request = new Handshake.ClientRequest(url, headers, WsCommand.subprotocols(args.string("--subprotocol")),
                WsCommand.origin(args.string("--origin")), "nk/" + Model.version());
        WsClientSession.Config config = new WsClientSession.Config(request, dial, tls, idle, options,
                new WsClient.Options(count, expect, closeCode, ping, pongTimeout, WsClient.CLOSE_WAIT_MILLIS), start);
        WsPrinter printer = new WsPrinter(inv, args.flag("--hex"), args.flag("--binary"), start);
        WsClientSession.Outcome outcome = WsClientSession.run(config, outgoing(), printer, new WsClientSession.Events() {
            @Override
            public void timings(Timings timings) {
                inv.timings(timings);
            }

            @Override
            public void upgraded(Handshake.Accepted accepted, String tlsProtocol) {
                inv.verboseInfo("connected to " + url + (tlsProtocol == null ? "" : " (" + tlsProtocol + ")")
                        + (accepted.subprotocol() == null ? "" : ", subprotocol " + accepted.subprotocol()));
            }
        });
        return finish(outcome, url);
    }

    private long idleMillis() {
        return args.millis("--idle-timeout", expect == null ? 0 : EXPECT_DEFAULT_WAIT_MILLIS);
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

    private int finish(WsClientSession.Outcome outcome, HttpUrl url) {
        WsClient.Result result = outcome.result();
        WsSession session = outcome.session();
        WsEnding ending = WsEnding.of(result, session, expect, count, outcome.sendFailure(), idleMillis(),
                args.millis("--ping-timeout", PONG_TIMEOUT_MILLIS));
        WsSession.Close close = session.peerClose();
        if (result.outcome() == WsClient.Outcome.PEER_CLOSED && close != null) {
            inv.verboseInfo("the server closed with " + Sanitizer.clean(close.toString()));
        }
        if (inv.json()) {
            inv.result(JsonResult.of(NAME, url.toString(), ending.code(), ending.failure(), outcome.timings().withTotal(System.nanoTime() - start))
                    .put("ws", Json.object().put("subprotocol", outcome.accepted().subprotocol()).put("sent", result.sent())
                            .put("received", result.received()).put("pongs", result.pongs())
                            .put("close", close == null ? null : Json.object().put("code", close.code()).put("reason", close.reason()))));
        }
        if (ending.failure() != null) {
            throw ending.failure();
        }
        return ending.code().code();
    }
}
