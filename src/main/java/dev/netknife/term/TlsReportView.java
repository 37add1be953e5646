package dev.netknife.term;

import dev.netknife.ExitCode;
import dev.netknife.NkException;
import dev.netknife.io.Timings;
import dev.netknife.tls.CertInfo;
import dev.netknife.tls.TlsProbe;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Renders a {@link TlsProbe.Report}: an aligned, coloured table for people, one JSON object for scripts. */
public final class TlsReportView {
    private static final int WARN_DAYS = 30;

    private TlsReportView() {
    }

    public static String table(TlsProbe.Report r, Style style, int minDays) {
        return table(r, style, minDays, false);
    }

    /** {@code ocsp}: also the OCSP response the server stapled (--status). */
    public static String table(TlsProbe.Report r, Style style, int minDays, boolean ocsp) {
        StringBuilder s = new StringBuilder();
        s.append(style.bold(r.target().toString())).append(r.serverName() == null ? "" : "  (SNI " + Sanitizer.clean(r.serverName()) + ")").append('\n');
        if (r.startTls() != null) {
            row(s, "starttls", r.startTls());
        }
        row(s, "protocol", r.protocol() == null ? "-" : r.protocol());
        row(s, "cipher", r.cipher() == null ? "-" : r.cipher());
        row(s, "alpn", r.alpn() == null ? "-" : Sanitizer.clean(r.alpn()));
        String verified = r.verified() ? style.green("yes")
                : r.failure() == null ? style.yellow("no, not enforced (--insecure): ") + Sanitizer.clean(r.verifyProblem())
                : style.red("no: ") + Sanitizer.clean(r.failure().getMessage()); // they quote the certificate's names
        row(s, "verified", verified);
        if (ocsp) {
            row(s, "ocsp", ocspText(r.ocsp(), style) + (r.ocsp().status().equals("none") && "TLSv1.3".equals(r.protocol())
                    ? " (over TLS 1.3 BCJSSE does not report a staple: --tls-max 1.2 shows it)" : ""));
        }
        row(s, "timings", timings(r.timings()));
        if (r.repeat() != null) {
            row(s, "repeat", String.format(Locale.ROOT, "%d handshakes in %.2f s: %.1f/s, %d resumed%s",
                    r.repeat().handshakes(), r.repeat().nanos() / 1e9, r.repeat().perSecond(), r.repeat().resumed(),
                    r.repeat().note() == null ? "" : " (" + r.repeat().note() + ")"));
        }
        s.append(style.bold("chain")).append(" (").append(r.chain().size()).append(r.chain().size() == 1 ? " certificate" : " certificates")
                .append(", as sent)\n");
        for (int i = 0; i < r.chain().size(); i++) {
            CertInfo c = r.chain().get(i);
            s.append("  [").append(i).append("] ").append(style.bold(Sanitizer.clean(c.subject()))).append('\n');
            cert(s, "issuer", Sanitizer.clean(c.issuer()) + (c.selfSigned() ? " (self-signed)" : ""));
            if (!c.subjectAltNames().isEmpty()) {
                cert(s, "names", Sanitizer.clean(String.join(", ", c.subjectAltNames())));
            }
            cert(s, "valid", date(c.notBefore()) + " to " + date(c.notAfter()) + "  " + daysLeft(c.daysLeft(), style, minDays));
            cert(s, "key", c.keyType() + (c.keyBits() > 0 ? " " + c.keyBits() + " bits" : "") + ", signed " + c.signatureAlgorithm());
            cert(s, "sha256", c.sha256());
        }
        return s.toString();
    }

    private static String daysLeft(long days, Style style, int minDays) {
        String text = days < 0 ? "expired " + -days + (days == -1 ? " day ago" : " days ago") : days + (days == 1 ? " day left" : " days left");
        int yellowBelow = Math.max(WARN_DAYS, minDays);
        return days < Math.max(0, minDays) || days < 0 ? style.red(text) : days < yellowBelow ? style.yellow(text) : style.green(text);
    }

    private static void row(StringBuilder s, String name, String value) {
        s.append(String.format(Locale.ROOT, "  %-10s %s%n", name, value));
    }

