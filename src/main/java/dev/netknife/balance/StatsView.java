package dev.netknife.balance;

import dev.netknife.term.Json;
import dev.netknife.term.Style;
import dev.netknife.term.Units;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The balancer's counters as a table (stderr), a JSON document and Prometheus text. */
public final class StatsView {
    private StatsView() {
    }

    public static String table(List<Backend> backends, Style style) {
        StringBuilder s = new StringBuilder();
        s.append(String.format("%-24s %-5s %6s %8s %8s %10s %10s %8s%n", "backend", "state", "active", "total", "failures", "in", "out", "connect"));
        for (Backend b : backends) {
            Backend.Snapshot x = b.snapshot();
            String state = String.format("%-5s", x.up() ? "UP" : "DOWN");
            s.append(String.format("%-24s %s %6d %8d %8d %10s %10s %8s%n", x.name(), x.up() ? style.green(state) : style.red(state),
                    x.active(), x.total(), x.failures(), Units.bytes(x.bytesIn()), Units.bytes(x.bytesOut()),
                    x.connectMillis() < 0 ? "-" : String.format(Locale.ROOT, "%.1f ms", x.connectMillis())));
        }
        return s.toString();
    }

    public static Json json(List<Backend> backends) {
        List<Json> rows = new ArrayList<>();
        for (Backend b : backends) {
            Backend.Snapshot x = b.snapshot();
            rows.add(Json.object().put("backend", x.name()).put("weight", x.weight()).put("state", x.up() ? "up" : "down")
                    .put("active", x.active()).put("total", x.total()).put("failures", x.failures())
                    .put("bytes_in", x.bytesIn()).put("bytes_out", x.bytesOut()).putMillis("connect_ms", x.connectMillis() < 0 ? -1 : Math.round(x.connectMillis() * 1000) / 1000.0)
                    .put("why", x.why().isEmpty() ? null : x.why()));
        }
        return Json.object().put("schema", dev.netknife.term.JsonResult.SCHEMA).put("command", "balance").put("backends", rows);
    }

    public static String prometheus(List<Backend> backends) {
        StringBuilder s = new StringBuilder();
        metric(s, "nk_balance_backend_up", "gauge", "1 when the backend is up", backends, x -> x.up() ? 1 : 0);
        metric(s, "nk_balance_backend_active_connections", "gauge", "connections open now", backends, x -> x.active());
        metric(s, "nk_balance_backend_connections_total", "counter", "connections served", backends, x -> x.total());
        metric(s, "nk_balance_backend_failures_total", "counter", "failed connects", backends, x -> x.failures());
        metric(s, "nk_balance_backend_bytes_in_total", "counter", "bytes from clients to the backend", backends, x -> x.bytesIn());
        metric(s, "nk_balance_backend_bytes_out_total", "counter", "bytes from the backend to clients", backends, x -> x.bytesOut());
        metric(s, "nk_balance_backend_connect_seconds", "gauge", "connect latency (moving average)", backends,
                x -> x.connectMillis() < 0 ? Double.NaN : x.connectMillis() / 1000);
        return s.toString();
    }

    private interface Value {
        double of(Backend.Snapshot x);
    }

    private static void metric(StringBuilder s, String name, String type, String help, List<Backend> backends, Value value) {
        s.append("# HELP ").append(name).append(' ').append(help).append('\n');
        s.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        for (Backend b : backends) {
            Backend.Snapshot x = b.snapshot();
            double v = value.of(x);
            s.append(name).append("{backend=\"").append(x.name()).append("\"} ")
                    .append(Double.isNaN(v) ? "NaN" : v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.valueOf(v))
                    .append('\n');
        }
    }
}
