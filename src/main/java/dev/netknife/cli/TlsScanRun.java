package dev.netknife.cli;

import dev.netknife.ExitCode;
import dev.netknife.NkException;
import dev.netknife.io.Dialer;
import dev.netknife.io.Endpoint;
import dev.netknife.term.TlsScanView;
import dev.netknife.tls.StartTls;
import dev.netknife.tls.TlsClient;
import dev.netknife.tls.TlsProbe;
import dev.netknife.tls.scan.CipherSuite;
import dev.netknife.tls.scan.Findings;
import dev.netknife.tls.scan.TlsScanner;

/** {@code nk tls-get --scan}: one verified handshake for the certificate, then the scan; exit 7 when anything is weak. */
final class TlsScanRun {
    /** Connections at once: quick on a real server, and no flood. */
    private static final int CONCURRENCY = 8;

    private final Invocation inv;

    TlsScanRun(Invocation inv) {
        this.inv = inv;
    }

    int run(Endpoint target, Dialer dialer, TlsClient client, StartTls startTls, long timeoutMillis) {
        long start = System.nanoTime();
        TlsProbe.Report report = new TlsProbe(dialer, client, startTls).probe(target);
        TlsScanner.Result result = new TlsScanner(dialer, target,
                new TlsScanner.Options(report.serverName(), timeoutMillis, CONCURRENCY, quiet(startTls)), CipherSuite.table()).scan();
        TlsProbe.Resumption resumption = TlsProbe.resumption(target, dialer, client, quiet(startTls), result.speaks(0x0303), result.speaks(0x0304));
        long nanos = System.nanoTime() - start;
        Findings findings = Findings.of(result, report.certificates().isEmpty() ? result.features().certificates() : report.certificates());
        NkException failure = failure(report, result, findings, target);
        ExitCode code = failure == null ? ExitCode.OK : failure.exitCode();
        if (inv.json()) {
            inv.result(TlsScanView.json(report, result, resumption, findings, code, failure, nanos));
        } else if (!inv.quiet() || failure != null) {
            inv.out().print(TlsScanView.table(report, result, resumption, findings, inv.style(), nanos));
            inv.out().flush();
        }
        if (failure != null) {
            throw failure;
        }
        return code.code();
    }

    /** The scan's dozens of probes do not repeat the plaintext exchange -v showed once. */
    private static StartTls quiet(StartTls startTls) {
        return startTls == null ? null : new StartTls(startTls.protocol(), line -> { });
    }

    private static NkException failure(TlsProbe.Report report, TlsScanner.Result result, Findings findings, Endpoint target) {
        if (result.versions().stream().noneMatch(TlsScanner.VersionScan::enabled)) {
            return new NkException(ExitCode.TLS, "tls", "no SSL or TLS version was accepted (" + target + ")", null);
        }
        if (report.failure() != null && !report.chain().isEmpty()) {
            return report.failure(); // the certificate did not verify (a failed handshake of nk's own is only shown)
        }
        if (!findings.weak().isEmpty()) {
            return new NkException(ExitCode.ASSERTION, null, "weak", findings.verdict(result) + " (" + target + ")", null);
        }
        return null;
    }
}
