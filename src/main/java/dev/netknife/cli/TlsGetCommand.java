package dev.netknife.cli;

import dev.netknife.ExitCode;
import dev.netknife.NkException;
import dev.netknife.io.DialOptions;
import dev.netknife.io.Dialer;
import dev.netknife.io.Endpoint;
import dev.netknife.tls.CertInfo;
import dev.netknife.tls.Pem;
import dev.netknife.tls.StartTls;
import dev.netknife.tls.TlsTarget;
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
                "nk tls-get [--servername N] [--alpn LIST] [--cacert FILE] [--insecure] [--min-days N] [--starttls PROTO] HOST[:PORT]|URL");
        TlsOptions.addClient(spec);
        spec.addOption(Specs.option("N", "Exit 7 when a certificate of the verified chain expires within N days.", "--min-days"));
        spec.addOption(Specs.option("FILE", "Write the chain the server sent as PEM; - puts it on stdout after the report (with -q alone, as"
                + " s_client -showcerts users pipe it).", "--save-chain"));
        spec.addOption(Specs.flag("Show the OCSP response the server stapled (status, produced, this/next update, signer); a revoked"
                + " certificate is exit 5.", "--status"));
        spec.addOption(Specs.option("N", "Then N more handshakes, resuming the session (TLS 1.2: session cache; TLS 1.3: the server's tickets): "
                + "handshakes per second and how many resumed.", "--repeat"));
        spec.addOption(Specs.flag("With --repeat: full handshakes only, no session resumed (as openssl s_time -new).", "--no-resume"));
        spec.addOption(Specs.flag("What the server accepts, as sslscan and testssl.sh tell: versions SSLv2 to TLS 1.3, cipher suites per version in"
                + " the server's order, groups, secure renegotiation, compression, OCSP stapling, session tickets, ALPN; weak choices"
                + " flagged and a verdict. Exit 7 when anything is weak.", "--scan"));
        spec.addOption(Specs.option("PROTO", "Plaintext first, then TLS, as openssl s_client -starttls: " + StartTls.Protocol.names()
                + " (the port then defaults to the protocol's). A smtp://, imap:// ... target says the same.", "--starttls"));
        DialArgs.add(spec);
        CaptureArgs.add(spec);
        spec.addPositional(Specs.positional("0", "1", "TARGET", "HOST, HOST:PORT, [v6addr]:PORT, https://HOST[:PORT]/..., a STARTTLS URL"
                + " (smtp://HOST[:PORT], imap://, pop3://, ftp://, xmpp://, postgres://, ldap:// ...) or an implicit-TLS one (smtps://,"
                + " imaps://, pop3s://, ftps://, ldaps://); the port defaults to 443 or the scheme's."));
        spec.usageMessage().footer(
                "Exit 0 when the chain verifies, 5 when the handshake or verification fails (the chain is still shown), "
                        + "7 when --min-days finds a certificate expiring too soon or --scan finds anything weak; "
                        + "6 when a STARTTLS server refuses.",
                "Dates are always checked, also for a certificate given as its own trust anchor with --cacert.");
        return spec;
    }

    @Override
    public int run(Args args, Invocation inv) {
        TlsTarget tlsTarget = TlsTarget.parse(args.positional(0), args.string("--starttls"));
        Endpoint target = tlsTarget.endpoint();
        StartTls startTls = tlsTarget.startTls() == null ? null : new StartTls(tlsTarget.startTls(), inv::verboseInfo);
        int minDays = args.integer("--min-days", -1, 0, 100_000);
        DialOptions dial = DialArgs.options(args, inv);
        long timeout = dial.connectTimeoutMillis();
        Dialer dialer = new Dialer(dial);
        int repeat = args.integer("--repeat", 0, 0, 1_000_000);
        String saveChain = args.string("--save-chain");
        boolean chainToStdout = "-".equals(saveChain);
        if (chainToStdout && inv.json()) {
            throw NkException.usage("--save-chain - would put PEM among the JSON on stdout: give a file name");
        }
        if (args.flag("--scan")) {
            if (repeat > 0 || args.flag("--status") || saveChain != null) {
                throw NkException.usage("--scan reports on its own: leave out --repeat, --status and --save-chain");
            }
            return new TlsScanRun(inv).run(target, dialer, TlsOptions.client(args, inv, timeout), startTls, timeout);
        }
        if (args.flag("--no-resume") && repeat == 0) {
            throw NkException.usage("--no-resume goes with --repeat N");
        }
        TlsProbe.Report report = new TlsProbe(dialer, TlsOptions.client(args, inv, timeout), startTls).probe(target, repeat, !args.flag("--no-resume"));
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
}
