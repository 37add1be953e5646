package dev.netknife.cli;

import dev.netknife.ExitCode;
import dev.netknife.NkException;
import dev.netknife.http.PageResponder;
import dev.netknife.http.PageServer;
import dev.netknife.monitor.Metrics;
import dev.netknife.monitor.Monitor;
import dev.netknife.monitor.ProbeResult;
import dev.netknife.monitor.Prober;
import dev.netknife.monitor.Target;
import dev.netknife.term.Json;
import dev.netknife.term.JsonResult;
import dev.netknife.term.Sanitizer;
import dev.netknife.term.Style;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/** What nk monitor prints and serves: the --once table, JSON lines per probe, alerts and the metrics page. */
final class MonitorOutput {
    private static final String NAME = MonitorCommand.NAME;

    private MonitorOutput() {
    }

    static int once(List<Target> targets, Prober prober, Invocation inv) throws InterruptedException {
        List<ProbeResult> results = Monitor.once(targets, prober);
        boolean all = results.stream().allMatch(ProbeResult::up);
        if (inv.json()) {
            for (ProbeResult r : results) {
                inv.json(probeJson(r));
            }
        } else {
            for (ProbeResult r : results) {
                inv.data(String.format(Locale.ROOT, "%-40s %s %8s  %s", r.target().text(), state(inv.style(), r.up()),
                        r.up() ? String.format(Locale.ROOT, "%.1f ms", r.millis()) : "-", r.error() == null ? "" : Sanitizer.clean(r.error())));
            }
        }
        return all ? ExitCode.OK.code() : ExitCode.ASSERTION.code();
    }

    static String state(Style style, boolean up) {
        return up ? style.green("up  ") : style.red("down");
    }

    static Json probeJson(ProbeResult r) {
        // null, not 0, where there was no HTTP answer or no certificate (a tcp target, a refused connection)
        Json monitor = Json.object().put("kind", r.target().kind().name().toLowerCase(Locale.ROOT)).put("up", r.up())
                .put("http_status", r.status() == 0 ? null : (long) r.status())
                .put("cert_expires_at", r.certExpiresAt() == 0 ? null : r.certExpiresAt());
        return JsonResult.of(NAME, r.target().text(), r.up() ? ExitCode.OK : ExitCode.ASSERTION,
                r.up() ? null : new NkException(ExitCode.ASSERTION, r.phase(), r.error(), null), r.timings())
                .put("monitor", monitor.put("at_ms", r.atMillis()));
    }

    static void alert(String command, ProbeResult r, Invocation inv) {
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("NK_TARGET", r.target().text());
        pb.environment().put("NK_STATE", r.up() ? "up" : "down");
        pb.environment().put("NK_ERROR", r.error() == null ? "" : r.error());
        try {
            pb.start();
        } catch (IOException e) {
            inv.info("--on-change: cannot run sh: " + e.getMessage());
        }
    }

    /** The --metrics page: /metrics (Prometheus text). */
    static Function<String, PageResponder.Page> metricsPages(Monitor monitor) {
        return path -> path.equals("/metrics") ? new PageResponder.Page(PageServer.PROMETHEUS, Metrics.render(monitor.states())) : null;
    }

    /** The targets still down, for the --wait timeout message. */
    static String down(List<ProbeResult> last) {
        StringBuilder down = new StringBuilder();
        for (ProbeResult r : last) {
            if (!r.up()) {
                down.append(down.isEmpty() ? "" : "; ").append(r.target().text()).append(" (").append(r.error()).append(')');
            }
        }
        return down.toString();
    }

    /** Watch mode without a terminal: one line per change of state. */
    static String changeLine(ProbeResult r) {
        return String.format(Locale.ROOT, "%s %-40s %s%s", java.time.LocalTime.now().withNano(0), r.target().text(), r.up() ? "up" : "down",
                r.error() == null ? String.format(Locale.ROOT, " (%.1f ms)", r.millis()) : ": " + Sanitizer.clean(r.error()));
    }
}
