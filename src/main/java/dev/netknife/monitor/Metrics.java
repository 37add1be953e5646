package dev.netknife.monitor;

import dev.netknife.io.Timings;
import java.util.List;

/** Prometheus text exposition (format 0.0.4) of the monitor's targets, with blackbox_exporter's metric names. */
public final class Metrics {
    private Metrics() {
    }

    public static String render(List<TargetState> states) {
        StringBuilder s = new StringBuilder();
        head(s, "probe_success", "gauge", "1 when the last probe succeeded");
        for (TargetState st : states) {
            ProbeResult r = st.last();
            if (r != null) {
                line(s, "probe_success", st, "", r.up() ? 1 : 0);
            }
        }
        head(s, "probe_duration_seconds", "gauge", "duration of the last probe by phase");
        for (TargetState st : states) {
            ProbeResult r = st.last();
            if (r == null) {
                continue;
            }
            Timings t = r.timings();
            phase(s, st, "dns", t.dnsNanos());
            phase(s, st, "connect", t.connectNanos());
            if (t.proxyNanos() >= 0) {
                phase(s, st, "proxy", t.proxyNanos());
            }
            phase(s, st, "tls", t.tlsNanos());
            phase(s, st, "first_byte", t.firstByteNanos());
            phase(s, st, "total", t.totalNanos());
        }
        head(s, "probe_http_status_code", "gauge", "HTTP status of the last probe (0 when not HTTP)");
        for (TargetState st : states) {
            ProbeResult r = st.last();
            if (r != null && st.target().kind() == Target.Kind.HTTP) {
                line(s, "probe_http_status_code", st, "", r.status());
            }
        }
        head(s, "probe_tls_cert_expiry_timestamp_seconds", "gauge", "earliest notAfter of the certificate chain");
        for (TargetState st : states) {
            ProbeResult r = st.last();
            if (r != null && r.certExpiresAt() > 0) {
                line(s, "probe_tls_cert_expiry_timestamp_seconds", st, "", r.certExpiresAt());
            }
        }
        head(s, "probe_state_changes_total", "counter", "up/down changes since start");
        for (TargetState st : states) {
            line(s, "probe_state_changes_total", st, "", st.changes());
        }
        return s.toString();
    }

    private static void phase(StringBuilder s, TargetState st, String phase, long nanos) {
        if (nanos >= 0) {
            line(s, "probe_duration_seconds", st, ",phase=\"" + phase + "\"", nanos / 1e9);
        }
    }

    private static void head(StringBuilder s, String name, String type, String help) {
        s.append("# HELP ").append(name).append(' ').append(help).append('\n').append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void line(StringBuilder s, String name, TargetState st, String labels, double value) {
        s.append(name).append("{target=\"").append(escape(st.target().text())).append('"').append(labels).append("} ");
        s.append(value == Math.rint(value) && Math.abs(value) < 1e15 ? String.valueOf((long) value) : String.valueOf(value)).append('\n');
    }

    private static String escape(String label) {
        return label.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
