package dev.netknife.cli;

import dev.netknife.ExitCode;
import dev.netknife.NkException;
import dev.netknife.http.PageServer;
import dev.netknife.io.Durations;
import dev.netknife.monitor.LiveTable;
import dev.netknife.monitor.Monitor;
import dev.netknife.monitor.Prober;
import dev.netknife.monitor.Target;
import java.io.IOException;
import java.util.List;

import picocli.CommandLine.Model.CommandSpec;

/** {@code nk monitor}: probes targets (watch, --once, --wait for CI), with JSON lines, Prometheus metrics and alerts. */
final class MonitorCommand implements NkCommand {
    static final String NAME = "monitor";
    static final String SUMMARY = "Probe TCP, HTTP(S), TLS and UDP targets: watch them, check --once, or --wait until they are up (CI).";

    @Override
    public CommandSpec spec() {
        CommandSpec spec = Specs.command(NAME, SUMMARY,
                "nk monitor [--interval DUR] [--timeout DUR] [--metrics PORT] [--on-change CMD] TARGET...",
                "       nk monitor --once TARGET...",
                "       nk monitor --wait [--max-wait DUR] [--any] TARGET... [-- COMMAND ARGS...]");
        spec.addOption(Specs.option("DUR", "Probe every DUR (default 5s; 1s with --wait).", "--interval"));
        spec.addOption(Specs.option("DUR", "Give up one probe after DUR (default 3s).", "--timeout"));
        spec.addOption(Specs.flag("Probe each target once: exit 0 when all are up, 7 otherwise.", "--once"));
        spec.addOption(Specs.flag("Probe until all targets are up (then exit 0, or run COMMAND and pass its exit code on).", "--wait"));
        spec.addOption(Specs.option("DUR", "With --wait: give up after DUR (default 60s): exit 124, saying what was still down.", "--max-wait"));
        spec.addOption(Specs.flag("With --wait: any one target up is enough.", "--any"));
        spec.addOption(Specs.option("CODES", "HTTP targets: up when the status is in CODES (200 or 200-299; default 200-399).", "--expect-status"));
        spec.addOption(Specs.option("REGEX", "HTTP targets: and the body (first MiB) matches REGEX.", "--expect-body"));
        spec.addOption(Specs.option("N", "TLS and https targets: down when a certificate expires within N days.", "--min-days"));
        spec.addOption(Specs.option("TEXT", "udp:// targets: send TEXT (escapes as in connect --send).", "--send"));
        spec.addOption(Specs.option("REGEX", "udp:// targets: up when a reply matches REGEX (default: any reply).", "--expect"));
        spec.addOption(Specs.option("PORT", "Serve Prometheus metrics at http://127.0.0.1:PORT/metrics.", "--metrics"));
        spec.addOption(Specs.option("ADDR", "Address for --metrics (default 127.0.0.1).", "--bind"));
        spec.addOption(Specs.option("CMD", "Run CMD (sh -c) on every state change after the first probe (not for the state found at start), with NK_TARGET, NK_STATE (up|down), NK_ERROR set.", "--on-change"));
        spec.addOption(Specs.option("FILE|DIR", "Also trust these CA certificates for TLS and https:// targets.", "--cacert"));
        spec.addOption(Specs.flag("Do not verify certificates of TLS and https:// targets.", "--insecure"));
        spec.addOption(Specs.option("URL", "Probe through this proxy (as http-get --proxy; an https:// proxy is checked with --cacert). http(s)"
                + " targets also follow http_proxy, https_proxy, all_proxy and no_proxy, as curl.", "--proxy"));
        spec.addOption(Specs.option("LIST", "Targets to probe without the proxy, as curl's no_proxy.", "--noproxy"));
        spec.addOption(Specs.repeatable("HOST:PORT:ADDR[,ADDR]", "Probe ADDR for HOST at PORT, as curl --resolve (repeatable).", "--resolve"));
        spec.addOption(Specs.repeatable("H1:P1:H2:P2", "Probe H2:P2 instead of H1:P1, as curl --connect-to (repeatable).", "--connect-to"));
        CaptureArgs.add(spec);
        spec.addPositional(Specs.positionals("0..*", "1..*", "TARGET", "HOST:PORT, tcp://, http://, https://, tls://HOST[:PORT], udp://HOST:PORT, STARTTLS and TLS"
                + " mail/database URLs (smtp://HOST, imap://, pop3://, postgres://, ldap://, smtps://, imaps:// ...); @FILE reads one per line."));
        spec.usageMessage().footer(
                "Watch mode (the default) runs until Ctrl-C: on a terminal a live table (state, latency, sparkline, uptime) "
                        + "fitted to the window and redrawn when it is resized (a narrow window drops the sparkline first), left on the "
                        + "screen at the end; otherwise one line per state change; --json prints a JSON line per probe. Every probe "
                        + "has its own virtual thread.");
        return spec;
    }

