package dev.netknife.cli;

import dev.netknife.NkException;
import dev.netknife.balance.Backend;
import dev.netknife.balance.Balancer;
import dev.netknife.balance.Faults;
import dev.netknife.balance.Strategy;
import dev.netknife.http.PageServer;
import dev.netknife.io.Proxies;
import dev.netknife.io.Durations;
import dev.netknife.io.Endpoint;
import dev.netknife.io.Ports;
import dev.netknife.io.Server;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

import picocli.CommandLine.Model.CommandSpec;

/** {@code nk balance}: a TCP load balancer with passive and active health checks, PROXY protocol, drain and stats. */
final class BalanceCommand implements NkCommand {
    static final String NAME = "balance";
    static final String SUMMARY = "TCP load balancer: round-robin, least-conn or random over backends, with health checks, drain and stats.";

    @Override
    public CommandSpec spec() {
        CommandSpec spec = Specs.command(NAME, SUMMARY,
                "nk balance [--bind ADDR] [--strategy round-robin|least-conn|random] [options] [ADDR:]PORT BACKEND...");
        spec.addOption(Specs.option("ADDR", "Address to listen on (default 127.0.0.1).", "--bind"));
        spec.addOption(Specs.choice("NAME", "round-robin (default; weighted), least-conn or random.",
                java.util.List.of("round-robin", "least-conn", "random"), "--strategy"));
        spec.addOption(Specs.option("DUR", "Give up connecting to a backend after DUR (default 5s); the client is retried on the next.", "--connect-timeout"));
        spec.addOption(Specs.option("N", "Try at most N other backends after a failed connect (default: every backend once).", "--retries"));
        spec.addOption(Specs.option("DUR", "Close a connection when no byte moved either way for DUR.", "--idle-timeout"));
        spec.addOption(Specs.option("N", "At most N client connections at once; more wait in the listen backlog.", "--max-conns"));
        spec.addOption(Specs.option("R", "New connections per client address (N, N/s or N/m); more are closed at once.", "--rate"));
        spec.addOption(Specs.flag("Send a PROXY protocol v1 header to backends (they see the client's address).", "--send-proxy"));
        spec.addOption(Specs.flag("Send a PROXY protocol v2 (binary) header instead.", "--send-proxy-v2"));
        spec.addOption(Specs.option("DUR", "Active health check every DUR (TCP connect, or --health-http).", "--health-interval"));
        spec.addOption(Specs.option("PATH", "Active check: GET PATH, up on a 2xx or 3xx answer.", "--health-http"));
        spec.addOption(Specs.option("N", "Checks to pass before a down backend is up again (default 2).", "--rise"));
        spec.addOption(Specs.option("N", "Checks to fail before an up backend is down (default 3).", "--fall"));
        spec.addOption(Specs.option("DUR", "Without active checks, retry a backend DUR after a failed connect (default 10s).", "--fail-timeout"));
        spec.addOption(Specs.option("DUR", "On SIGTERM or Ctrl-C, let open connections finish for up to DUR (default 10s).", "--drain-timeout"));
        spec.addOption(Specs.option("DUR", "Print the backend table on stderr every DUR.", "--stats-interval"));
        spec.addOption(Specs.option("PORT", "Serve stats over HTTP on PORT (same address): / as JSON, /metrics for Prometheus, and the faults"
                + " API: GET, POST and DELETE /faults.", "--stats"));
        spec.addOption(Specs.repeatable("SPEC", "Inject a fault: [upstream:|downstream:]KIND[=VALUE][,KEY=VALUE...] with KIND latency=DUR"
                + " (jitter=DUR), bandwidth=SIZE (bytes/s), slice=SIZE (delay=DUR between), reset-after=SIZE, close-after=SIZE or"
                + " timeout[=DUR] (hold the bytes; close after DUR); probability=P for a share of the connections, name=NAME."
                + " Both directions unless one is named (repeatable).", "--fault"));
        spec.addOption(Specs.option("URL", "Reach the backends through this proxy (socks5://, socks5h://, socks4://, socks4a:// or http://"
                + " CONNECT; as connect --proxy).", "--proxy"));
        CaptureArgs.add(spec);
        spec.addPositional(Specs.positional("0", "1", "[ADDR:]PORT", "Port to listen on, or ADDR:PORT ([v6addr]:PORT) to name the address too."));
        spec.addPositional(Specs.positionals("1..*", "1..*", "BACKEND", "HOST:PORT or unix:PATH (a Unix domain socket), optionally =WEIGHT (1-1000)."));
        spec.usageMessage().footer(
                "A failed connect marks the backend down and the client goes to the next one. Half-closes pass through both "
                        + "ways. The address goes to stdout when ready; backend state changes go to stderr (JSON lines with --json).");
        return spec;
    }

