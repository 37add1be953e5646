package dev.netknife.cli;

import dev.netknife.NkException;
import dev.netknife.io.DialOptions;
import dev.netknife.io.IpVersion;
import dev.netknife.io.NamePins;
import dev.netknife.io.Proxies;
import dev.netknife.io.ProxyTls;
import dev.netknife.tls.TlsClient;
import dev.netknife.tls.TlsOffer;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;

/** The dialing options every client command shares: --connect-timeout, -4, -6, and the proxy options. */
final class DialArgs {
    private DialArgs() {
    }

    static void add(CommandSpec spec) {
        add(spec, "--unix-socket");
    }

    /** As above, {@code unixSocketNames} naming the --unix-socket option (connect adds ncat's -U; curl's -U is another option). */
    static void add(CommandSpec spec, String... unixSocketNames) {
        spec.addOption(Specs.option("DUR", "Give up connecting after DUR, DNS and the proxy included (default 10s; TLS handshakes and WebSocket"
                + " upgrades too).", "--connect-timeout"));
        spec.addOption(Specs.flag("IPv4 only.", "-4"));
        spec.addOption(Specs.flag("IPv6 only.", "-6"));
        spec.addOption(Specs.option("URL", "Go through this proxy: socks5://HOST[:PORT] (nk resolves the target), socks5h:// (the proxy does),"
                + " socks4://, socks4a://, http:// (a CONNECT tunnel) or https:// (TLS to the proxy, then CONNECT); user:password@ for"
                + " its authentication; the port defaults to 1080 (https: 443). '' turns every proxy off.", "--proxy", "-x"));
        spec.addOption(Specs.option("LIST", "Hosts to reach without the proxy, as curl's no_proxy: names (with every name under them), IP"
                + " addresses, ADDR/BITS ranges, or * for all.", "--noproxy"));
        spec.addOption(Specs.option("FILE", "Trust the CA certificates in FILE (PEM) for an https:// proxy's certificate.", "--proxy-cacert"));
        spec.addOption(Specs.flag("Do not verify an https:// proxy's certificate.", "--proxy-insecure"));
        if (spec.findOption("--bind") == null) {
            spec.addOption(Specs.option("ADDR", "Connect from this local address (ncat -s; it must be one of this host's).", "--bind"));
        }
        spec.addOption(Specs.option("PORT", "Connect from this local port (ncat -p, curl --local-port).", localPortNames(unixSocketNames)));
        spec.addOption(Specs.option("PATH", "Connect to the Unix domain socket PATH (@NAME: a Linux abstract name) instead of the network"
                + " (curl --unix-socket, ncat -U); the target still names the host for Host, SNI and certificate checks.", unixSocketNames));
        spec.addOption(Specs.repeatable("HOST:PORT:ADDR[,ADDR]", "Connect to ADDR for HOST at PORT (* for any host), as curl: SNI, certificate"
                + " checks and Host keep HOST (repeatable).", "--resolve"));
        spec.addOption(Specs.repeatable("H1:P1:H2:P2", "Connect to H2:P2 instead of H1:P1, as curl (an empty part: any, or the same;"
                + " repeatable); the names checked stay H1's.", "--connect-to"));
    }

    /** connect, named with ncat's -U, also takes ncat's -p (its -p is the port with -l). */
    private static String[] localPortNames(String... unixSocketNames) {
        return java.util.List.of(unixSocketNames).contains("-U") ? new String[] {"--local-port", "-p"} : new String[] {"--local-port"};
    }

    /** The options without the proxy variables (connect, tls-get and chat read only --proxy, as ncat does). */
    static DialOptions options(Args args, Invocation inv) {
        return options(args, inv, false, DialOptions.DEFAULT_CONNECT_TIMEOUT_MILLIS);
    }

    /**
     * {@code proxyEnvironment}: also curl's http_proxy, https_proxy, all_proxy and no_proxy (http-get, ws);
     * {@code defaultTimeoutMillis} when --connect-timeout is not given.
     */
    static DialOptions options(Args args, Invocation inv, boolean proxyEnvironment, long defaultTimeoutMillis) {
        if (args.flag("-4") && args.flag("-6")) {
            throw NkException.usage("-4 and -6 exclude each other");
        }
        long timeout = args.positiveMillis("--connect-timeout", defaultTimeoutMillis);
        Proxies proxies = Proxies.of(args.string("--proxy"), args.string("--noproxy"), inv.env(), proxyEnvironment);
        java.nio.file.Path unixSocket = unixSocket(args.string("--unix-socket"));
        if (unixSocket != null && args.string("--proxy") != null && !args.string("--proxy").isBlank()) {
            throw NkException.usage("--unix-socket and --proxy exclude each other");
        }
        return new DialOptions(timeout, args.flag("-4") ? IpVersion.V4 : args.flag("-6") ? IpVersion.V6 : IpVersion.ANY, proxies,
                proxies.anyHttps() ? proxyTls(args, inv, timeout) : null, pins(args), unixSocket, source(args), CaptureArgs.tap(inv));
    }

    /** The local end to connect from: --bind ADDR and --local-port PORT (ncat -s and -p, curl --local-port); null: any. */
    private static java.net.InetSocketAddress source(Args args) {
        String bind = args.string("--bind");
        String port = args.string("--local-port");
        if (bind == null && port == null) {
            return null;
        }
        int local = port == null ? 0 : dev.netknife.io.Ports.parse(port);
        return bind == null ? new java.net.InetSocketAddress(local) : new java.net.InetSocketAddress(args.bindAddress("--bind", bind), local);
    }

    /** The socket's path (@name: a Linux abstract name); null for none. */
    static java.nio.file.Path unixSocket(String path) {
        if (path == null) {
            return null;
        }
        if (path.isEmpty()) {
            throw NkException.usage("--unix-socket needs a path");
        }
        if (path.startsWith("@") && (path.length() == 1 || path.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 108)) {
            throw NkException.usage("--unix-socket " + path + ": an abstract name (@name) has 1 to 107 bytes");
        }
        return java.nio.file.Path.of(path);
    }

    static NamePins pins(Args args) {
        return NamePins.parse(List.of(args.strings("--resolve")), List.of(args.strings("--connect-to")));
    }

    /** TLS to an https:// proxy: the JDK's CAs (or --proxy-cacert), the proxy's name checked, as curl does. */
    private static ProxyTls proxyTls(Args args, Invocation inv, long timeoutMillis) {
        boolean insecure = args.flag("--proxy-insecure");
        if (insecure) {
            inv.info("warning: --proxy-insecure: the proxy's certificate is not verified");
        }
        return proxyTls(args.string("--proxy-cacert"), insecure, inv, timeoutMillis);
    }

    /** As above, trusting {@code cacert} (null: the JDK's CAs only) or, with {@code insecure}, anything. */
    static ProxyTls proxyTls(String cacert, boolean insecure, Invocation inv, long timeoutMillis) {
        TlsClient client = new TlsClient(new TlsClient.Config(null, List.of(), cacert == null ? null : Path.of(cacert), insecure, null, null,
                null, null, timeoutMillis, TlsOffer.DEFAULTS, warning -> inv.info("warning: --proxy-cacert: skipped " + warning), null, false));
        return (raw, proxy, millis) -> {
            try {
                return client.handshake(raw, proxy, millis).conn();
            } catch (NkException e) {
                throw new NkException(e.exitCode(), e.phase(), e.kind(), "TLS to the proxy: " + e.getMessage(), e);
            }
        };
    }
}