    @Override
    public int run(Args args, Invocation inv) throws Exception {
        List<String> command = args.afterDoubleDash();
        String[] positionals = args.strings0();
        List<Target> targets = Target.parseAll(List.of(positionals).subList(0, positionals.length - command.size()));
        if (args.flag("--once") && args.flag("--wait")) {
            throw NkException.usage("--once and --wait exclude each other");
        }
        if (!command.isEmpty() && !args.flag("--wait")) {
            throw NkException.usage("a command after -- needs --wait");
        }
        if (!args.flag("--wait")) {
            args.refuse(List.of("--max-wait", "--any"), "needs --wait");
        }
        if (args.flag("--once") || args.flag("--wait")) {
            args.refuse(List.of("--metrics", "--on-change"), "is for watch mode (without --once or --wait)");
        }
        boolean udp = targets.stream().anyMatch(t -> t.kind() == Target.Kind.UDP);
        if (udp && args.string("--send") == null) {
            throw NkException.usage("udp:// targets need --send (and usually --expect)");
        }
        if (!udp) {
            args.refuse(List.of("--send", "--expect"), "is for udp:// targets");
        }
        Prober prober = new Prober(MonitorProbeOptions.from(args, inv));
        if (args.flag("--once")) {
            return MonitorOutput.once(targets, prober, inv);
        }
        long interval = args.millis("--interval", args.flag("--wait") ? 1_000 : 5_000);
        if (interval < 10) {
            throw NkException.usage("--interval must be at least 10ms");
        }
        return args.flag("--wait") ? waitFor(targets, prober, interval, args, command, inv) : watch(targets, prober, interval, args, inv);
    }

    private static int waitFor(List<Target> targets, Prober prober, long interval, Args args, List<String> command, Invocation inv)
            throws Exception {
        long maxWait = args.millis("--max-wait", 60_000);
        boolean any = args.flag("--any");
        if (!inv.json()) { // say once what it waits for: a silent wait looks like a hang
            inv.info("waiting up to " + Durations.format(maxWait) + " for " + (any ? "any of " : "")
                    + String.join(", ", targets.stream().map(Target::text).toList()) + " (a probe every " + Durations.format(interval) + ")");
        }
        Monitor.Waited waited = Monitor.waitFor(targets, prober, interval, maxWait, any, (r, state, changed) -> {
            if (inv.json()) {
                inv.json(MonitorOutput.probeJson(r));
            } else if (changed) {
                inv.verboseInfo(MonitorOutput.changeLine(r)); // with -v: each target's state as it changes
            }
        });
        if (!waited.done()) {
            throw NkException.timeout("total", "still down after " + Durations.format(maxWait) + ": " + MonitorOutput.down(waited.last()));
        }
        inv.verboseInfo((any ? "a target is up" : "all targets are up") + (command.isEmpty() ? "" : "; running " + String.join(" ", command)));
        if (command.isEmpty()) {
            return ExitCode.OK.code();
        }
        Process p;
        try {
            p = new ProcessBuilder(command).inheritIO().start();
        } catch (IOException e) {
            throw new NkException(ExitCode.FAILURE, null, "cannot run " + command.getFirst() + ": " + e.getMessage(), e);
        }
        return p.waitFor();
    }

    private static int watch(List<Target> targets, Prober prober, long interval, Args args, Invocation inv) throws Exception {
        boolean live = !inv.json() && inv.ttys().stdout() && !"dumb".equals(inv.env().get("TERM"));
        String onChange = args.string("--on-change");
        Monitor monitor = new Monitor(targets, prober, interval, (r, st, changed) -> {
            if (inv.json()) {
                inv.json(MonitorOutput.probeJson(r).put("changed", changed));
            } else if (changed && !live) {
                inv.data(MonitorOutput.changeLine(r));
            }
            if (changed && st.changes() > 0 && onChange != null) { // a change, not the first probe's state
                MonitorOutput.alert(onChange, r, inv);
            }
        });
        PageServer metrics = args.string("--metrics") == null ? null
                : PageServer.start(args.bindAddress("--bind", "127.0.0.1"), args.port("--metrics"), MonitorOutput.metricsPages(monitor));
        if (metrics != null) {
            inv.info("metrics on http://" + ServerLifecycle.address(metrics.address()) + "/metrics");
        }
        monitor.start();
        try {
            if (live) {
                LiveTable.show(monitor, interval, inv.out(), inv.style(), inv.env());
            } else {
                Thread.sleep(Long.MAX_VALUE);
            }
        } catch (InterruptedException e) {
            // Ctrl-C or SIGTERM
        } finally {
            monitor.close();
            if (metrics != null) {
                metrics.close();
            }
        }
        return ExitCode.INTERRUPTED.code();
    }
}
