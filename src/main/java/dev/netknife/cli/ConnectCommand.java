package dev.netknife.cli;

import dev.netknife.ExitCode;
import dev.netknife.NkException;
import dev.netknife.io.BufferPool;
import dev.netknife.io.Conn;
import dev.netknife.io.DialOptions;
import dev.netknife.io.Dialer;
import dev.netknife.io.Endpoint;
import dev.netknife.io.Escapes;
import dev.netknife.io.ExpectMatcher;
import dev.netknife.io.Relay;
import dev.netknife.io.StreamConn;
import dev.netknife.io.Timings;
import dev.netknife.term.HexDump;
import dev.netknife.tls.StartTls;
import dev.netknife.tls.TlsClient;
import dev.netknife.tls.TlsConn;
import dev.netknife.tls.TlsTarget;
import dev.netknife.term.Json;
import dev.netknife.term.JsonResult;
import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;

/** {@code nk connect}: netcat. Relays stdin and stdout to a TCP connection, checks ports, or listens. */
final class ConnectCommand implements NkCommand {
    static final String NAME = "connect";
    static final String SUMMARY = "netcat: stdin to a TCP connection and the connection to stdout; -z checks ports, -l listens.";

    /** Without --idle-timeout, --expect waits at most this long for the pattern. */
    private static final long EXPECT_DEFAULT_WAIT_MILLIS = 10_000;

    @Override
    public CommandSpec spec() {
        CommandSpec spec = Specs.command(NAME, SUMMARY,
                "nk connect [options] HOST PORT",
                "       nk connect --starttls PROTO [options] HOST [PORT]",
                "       nk connect -z [--any] [options] HOST PORT|FROM-TO|LIST",
                "       nk connect -l [-k] [--bind ADDR] PORT");
        spec.addOption(Specs.flag("Port check: connect and close at once; PORT may be a range FROM-TO or a list 22,80,8000-8100. Exit 0 when all are open (--any: one), 4 otherwise (one port: 124 when it timed out).", "-z"));
        spec.addOption(Specs.flag("Listen for one connection instead of connecting (address on stderr when ready).", "-l", "--listen"));
        spec.addOption(Specs.flag("With -l: keep listening and serve many clients; stdin goes to all of them.", "-k", "--keep-open"));
        spec.addOption(Specs.option("ADDR", "With -l: address to listen on (default 127.0.0.1); else the local address to connect from (ncat -s).",
                "--bind", "-s"));
        spec.addOption(Specs.option("DUR", "Exit 124 when no byte moved either way for DUR (default: never; 10s with --expect).", "--idle-timeout"));
        spec.addOption(Specs.option("TEXT", "Send TEXT first (escapes \\n \\r \\t \\0 \\\\ \\xHH), then stdin.", "--send"));
        spec.addOption(Specs.option("REGEX", "Exit 0 as soon as the received bytes match REGEX; 7 if the peer closes or the idle timeout passes first.", "--expect"));
        spec.addOption(Specs.flag("Hex-dump both directions on stderr (> sent, < received).", "--hex"));
        spec.addOption(Specs.option("N", "With -z: probe at most N ports at once (default 100).", "--concurrency"));
        spec.addOption(Specs.flag("With -z: exit 0 when at least one port is open (nc's meaning); by default every port must be.", "--any"));
        spec.addOption(Specs.option("SECS", "As nc -w: give up connecting after SECS and exit when idle for SECS (--connect-timeout and --idle-timeout, where not given).", "-w"));
        spec.addOption(Specs.flag("Speak TLS (BCJSSE) over the connection, verifying the server; with -l, serve TLS.", "--tls"));
        spec.addOption(Specs.option("PROTO", "--tls after the protocol's plaintext STARTTLS exchange (" + StartTls.Protocol.names()
                + "), as openssl s_client -starttls; then stdin and stdout carry the protected session. PORT defaults to the protocol's.",
                "--starttls"));
        TlsOptions.addClient(spec);
        DialArgs.add(spec, "--unix-socket", "-U");
        CaptureArgs.add(spec);
        spec.addPositional(Specs.positional("0", "0..1", "HOST", "Host name or address; HOST:PORT and [v6addr]:PORT work too. With -l: the port."
                + " Not needed with -U PATH."));
        spec.addPositional(Specs.positional("1", "0..1", "PORT", "Port (or FROM-TO with -z)."));
        spec.usageMessage().footer(
                "When stdin ends, nk half-closes the connection and keeps printing what the peer sends until it closes.",
                "Binary safe: bytes out equal bytes in (on a terminal, control characters are shown escaped instead). With --json stdout stays the peer's bytes and the result object goes to stderr (as one JSON line).");
        return spec;
    }

