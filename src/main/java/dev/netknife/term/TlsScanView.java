package dev.netknife.term;

import dev.netknife.ExitCode;
import dev.netknife.NkException;
import dev.netknife.tls.CertInfo;
import dev.netknife.tls.TlsProbe;
import dev.netknife.tls.scan.Findings;
import dev.netknife.tls.scan.Groups;
import dev.netknife.tls.scan.TlsScanner;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Renders a TLS scan: what the server accepts, its certificate, the findings and a verdict; a table for people, JSON for CI. */
public final class TlsScanView {
    private TlsScanView() {
    }

    /** {@code resumption}: whether TLS 1.2 and TLS 1.3 sessions resume. */
    public static String table(TlsProbe.Report probe, TlsScanner.Result r, TlsProbe.Resumption resumption, Findings findings, Style style, long nanos) {
        StringBuilder s = new StringBuilder();
        s.append(style.bold(probe.target().toString())).append(probe.serverName() == null ? "" : "  (SNI " + Sanitizer.clean(probe.serverName()) + ")")
                .append(probe.startTls() == null ? "" : "  (STARTTLS " + probe.startTls() + ")").append('\n');
        s.append("protocols\n");
        for (TlsScanner.VersionScan v : r.versions()) {
            boolean old = v.version() < 0x0303;
            String state = v.enabled() ? (old ? style.red("yes") : style.green("yes")) : "no";
            s.append(String.format(Locale.ROOT, "  %-9s %s%n", v.name(), state));
        }
        s.append("cipher suites\n");
        for (TlsScanner.VersionScan v : r.versions()) {
            if (v.suites().isEmpty()) {
                continue;
            }
            s.append("  ").append(v.name()).append(v.serverOrder() == null ? "" : v.serverOrder() ? ", the server's order" : ", the client's order")
                    .append('\n');
            int width = v.suites().stream().mapToInt(a -> a.suite().shortName().length()).max().orElse(0);
            for (TlsScanner.Accepted a : v.suites()) {
                String weakness = a.suite().weakness();
                String name = String.format(Locale.ROOT, "%-" + width + "s", a.suite().shortName());
                s.append("    ").append(weakness != null ? style.red(name) : name)
                        .append(String.format(Locale.ROOT, "  %3d bits  %s", a.suite().bits(), keyExchange(a)))
                        .append(weakness != null ? "  " + style.red(weakness) : "").append('\n');
            }
        }
        s.append("groups\n");
        if (!r.groups13().isEmpty()) {
            s.append("  TLSv1.3   ").append(names(r.groups13())).append('\n');
        }
        if (!r.groups12().isEmpty()) {
            s.append("  ECDHE     ").append(names(r.groups12())).append('\n');
        }
        if (r.groups13().isEmpty() && r.groups12().isEmpty()) {
            s.append("  none found\n");
        }
        TlsScanner.Features f = r.features();
        s.append("features\n");
        feature(s, "secure renegotiation", yesNo(f.secureRenegotiation(), "no TLSv1.2 or older to ask"));
        feature(s, "compression", yesNo(f.compression(), "no TLSv1.2 or older to ask"));
        feature(s, "OCSP stapling", yesNo(f.ocspStapling(), "not testable over TLSv1.3 alone"));
        feature(s, "session tickets", yesNo(f.sessionTickets(), "not testable over TLSv1.3 alone"));
        feature(s, "resumption", resumptionText(resumption));
        feature(s, "ALPN", r.alpn() == null ? "not testable over TLSv1.3 alone" : r.alpn().isEmpty() ? "none" : String.join(", ", r.alpn()));
        s.append("certificate\n");
        if (!probe.chain().isEmpty()) {
            leaf(s, probe.chain().getFirst());
            s.append("  verified  ").append(probe.verified() ? style.green("yes")
                    : style.red("no: ") + Sanitizer.clean(probe.failure() != null ? probe.failure().getMessage() : probe.verifyProblem())).append('\n');
        } else if (!f.certificates().isEmpty()) {
            leaf(s, CertInfo.of(f.certificates().getFirst(), System.currentTimeMillis()));
            s.append("  verified  not checked: ").append(Sanitizer.clean(probe.failure() == null ? "-" : probe.failure().getMessage())).append('\n');
        } else {
            s.append("  none seen").append(probe.failure() == null ? "" : ": " + Sanitizer.clean(probe.failure().getMessage())).append('\n');
        }
        if (!findings.weak().isEmpty() || !findings.notes().isEmpty()) {
            s.append("findings\n");
            findings.weak().forEach(w -> s.append("  ").append(style.red("weak")).append("  ").append(w).append('\n'));
            findings.notes().forEach(n -> s.append("  note  ").append(n).append('\n'));
        }
        String verdict = findings.verdict(r);
        s.append("verdict   ").append(findings.weak().isEmpty() ? style.green(verdict) : style.red(verdict))
                .append(String.format(Locale.ROOT, "  (%d probes, %s)%n", r.probes(), Units.millis(nanos)));
        return s.toString();
    }


