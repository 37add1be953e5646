package dev.netknife.cli;

import dev.netknife.balance.Backend;
import dev.netknife.balance.Balancer;
import dev.netknife.balance.Faults;
import dev.netknife.balance.FaultsApi;
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
        if (event.equals("fault") && !inv.json() && !inv.verbose()) {
            return; // one line per connection a fault cut: with -v
        }
        if (inv.json()) {
            inv.json(JsonResult.event(BalanceCommand.NAME, event)
                    .put("backend", backend == null ? null : backend.name()).put("detail", detail));
        } else {
            inv.info((backend == null ? "" : "backend " + backend.name() + " ") + event + ": " + detail);
        }
    }

    /** --stats-interval: the backend table on stderr every {@code millis}, on a thread of its own (interrupt it to stop). */
    static Thread tableEvery(long millis, Balancer balancer, Invocation inv) {
        return Thread.ofVirtual().name("nk-stats-table").start(() -> {
            try {
                while (true) {
                    Thread.sleep(millis);
                    inv.err().print(StatsView.table(balancer.backends(), inv.style()));
                    inv.err().flush();
                }
            } catch (InterruptedException e) {
                // stopping
            }
        });
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
    static Function<PageResponder.Request, PageResponder.Page> statsPages(Balancer balancer, Faults faults) {
        return request -> {
            if (faults != null && (request.path().equals("/faults") || request.path().startsWith("/faults/"))) {
                return FaultsApi.handle(faults, request);
            }
            if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
                return PageResponder.Page.error(405, "method not allowed");
            }
            return switch (request.path()) {
                case "/metrics" -> new PageResponder.Page(PageServer.PROMETHEUS, StatsView.prometheus(balancer.backends()));
                case "/", "/stats" -> new PageResponder.Page("application/json", StatsView.json(balancer.backends()) + "\n");
                default -> null;
            };
        };
    }
}