    @Override
    public int run(Args args, Invocation inv) throws Exception {
        if (args.flag("--starttls") && (args.flag("-l") || args.flag("-z"))) {
            throw NkException.usage("--starttls is for a client session: nk connect --starttls PROTO HOST [PORT]");
        }
        if (args.string("--proxy") != null && !args.string("--proxy").isBlank() && (args.flag("-l") || args.flag("-z"))) {
            throw NkException.usage("--proxy is for a client session: -l listens here, and -z checks ports directly");
        }
        if (args.flag("-l")) {
            return new ConnectListen(inv).run(args);
        }
        if (args.flag("-k")) {
            throw NkException.usage("-k only makes sense with -l");
        }
        DialOptions dial = DialArgs.options(args, inv, false, ncWaitMillis(args, DialOptions.DEFAULT_CONNECT_TIMEOUT_MILLIS));
        if (args.flag("-z")) {
            return new PortCheck(inv).run(args.positional(0), args.positional(1), new Dialer(dial),
                    args.integer("--concurrency", 100, 1, 10_000), args.flag("--any"));
        }
        if (args.flag("--any")) {
            throw NkException.usage("--any needs -z");
        }
        StartTls startTls = args.flag("--starttls") ? new StartTls(StartTls.Protocol.parse(args.string("--starttls")), inv::verboseInfo) : null;
        if (args.positional(0) == null && dial.unixSocket() == null) {
            throw NkException.usage("Missing required parameter: 'HOST' (see 'nk connect --help')");
        }
        Endpoint target = args.positional(0) == null ? new Endpoint("localhost", 0)
                : startTls != null && args.positional(1) == null
                ? TlsTarget.parse(args.positional(0), startTls.protocol().scheme()).endpoint()
                : Endpoint.of(args.positional(0), args.positional(1));
        inv.target(target.toString());
        inv.jsonToStderr(); // stdout is the peer's bytes
        Relay.Options options = relayOptions(args, inv);
        long start = System.nanoTime();
        TlsClient tls = startTls != null ? TlsOptions.client(args, inv, dial.connectTimeoutMillis())
                : TlsOptions.clientIfAsked(args, inv, dial.connectTimeoutMillis());
        Conn conn = TlsClient.dial(new Dialer(dial), target, tls, startTls);
        if (conn instanceof TlsConn tlsConn) {
            inv.verboseInfo(tlsConn.protocol() + " " + tlsConn.cipherSuite()
                    + (tlsConn.applicationProtocol() == null ? "" : ", ALPN " + tlsConn.applicationProtocol()));
        }
        Timings timings = conn.timings();
        inv.timings(timings);
        inv.verboseInfo("connected to " + ServerLifecycle.address(conn.remoteAddress()) + " from "
                + ServerLifecycle.address(conn.localAddress()));
        Relay.Result result = new Relay(new BufferPool()).run(conn, new StreamConn(inv.in(), inv.data()), options, target);
        ExitCode code = Relay.exitCode(result, options);
        NkException failure = Relay.failure(code, options, target);
        if (inv.json()) {
            inv.result(JsonResult.of(NAME, target.toString(), code, failure, timings.withTotal(System.nanoTime() - start))
                    .put("connect", Json.object().put("outcome", result.outcome().name().toLowerCase(Locale.ROOT))
                            .put("sent", result.sent()).put("received", result.received()))
                    .put("tls", conn instanceof TlsConn t ? Json.object().put("protocol", t.protocol()).put("cipher", t.cipherSuite())
                            .put("alpn", t.applicationProtocol()) : null));
        }
        if (failure != null) {
            throw failure;
        }
        return code.code();
    }

    static Relay.Options relayOptions(Args args, Invocation inv) {
        String send = args.string("--send");
        String expect = args.string("--expect");
        boolean hex = args.flag("--hex");
        return new Relay.Options(
                send == null ? null : Escapes.decode(send),
                expect == null ? null : new ExpectMatcher(expect),
                hex ? new HexDump(inv.err(), '>') : null,
                hex ? new HexDump(inv.err(), '<') : null,
                args.millis("--idle-timeout", ncWaitMillis(args, expect == null ? 0 : EXPECT_DEFAULT_WAIT_MILLIS)),
                !inv.ttys().stdin());
    }

    /** nc's -w SECS (bare seconds, or a duration), or {@code otherwise}. */
    private static long ncWaitMillis(Args args, long otherwise) {
        return args.string("-w") == null ? otherwise : args.positiveMillis("-w", otherwise);
    }
}