    private static void cert(StringBuilder s, String name, String value) {
        s.append(String.format(Locale.ROOT, "      %-8s %s%n", name, value));
    }

    private static String date(long millis) {
        String iso = Instant.ofEpochMilli(millis).toString();
        return iso.substring(0, 10) + " " + iso.substring(11, 16) + " UTC";
    }

    private static String timings(Timings t) {
        List<String> parts = new ArrayList<>();
        add(parts, "dns", t.dnsNanos());
        add(parts, "connect", t.connectNanos());
        add(parts, "proxy", t.proxyNanos());
        add(parts, "tls", t.tlsNanos());
        add(parts, "total", t.totalNanos());
        return String.join("  ", parts);
    }

    private static void add(List<String> parts, String name, long nanos) {
        if (nanos >= 0) {
            parts.add(name + " " + Units.millis(nanos));
        }
    }

    public static Json json(TlsProbe.Report r, ExitCode code, NkException failure) {
        List<Json> chain = new ArrayList<>();
        for (CertInfo c : r.chain()) {
            chain.add(Json.object()
                    .put("subject", c.subject())
                    .put("issuer", c.issuer())
                    .put("subject_alt_names", c.subjectAltNames())
                    .put("not_before", Instant.ofEpochMilli(c.notBefore()).toString())
                    .put("not_after", Instant.ofEpochMilli(c.notAfter()).toString())
                    .put("days_left", c.daysLeft())
                    .put("key_type", c.keyType())
                    .put("key_bits", c.keyBits())
                    .put("signature_algorithm", c.signatureAlgorithm())
                    .put("sha256", c.sha256())
                    .put("self_signed", c.selfSigned()));
        }
        return JsonResult.of("tls-get", r.target().toString(), code, failure, r.timings())
                .put("tls", Json.object()
                        .put("protocol", r.protocol())
                        .put("cipher", r.cipher())
                        .put("alpn", r.alpn())
                        .put("sni", r.serverName())
                        .put("resumed", r.resumed())
                        .put("verified", r.verified())
                        .put("verify_error", r.verified() ? null : Json.object().put("kind", r.verifyKind()).put("message", r.verifyProblem()))
                        .put("chain", chain)
                        .put("repeat", r.repeat() == null ? null : Json.object()
                                .put("handshakes", r.repeat().handshakes())
                                .putMillis("seconds", Math.round(r.repeat().nanos() / 1e6) / 1e3)
                                .putMillis("per_second", Math.round(r.repeat().perSecond() * 10) / 10.0)
                                .put("resumed", r.repeat().resumed())
                                .put("note", r.repeat().note()))
                        .put("starttls", r.startTls()));
    }

    private static String ocspText(dev.netknife.tls.StapledOcsp o, Style style) {
        if (o.status().equals("none")) {
            return "no response stapled";
        }
        if (o.status().equals("error")) {
            return style.red(Sanitizer.clean(o.problem()));
        }
        String state = o.status().equals("good") ? style.green("good") : o.status().equals("revoked") ? style.red("revoked " + o.revokedAt())
                : style.yellow(o.status());
        return state + " (produced " + o.producedAt() + ", this update " + o.thisUpdate() + ", next update "
                + (o.nextUpdate() == null ? "none" : o.nextUpdate()) + ", " + (o.signedBy() != null ? "signed by " + Sanitizer.clean(o.signedBy())
                : style.red(Sanitizer.clean(o.problem()))) + ")";
    }

    /** The stapled OCSP response as JSON (tls-get --status puts it beside "tls"). */
    public static Json ocspJson(dev.netknife.tls.StapledOcsp o) {
        return Json.object().put("status", o.status()).put("revoked_at", o.revokedAt())
                .put("produced_at", o.producedAt() == null ? null : o.producedAt().toString())
                .put("this_update", o.thisUpdate() == null ? null : o.thisUpdate().toString())
                .put("next_update", o.nextUpdate() == null ? null : o.nextUpdate().toString())
                .put("signed_by", o.signedBy()).put("problem", o.problem());
    }
}