    @Override
    public int run(Args args, Invocation inv) throws Exception {
        List<Backend> backends = new ArrayList<>();
        String[] all = args.strings0();
        for (int i = 1; i < all.length; i++) {
            backends.add(Backend.parse(all[i]));
        }
        if (args.flag("--send-proxy") && args.flag("--send-proxy-v2")) {
            throw NkException.usage("--send-proxy and --send-proxy-v2 exclude each other");
        }
        if (!args.flag("--health-interval")) {
            args.refuse(List.of("--health-http", "--rise", "--fall"), "needs --health-interval");
        }
        String healthPath = args.string("--health-http");
        if (healthPath != null && !healthPath.startsWith("/")) {
            throw NkException.usage("--health-http: bad path '" + healthPath + "': expected /PATH");
        }
        long drainMillis = args.millis("--drain-timeout", 10_000);
        long every = args.millis("--stats-interval", 0);
        int statsPort = args.string("--stats") == null ? -1 : args.port("--stats");
        // PORT, or ADDR:PORT as everywhere else ([v6]:PORT too); the address is then the one to listen on
        String listenArg = args.positional(0);
        boolean withAddress = listenArg.indexOf(':') >= 0;
        if (withAddress && args.string("--bind") != null) {
            throw NkException.usage("give the listen address once: --bind ADDR PORT, or ADDR:PORT");
        }
        Endpoint listenAt = withAddress ? Endpoint.parse(listenArg) : null;
        InetAddress bind = withAddress ? Args.address("listen address", listenAt.host()) : args.bindAddress("--bind", "127.0.0.1");
        Server.Config listen = new Server.Config(bind, withAddress ? listenAt.port() : Ports.parse(listenArg), args.integer("--max-conns", 0, 1, 10_000_000),
                args.millis("--idle-timeout", 0), args.rate("--rate"));
        Faults faults = faults(args, statsPort >= 0);
        // every option is checked before the balancer starts its health checks
        Balancer balancer = new Balancer(new Balancer.Config(backends,
                args.string("--strategy") == null ? Strategy.ROUND_ROBIN : Strategy.parse(args.string("--strategy")),
                args.positiveMillis("--connect-timeout", 5_000), args.integer("--retries", backends.size() - 1, 0, 1000),
                args.flag("--send-proxy") ? 1 : args.flag("--send-proxy-v2") ? 2 : 0,
                args.millis("--health-interval", 0), args.string("--health-http"),
                args.integer("--rise", 2, 1, 1000), args.integer("--fall", 3, 1, 1000), args.millis("--fail-timeout", 10_000),
                balanceProxies(args, inv), inv.wiretap("backend", "nk balance to its backends"), faults),
                (event, backend, detail) -> BalanceOutput.log(inv, event, backend, detail));
        Server server = Server.bind(listen, inv.wiretap("client", "clients of nk balance").tap(balancer::handle), new Server.Events() {
        });
        PageServer stats = statsPort < 0 ? null : PageServer.startApi(bind, statsPort, BalanceOutput.statsPages(balancer, faults));
        List<Thread> helpers = new ArrayList<>();
        if (stats != null) {
            inv.info("stats on http://" + ServerLifecycle.address(stats.address()) + "/ (JSON) and /metrics (Prometheus); faults at /faults");
        }
        if (faults != null) {
            faults.active().forEach(f -> inv.info("fault " + f.name() + ": " + f.spec()));
        }
        if (every > 0) {
            helpers.add(BalanceOutput.tableEvery(every, balancer, inv));
        }
        return ServerLifecycle.serve(server.address(), server::serve, () -> {
            int left = server.drain(drainMillis);
            if (left > 0) {
                inv.info("drain: " + left + " connection(s) still open after " + Durations.format(drainMillis) + "; closing them");
            }
            server.close();
            balancer.close();
            if (stats != null) {
                stats.close();
            }
            helpers.forEach(Thread::interrupt);
        }, () -> BalanceOutput.summary(inv, server.stats(), balancer), drainMillis + 2_000, inv);
    }

    /** The --fault options; null when there are none and no --stats port to add some later (no fault path then). */
    private static Faults faults(Args args, boolean api) {
        String[] specs = args.strings("--fault");
        if (specs.length == 0 && !api) {
            return null;
        }
        try {
            return Faults.parse(List.of(specs));
        } catch (IllegalArgumentException e) {
            throw NkException.usage("--fault: " + e.getMessage());
        }
    }

    /** --proxy for the backends; an https:// proxy (TLS per backend connection) is not offered here. */
    private static Proxies balanceProxies(Args args, Invocation inv) {
        Proxies proxies = Proxies.of(args.string("--proxy"), null, inv.env(), false);
        if (proxies.anyHttps()) {
            throw NkException.usage("balance --proxy takes socks4, socks4a, socks5, socks5h or http proxies, not https://");
        }
        return proxies;
    }
}
