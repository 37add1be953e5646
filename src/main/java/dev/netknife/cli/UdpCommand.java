package dev.netknife.cli;

import dev.netknife.ExitCode;
import dev.netknife.NkException;
import dev.netknife.io.DialOptions;
import dev.netknife.io.Dialer;
import dev.netknife.io.NamePins;
import dev.netknife.io.Proxies;
import dev.netknife.io.SocksUdp;
import dev.netknife.io.Endpoint;
import dev.netknife.io.Escapes;
import dev.netknife.io.ExpectMatcher;
import dev.netknife.io.IpVersion;
import dev.netknife.io.Timings;
import dev.netknife.term.Json;
import dev.netknife.term.JsonResult;
import dev.netknife.udp.DatagramSource;
import dev.netknife.udp.UdpClient;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Model.CommandSpec;

/** {@code nk udp}: a UDP client (stdin lines to datagrams, replies to stdout) and, with --listen, a UDP server. */
final class UdpCommand implements NkCommand {
    static final String NAME = "udp";
    static final String SUMMARY = "UDP client (each stdin line a datagram, replies to stdout) and server (--listen, --echo).";

    static final long DEFAULT_TIMEOUT_MILLIS = 3_000;

    private static final List<String> CLIENT_ONLY = List.of("--send", "--binary", "--count", "--timeout", "--expect", "--proxy");
    private static final List<String> SERVER_ONLY = List.of("--bind", "--echo", "--prefix", "--rate", "--max-datagram");

    @Override
    public CommandSpec spec() {
        CommandSpec spec = Specs.command(NAME, SUMMARY,
                "nk udp [options] HOST PORT",
                "       nk udp --listen [--bind ADDR] [--echo [--prefix TEXT]] [--rate R] PORT");
        spec.addOption(Specs.repeatable("TEXT", "Send TEXT as one datagram (repeatable; escapes \\n \\r \\t \\0 \\\\ \\xHH) instead of reading stdin.", "--send"));
        spec.addOption(Specs.flag("Send each read of stdin as one datagram, bytes as they are, instead of one per line; replies are written as they came, without a newline.", "--binary"));
        spec.addOption(Specs.option("N", "Exit 0 once N replies arrived.", "--count"));
        spec.addOption(Specs.option("DUR", "After the last datagram is sent, wait DUR for replies (default 3s); exit 124 if none came (or fewer than --count). --timeout 0: fire and forget (statsd, syslog): send, exit 0 at once.", "--timeout"));
        spec.addOption(Specs.option("REGEX", "Exit 0 as soon as a reply matches REGEX; 7 if none did before --timeout.", "--expect"));
        spec.addOption(Specs.flag("Show payloads as hex dumps (replies; with --listen, datagrams).", "--hex"));
        spec.addOption(Specs.flag("Be the server: print each datagram received (source, size, payload).", "-l", "--listen"));
        spec.addOption(Specs.option("ADDR", "With --listen: address to listen on (default 127.0.0.1, ::1 with -6).", "--bind"));
        spec.addOption(Specs.flag("With --listen: send each datagram back to its source (printed only with -v).", "--echo"));
        spec.addOption(Specs.option("TEXT", "With --echo: put TEXT before each echoed payload (escapes as --send).", "--prefix"));
        spec.addOption(Specs.option("R", "With --listen: at most R datagrams per source address (N, N/s or N/m); the rest are dropped.", "--rate"));
        spec.addOption(Specs.option("BYTES", "With --listen: drop datagrams larger than BYTES (default 65507 on IPv4, 65527 on IPv6).", "--max-datagram"));
        spec.addOption(Specs.option("URL", "Send through this SOCKS5 proxy (socks5:// or socks5h://, user:password@ as for connect) by its UDP"
                + " ASSOCIATE relay.", "--proxy", "-x"));
        spec.addOption(Specs.flag("IPv4 only.", "-4"));
        spec.addOption(Specs.flag("IPv6 only.", "-6"));
        CaptureArgs.add(spec);
        spec.addPositional(Specs.positional("0", "1", "HOST", "Host name or address; HOST:PORT and [v6addr]:PORT work too. With --listen: the port."));
        spec.addPositional(Specs.positional("1", "0..1", "PORT", "Port."));
        spec.usageMessage().footer(
                "Each stdin line is sent without its line ending; empty lines are not sent. Replies are printed as they arrive: "
                        + "the payload and a newline, nothing else (--hex, --json: one JSON line each, with source, size and round-trip "
                        + "time). An ICMP port unreachable from the server's host is exit 4.",
                "The server prints its address on stdout when ready and a summary on stderr when stopped.");
        return spec;
    }