    /** "yes (TLSv1.2, TLSv1.3)", "yes (TLSv1.3); no (TLSv1.2)"...: what each version asked answered. */
    private static String resumptionText(TlsProbe.Resumption resumption) {
        List<String> yes = new ArrayList<>();
        List<String> no = new ArrayList<>();
        for (String version : List.of("TLSv1.2", "TLSv1.3")) {
            Boolean resumed = version.equals("TLSv1.2") ? resumption.tls12() : resumption.tls13();
            if (resumed != null) {
                (resumed ? yes : no).add(version);
            }
        }
        List<String> said = new ArrayList<>();
        if (!yes.isEmpty()) {
            said.add("yes (" + String.join(", ", yes) + ")");
        }
        if (!no.isEmpty()) {
            said.add("no (" + String.join(", ", no) + ")");
        }
        return said.isEmpty() ? "not known (no TLSv1.2 or TLSv1.3 handshake)" : String.join("; ", said);
    }

    public static Json json(TlsProbe.Report probe, TlsScanner.Result r, TlsProbe.Resumption resumption, Findings findings, ExitCode code, NkException failure,
            long nanos) {
        List<Json> versions = new ArrayList<>();
        for (TlsScanner.VersionScan v : r.versions()) {
            List<Json> suites = new ArrayList<>();
            for (TlsScanner.Accepted a : v.suites()) {
                suites.add(Json.object().put("name", a.suite().iana()).put("openssl", a.suite().openssl())
                        .put("code", String.format("0x%04X", a.suite().code())).put("bits", (long) a.suite().bits())
                        .put("key_exchange", keyExchange(a)).put("forward_secrecy", a.suite().forwardSecret())
                        .put("weak", a.suite().weakness()));
            }
            versions.add(Json.object().put("version", v.name()).put("enabled", v.enabled()).put("server_order", v.serverOrder())
                    .put("suites", suites));
        }
        TlsScanner.Features f = r.features();
        Json scan = Json.object()
                .put("versions", versions)
                .put("groups_tls13", r.groups13().stream().map(Groups::name).toList())
                .put("groups_ecdhe", r.groups12().stream().map(Groups::name).toList())
                .put("secure_renegotiation", f.secureRenegotiation())
                .put("compression", f.compression())
                .put("ocsp_stapling", f.ocspStapling())
                .put("session_tickets", f.sessionTickets())
                .put("resumption_tls12", resumption.tls12())
                .put("resumption_tls13", resumption.tls13())
                .put("alpn", r.alpn() == null ? null : Json.object().put("protocols", r.alpn()))
                .put("weak", findings.weak())
                .put("notes", findings.notes())
                .put("verdict", findings.verdict(r))
                .put("probes", (long) r.probes())
                .putMillis("millis", nanos / 1e6);
        return TlsReportView.json(probe, code, failure).put("scan", scan);
    }

    private static void leaf(StringBuilder s, CertInfo leaf) {
        s.append("  ").append(Sanitizer.clean(leaf.subject())).append(", ").append(leaf.keyType()).append(' ').append(leaf.keyBits())
                .append(" bits, ").append(leaf.daysLeft()).append(" days left\n");
    }

    private static String keyExchange(TlsScanner.Accepted a) {
        if (a.suite().tls13()) {
            return a.group() > 0 ? Groups.name(a.group()) : "";
        }
        String kx = a.suite().keyExchange();
        kx = a.group() > 0 || a.dhBits() > 0 ? kx.split("_")[0] : kx;
        if (a.group() > 0) {
            return kx + " " + Groups.name(a.group());
        }
        return a.dhBits() > 0 ? kx + " " + a.dhBits() + " bits" : kx;
    }

    private static String names(List<Integer> groups) {
        return String.join(", ", groups.stream().map(Groups::name).toList());
    }

    private static String yesNo(Boolean value, String unknown) {
        return value == null ? unknown : value ? "yes" : "no";
    }

    private static void feature(StringBuilder s, String name, String value) {
        s.append(String.format(Locale.ROOT, "  %-21s %s%n", name, value));
    }
}
