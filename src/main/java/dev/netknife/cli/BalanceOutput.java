package dev.netknife.cli;

import dev.netknife.balance.Backend;
import dev.netknife.balance.Balancer;
import dev.netknife.balance.StatsView;
import dev.netknife.http.PageResponder;
import dev.netknife.http.PageServer;
import dev.netknife.io.Server;
import dev.netknife.term.JsonResult;
import dev.netknife.term.Units;
import java.util.function.Function;

/** What nk balance prints: its log lines, the summary at exit, and the --stats HTTP pages. */
final class BalanceOutput {
    private BalanceOutput() {
    }

    static void log(Invocation inv, String event, Backend backend, String detail) {
        if (inv.json()) {
            inv.json(JsonResult.event(BalanceCommand.NAME, event)
                    .put("backend", backend == null ? null : backend.name()).put("detail", detail));
        } else {
            inv.info((backend == null ? "" : "backend " + backend.name() + " ") + event + ": " + detail);
        }
    }

    static void summary(Invocation inv, Server.Stats stats, Balancer balancer) {
        if (inv.json()) {
            inv.json(StatsView.json(balancer.backends()).put("event", "summary").put("connections", stats.accepted())
                    .put("refused_no_backend", balancer.refusedNoBackend()));
            return;
        }
        inv.info("stopped: " + stats.accepted() + (stats.accepted() == 1 ? " connection, " : " connections, ")
                + Units.bytes(stats.bytesIn()) + " in, " + Units.bytes(stats.bytesOut()) + " out");
        if (!inv.quiet()) {
            inv.err().print(StatsView.table(balancer.backends(), inv.style()));
        }
    }

    /** The --stats pages: / (JSON) and /metrics (Prometheus text). */
    static Function<String, PageResponder.Page> statsPages(Balancer balancer) {
        return path -> switch (path) {
            case "/metrics" -> new PageResponder.Page(PageServer.PROMETHEUS, StatsView.prometheus(balancer.backends()));
            case "/", "/stats" -> new PageResponder.Page("application/json", StatsView.json(balancer.backends()) + "\n");
            default -> null;
        };
    }
}
