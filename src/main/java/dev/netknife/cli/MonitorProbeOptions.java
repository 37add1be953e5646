package dev.netknife.cli;

import dev.netknife.NkException;
import dev.netknife.io.Escapes;
import dev.netknife.io.Proxies;
import dev.netknife.monitor.Prober;
import dev.netknife.tls.TlsClient;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** The probe options of nk monitor (status and body checks, certificate expiry, TLS trust, udp send/expect). */
final class MonitorProbeOptions {
    private MonitorProbeOptions() {
    }

    static Prober.Options from(Args args, Invocation inv) {
        Pattern body = null;
        if (args.string("--expect-body") != null) {
            try {
                body = Pattern.compile(args.string("--expect-body"), Pattern.MULTILINE);
            } catch (PatternSyntaxException e) {
                throw NkException.usage("bad regular expression '" + args.string("--expect-body") + "': " + e.getDescription());
            }
        }
        if (args.flag("--insecure")) {
            inv.info("warning: --insecure: certificates are not verified");
        }
        long timeout = args.positiveMillis("--timeout", 3_000);
        TlsClient.Config tls = new TlsClient.Config(null, List.of(), TlsOptions.path(args, "--cacert"),
                args.flag("--insecure"), null, null, null, null, timeout, dev.netknife.tls.TlsOffer.DEFAULTS, warning -> inv.info("warning: --cacert: skipped " + warning),
                TlsOptions.keyLog(null, inv), false);
        Proxies proxies = Proxies.of(args.string("--proxy"), args.string("--noproxy"), inv.env(), false);
        Proxies httpProxies = Proxies.of(args.string("--proxy"), args.string("--noproxy"), inv.env(), true);
        return new Prober.Options(timeout,
                args.string("--expect-status") == null ? null : Prober.IntRange.parse(args.string("--expect-status")),
                body, args.integer("--min-days", 0, 0, 100_000), tls,
                args.string("--send") == null ? null : Escapes.decode(args.string("--send")), args.string("--expect"), proxies, httpProxies,
                proxies.anyHttps() || httpProxies.anyHttps()
                        ? DialArgs.proxyTls(args.string("--cacert"), args.flag("--insecure"), inv, timeout) : null, DialArgs.pins(args),
                CaptureArgs.tap(inv));
    }
}