    @Override
    public int run(Args args, Invocation inv) throws Exception {
        if (args.flag("-4") && args.flag("-6")) {
            throw NkException.usage("-4 and -6 exclude each other");
        }
        IpVersion version = args.flag("-4") ? IpVersion.V4 : args.flag("-6") ? IpVersion.V6 : IpVersion.ANY;
        if (args.flag("--listen")) {
            args.refuse(CLIENT_ONLY, "is for the client; drop --listen");
            if (args.positional(1) != null) {
                throw NkException.usage("with --listen give only the PORT");
            }
            return new UdpListen(inv).run(args, version);
        }
        args.refuse(SERVER_ONLY, "needs --listen");
        return client(args, inv, version);
    }


    private int client(Args args, Invocation inv, IpVersion version) throws Exception {
        Endpoint target = Endpoint.of(args.positional(0), args.positional(1));
        String[] sends = args.strings("--send");
        if (sends.length > 0 && args.flag("--binary")) {
            throw NkException.usage("--send and --binary exclude each other");
        }
        String expect = args.string("--expect");
        UdpClient.Options options = new UdpClient.Options(args.integer("--count", 0, 1, Integer.MAX_VALUE),
                expect == null ? null : new ExpectMatcher(expect), args.millis("--timeout", DEFAULT_TIMEOUT_MILLIS));
        inv.target(target.toString());
        long start = System.nanoTime();
        Proxies proxies = Proxies.of(args.string("--proxy"), null, inv.env(), false);
        Dialer dialer = new Dialer(new DialOptions(DialOptions.DEFAULT_CONNECT_TIMEOUT_MILLIS, version, proxies, null, NamePins.NONE, null, null, CaptureArgs.tap(inv)));
        SocksUdp association = proxies == Proxies.NONE ? null : dialer.associateUdp(target);
        InetSocketAddress server = association != null ? association.relay() : new InetSocketAddress(
                dialer.resolve(target, start + TimeUnit.MILLISECONDS.toNanos(DialOptions.DEFAULT_CONNECT_TIMEOUT_MILLIS)).getFirst(), target.port());
        Timings timings = association != null ? Timings.connected(-1, -1).withProxy(System.nanoTime() - start)
                : Timings.connected(System.nanoTime() - start, -1);
        inv.timings(timings);
        try (UdpClient client = association != null ? UdpClient.relayed(association) : UdpClient.connect(server)) {
            inv.verboseInfo("sending to " + ServerLifecycle.address(server) + " from " + ServerLifecycle.address(client.localAddress()));
            client.capture(CaptureArgs.tap(inv));
            DatagramSource source = source(args, sends, inv, client.maxDatagram());
            UdpClient.Result result = client.run(source, options, UdpResults.replies(args, inv));
            ExitCode code = UdpResults.exitCode(result, options);
            NkException failure = UdpResults.failure(code, result, options, target);
            inv.verboseInfo("sent " + result.sent() + (result.sent() == 1 ? " datagram, " : " datagrams, ")
                    + result.received() + (result.received() == 1 ? " reply" : " replies"));
            if (inv.json()) {
                inv.result(JsonResult.of(NAME, target.toString(), code, failure, timings.withTotal(System.nanoTime() - start))
                        .put("udp", Json.object().put("outcome", result.outcome().name().toLowerCase(Locale.ROOT))
                                .put("sent", result.sent()).put("received", result.received())
                                .put("bytes_sent", result.bytesSent()).put("bytes_received", result.bytesReceived())));
            }
            if (failure != null) {
                throw failure;
            }
            return code.code();
        }
    }

    private static DatagramSource source(Args args, String[] sends, Invocation inv, int max) {
        if (sends.length > 0) {
            List<byte[]> payloads = new ArrayList<>();
            for (String send : sends) {
                byte[] payload = Escapes.decode(send);
                if (payload.length > max) {
                    throw NkException.usage("--send: " + payload.length + " bytes is over the limit of " + max + " bytes for one datagram");
                }
                payloads.add(payload);
            }
            return DatagramSource.of(payloads);
        }
        return args.flag("--binary") ? DatagramSource.chunks(inv.in(), max) : DatagramSource.lines(inv.in(), max);
    }
}
