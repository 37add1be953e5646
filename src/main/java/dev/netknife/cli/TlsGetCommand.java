package dev.netknife.cli;

import dev.netknife.ExitCode;
import dev.netknife.NkException;
import dev.netknife.io.DialOptions;
import dev.netknife.io.Dialer;
import dev.netknife.io.Endpoint;
import dev.netknife.tls.CertInfo;
import dev.netknife.tls.Pem;
import dev.netknife.tls.TlsProbe;
import dev.netknife.term.TlsReportView;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;

/** {@code nk tls-get}: handshake and report the protocol, cipher, ALPN, timings and the whole chain. */
final class TlsGetCommand implements NkCommand {
    static final String NAME = "tls-get";
    static final String SUMMARY = "TLS handshake and certificate report: protocol, cipher, ALPN, chain, expiry, verification.";

    @Override
    public CommandSpec spec() {
        CommandSpec spec = Specs.command(NAME, SUMMARY,
                "nk tls-get [--servername N] [--alpn LIST] [--cacert FILE] [--insecure] [--min-days N] HOST[:PORT]|https://URL");
        TlsOptions.addClient(spec);
        spec.addOption(Specs.option("N", "Exit 7 when a certificate of the verified chain expires within N days.", "--min-days"));
        spec.addOption(Specs.option("FILE", "Write the chain the server sent as PEM; - puts it on stdout after the report (with -q alone, as"
                + " s_client -showcerts users pipe it).", "--save-chain"));
        spec.addOption(Specs.flag("Show the OCSP response the server stapled (status, produced, this/next update, signer); a revoked"
                + " certificate is exit 5.", "--status"));
        spec.addOption(Specs.option("N", "Then N more handshakes on the same session cache: handshakes per second and how many resumed.", "--repeat"));
        DialArgs.add(spec);
        spec.addPositional(Specs.positional("0", "1", "TARGET", "HOST, HOST:PORT, [v6addr]:PORT or https://HOST[:PORT]/...; the port defaults to 443."));
        spec.usageMessage().footer(
                "Exit 0 when the chain verifies, 5 when the handshake or verification fails (the chain is still shown), "
                        + "7 when --min-days finds a certificate expiring too soon.",
                "Dates are always checked, also for a certificate given as its own trust anchor with --cacert.");
        return spec;
    }

    @Override
    public int run(Args args, Invocation inv) {
        Endpoint target = target(args.positional(0));
        int minDays = args.integer("--min-days", -1, 0, 100_000);
        DialOptions dial = DialArgs.options(args);
        long timeout = dial.connectTimeoutMillis();
        Dialer dialer = new Dialer(dial);
        int repeat = args.integer("--repeat", 0, 0, 1_000_000);
        String saveChain = args.string("--save-chain");
        boolean chainToStdout = "-".equals(saveChain);
        if (chainToStdout && inv.json()) {
            throw NkException.usage("--save-chain - would put PEM among the JSON on stdout: give a file name");
        }
        TlsProbe.Report report = new TlsProbe(dialer, TlsOptions.client(args, inv, timeout)).probe(target, repeat);
        if (saveChain != null && !chainToStdout && !report.certificates().isEmpty()) {
            try {
                Files.writeString(Path.of(saveChain), Pem.write(report.certificates()), StandardCharsets.US_ASCII);
            } catch (IOException e) {
                throw new NkException(ExitCode.FAILURE, null, "cannot write " + saveChain + ": " + e.getMessage(), e);
            }
        }
        notOnThePath(report, inv);
        NkException failure = report.failure() != null ? report.failure() : revoked(report, args.flag("--status"));
        failure = failure != null ? failure : expiringSoon(report, minDays);
        ExitCode code = failure == null ? ExitCode.OK : failure.exitCode();
        if (inv.json()) {
            inv.result(args.flag("--status") ? TlsReportView.json(report, code, failure).put("ocsp", TlsReportView.ocspJson(report.ocsp()))
                    : TlsReportView.json(report, code, failure));
        } else if (!inv.quiet() || failure != null) {
            inv.out().print(TlsReportView.table(report, inv.style(), minDays, args.flag("--status")));
            inv.out().flush();
        }
        if (chainToStdout && !report.certificates().isEmpty()) {
            inv.out().print(Pem.write(report.certificates()));
            inv.out().flush();
        }
        if (failure != null) {
            throw failure;
        }
        return code.code();
    }

    /** With --status: a validly signed stapled response that says revoked fails the check. */
    private static NkException revoked(TlsProbe.Report report, boolean status) {
        if (status && report.ocsp().status().equals("revoked") && report.ocsp().signedBy() != null) {
            return new NkException(ExitCode.TLS, "tls", "revoked", "certificate revoked on " + report.ocsp().revokedAt()
                    + " (stapled OCSP response signed by " + report.ocsp().signedBy() + ") (" + report.target() + ")", null);
        }
        return null;
    }

    private static NkException expiringSoon(TlsProbe.Report report, int minDays) {
        if (minDays < 0) {
            return null;
        }
        for (int i = 0; i < report.chain().size(); i++) {
            CertInfo cert = report.chain().get(i);
            if (report.onPath(report.certificates().get(i)) && cert.daysLeft() < minDays) {
                return new NkException(ExitCode.ASSERTION, null, "certificate " + cert.subject() + " expires in " + cert.daysLeft()
                        + (cert.daysLeft() == 1 ? " day" : " days") + ", under --min-days " + minDays + " (" + report.target() + ")", null);
            }
        }
        return null;
    }

    /** With -v: the certificates the server sent that the verified path does without (an old cross-certificate, say). */
    private static void notOnThePath(TlsProbe.Report report, Invocation inv) {
        for (int i = 0; i < report.certificates().size(); i++) {
            if (!report.onPath(report.certificates().get(i))) {
                CertInfo cert = report.chain().get(i);
                inv.verboseInfo("chain certificate " + i + " (" + cert.subject() + ") is not on the verified path"
                        + (cert.daysLeft() < 0 ? "; it expired " + java.time.Instant.ofEpochMilli(cert.notAfter()) : "") + ": not judged");
            }
        }
    }

    /** {@code HOST}, {@code HOST:PORT}, {@code [v6]:PORT} or an https URL; port 443 unless given. */
    static Endpoint target(String text) {
        String s = text;
        if (s.regionMatches(true, 0, "https://", 0, 8)) {
            s = s.substring(8);
            int end = indexOfAny(s, "/?#");
            s = end < 0 ? s : s.substring(0, end);
            int at = s.lastIndexOf('@');
            s = at < 0 ? s : s.substring(at + 1);
        } else if (s.contains("://")) {
            throw NkException.usage("unsupported URL scheme in '" + text + "': expected https:// or HOST[:PORT]");
        }
        if (s.startsWith("[") ? s.endsWith("]") : s.indexOf(':') < 0) {
            return Endpoint.of(s, "443");
        }
        if (!s.startsWith("[") && s.indexOf(':') != s.lastIndexOf(':') && ipv6Literal(s)) {
            return Endpoint.of(s, "443"); // a bare IPv6 address
        }
        return Endpoint.parse(s);
    }

    /** Hex digits, colons and dots (an IPv4 tail), and a zone after %: worth trying as an address, not as HOST:PORT. */
    private static boolean ipv6Literal(String s) {
        int zone = s.indexOf('%');
        String address = zone < 0 ? s : s.substring(0, zone);
        return address.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.');
    }

    private static int indexOfAny(String s, String chars) {
        for (int i = 0; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }
}
