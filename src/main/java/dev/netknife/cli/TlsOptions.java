package dev.netknife.cli;

import dev.netknife.NkException;
import dev.netknife.io.DialOptions;
import dev.netknife.capture.Capture;
import dev.netknife.tls.KeyLog;
import dev.netknife.tls.TlsClient;
import dev.netknife.tls.TlsOffer;
import dev.netknife.tls.TlsServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;

/** The TLS options shared by tls-get, connect --tls and echo-server --tls, and what they build. */
final class TlsOptions {
    private TlsOptions() {
    }

    private static final java.util.List<String> TLS_VERSIONS = java.util.List.of("1.0", "1.1", "1.2", "1.3");

    static void addClient(CommandSpec spec) {
        addClient(spec, false);
    }

    /** {@code curlShortK}: -k is --insecure too, as curl users type it (not for connect, where -k is ncat's keep-open). */
    static void addClient(CommandSpec spec, boolean curlShortK) {
        spec.addOption(Specs.option("NAME", "Server name to send (SNI) and to verify (default: the host; not sent for IP addresses, nor for names with _, which SNI cannot carry).", "--servername"));
        spec.addOption(Specs.option("LIST", "ALPN protocols to offer, comma-separated (e.g. h2,http/1.1).", "--alpn"));
        spec.addOption(Specs.option("FILE|DIR", "Also trust the CA certificates in this PEM file (or the .pem/.crt files of a directory).", "--cacert"));
        String insecure = "Do not verify the server's certificate (a warning says so on stderr).";
        spec.addOption(curlShortK ? Specs.flag(insecure, "-k", "--insecure") : Specs.flag(insecure, "--insecure"));
        spec.addOption(Specs.choice("VERSION", "Lowest TLS version: 1.0, 1.1, 1.2 (default) or 1.3.", TLS_VERSIONS, "--tls-min"));
        spec.addOption(Specs.choice("VERSION", "Highest TLS version (default 1.3).", TLS_VERSIONS, "--tls-max"));
        spec.addOption(Specs.option("LIST", "Offer only these cipher suites (IANA or OpenSSL names, : or , between; TLS 1.2 and 1.3 alike).",
                "--ciphers"));
        spec.addOption(Specs.option("LIST", "Offer only these groups, in this order (X25519, P-256, P-384, P-521, X448, ffdhe2048, X25519MLKEM768"
                + " ...); for a server with an EC certificate list its curve too: BCJSSE offers ECDSA signatures only on listed curves.", "--groups"));
        addIdentity(spec, "Client certificate (PEM), with --key.", "Private key (PEM) of --cert.");
        spec.addOption(Specs.option("FILE", "Append the session secrets to FILE in the NSS key log format, for Wireshark and tshark to"
                + " decrypt a capture (as SSLKEYLOGFILE, which nk reads too).", "--keylog"));
    }

    static void addServer(CommandSpec spec, String certHelp) {
        addIdentity(spec, certHelp, "Private key (PEM) of --cert.");
    }

    private static void addIdentity(CommandSpec spec, String certHelp, String keyHelp) {
        spec.addOption(Specs.option("FILE", certHelp, "--cert"));
        spec.addOption(Specs.option("FILE", keyHelp, "--key"));
    }

    static TlsClient client(Args args, Invocation inv, long handshakeTimeoutMillis) {
        if (args.flag("--insecure")) {
            inv.info("warning: --insecure: the server's certificate is not verified");
        }
        return new TlsClient(new TlsClient.Config(
                args.string("--servername"),
                list(args.string("--alpn")),
                path(args, "--cacert"),
                args.flag("--insecure"),
                args.string("--tls-min"),
                args.string("--tls-max"),
                path(args, "--cert"),
                path(args, "--key"),
                handshakeTimeoutMillis,
                TlsOffer.parse(args.string("--ciphers"), args.string("--groups")),
                warning -> inv.info("warning: --cacert: skipped " + warning),
                keyLog(args.string("--keylog"), inv), args.flag("--status")));
    }

    /** {@code option} (--keylog FILE), else the SSLKEYLOGFILE variable, else null; -v says where the secrets go. */
    static KeyLog keyLog(String option, Invocation inv) {
        String file = option != null ? option : inv.env().get("SSLKEYLOGFILE");
        Capture capture = inv.capture();
        if ((file == null || file.isBlank()) && capture == null) {
            return null;
        }
        if (file != null && !file.isBlank()) {
            inv.verboseInfo("TLS secrets go to " + file + (option == null ? " (SSLKEYLOGFILE)" : ""));
        } else {
            file = null;
        }
        return new KeyLog(file == null ? null : Path.of(file), warning -> inv.info("warning: " + warning),
                capture == null ? null : capture::secrets);
    }

    /** A server identity; when generated, its fingerprint goes to stderr so clients can check it. */
    static TlsServer server(Args args, Invocation inv) {
        TlsServer server = TlsServer.create(new TlsServer.Config(path(args, "--cert"), path(args, "--key"), List.of(),
                DialOptions.DEFAULT_CONNECT_TIMEOUT_MILLIS, keyLog(null, inv)));
        inv.info((server.selfSigned() ? "TLS with a self-signed certificate for localhost, SHA-256 "
                : "TLS certificate SHA-256 ") + server.fingerprint());
        return server;
    }

    /** With --tls, the server identity; without, null (and --cert/--key alone are a usage error). */
    static TlsServer serverIfAsked(Args args, Invocation inv) {
        if (!args.flag("--tls")) {
            if (args.flag("--cert") || args.flag("--key")) {
                throw NkException.usage("--cert and --key need --tls");
            }
            return null;
        }
        return server(args, inv);
    }

    /** With --tls, the client; without, null (and any TLS option alone is a usage error). */
    static TlsClient clientIfAsked(Args args, Invocation inv, long handshakeTimeoutMillis) {
        if (!args.flag("--tls")) {
            if (anyClientOption(args) || args.flag("--cert") || args.flag("--key")) {
                throw NkException.usage("TLS options need --tls");
            }
            return null;
        }
        return client(args, inv, handshakeTimeoutMillis);
    }

    private static boolean anyClientOption(Args args) {
        for (String name : new String[] {"--servername", "--alpn", "--cacert", "--insecure", "--tls-min", "--tls-max", "--ciphers", "--groups",
            "--keylog"}) {
            if (args.flag(name)) {
                return true;
            }
        }
        return false;
    }

    private static List<String> list(String text) {
        if (text == null || text.isBlank()) {
            return List.of();
        }
        return Arrays.stream(text.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    /** The file or directory an option names, checked readable now (not after a connect); null when not given. */
    static Path path(Args args, String name) {
        String text = args.string(name);
        if (text == null) {
            return null;
        }
        Path path = Path.of(text);
        if (!Files.isReadable(path)) {
            throw NkException.usage(name + ": cannot read " + text);
        }
        return path;
    }
}
