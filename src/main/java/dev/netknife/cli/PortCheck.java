package dev.netknife.cli;

import dev.netknife.ExitCode;
import dev.netknife.NkException;
import dev.netknife.io.Dialer;
import dev.netknife.io.Endpoint;
import dev.netknife.io.PortScan;
import dev.netknife.io.Ports;
import dev.netknife.io.Timings;
import dev.netknife.term.Json;
import dev.netknife.term.JsonResult;
import dev.netknife.term.Style;
import dev.netknife.term.Units;

/**
 * Renders {@code connect -z}: one line per port on stdout (for several, open ports only unless
 * {@code -v}), or one JSON result per port with {@code --json}.
 */
final class PortCheck {
    private final Invocation inv;

    PortCheck(Invocation inv) {
        this.inv = inv;
    }

    /** {@code any}: exit 0 when at least one port is open (nc's meaning), rather than all. */
    int run(String hostArg, String portArg, Dialer dialer, int concurrency, boolean any) throws InterruptedException {
        String host;
        String ports;
        if (portArg == null) {
            int colon = hostArg.lastIndexOf(':');
            if (colon < 0) {
                throw NkException.usage("missing port: expected HOST PORT, HOST FROM-TO, HOST 22,80,443 or HOST:PORT");
            }
            host = hostArg.startsWith("[") ? hostArg.substring(1, hostArg.lastIndexOf(']')) : hostArg.substring(0, colon);
            ports = hostArg.substring(colon + 1);
        } else {
            host = hostArg.startsWith("[") && hostArg.endsWith("]") ? hostArg.substring(1, hostArg.length() - 1) : hostArg;
            ports = portArg;
        }
        int[] list = Ports.parseList(ports);
        new Endpoint(host, list[0]);
        PortScan.Result result;
        try {
            result = new PortScan(dialer, concurrency).scan(host, list);
        } catch (NkException e) {
            if (inv.json()) {
                inv.result(JsonResult.of(ConnectCommand.NAME, Endpoint.format(host, list[0]), e.exitCode(), e, Timings.NONE));
            }
            throw e;
        }
        Style style = inv.style();
        int open = 0;
        for (PortScan.PortResult port : result.ports()) {
            String target = Endpoint.format(host, port.port());
            if (port.open()) {
                open++;
            }
            if (inv.json()) {
                NkException error = port.open() ? null : new NkException(port.code(), "connect", port.reason(), null);
                inv.result(JsonResult.of(ConnectCommand.NAME, target, port.open() ? ExitCode.OK : port.code(), error,
                        Timings.connected(result.dnsNanos(), port.connectNanos()))
                        .put("port_check", Json.object().put("address", Endpoint.text(result.address())).put("port", port.port())
                                .put("open", port.open()).put("reason", port.reason())));
            } else if (!inv.quiet() && (port.open() || list.length == 1 || inv.verbose())) {
                inv.data(String.format("%-28s %s  %s", target,
                        port.open() ? style.green("open  ") : style.red("closed"),
                        port.open() ? Units.millis(port.connectNanos()) : port.reason()));
            }
        }
        if (list.length > 1 && !inv.json()) {
            inv.info(open + " of " + list.length + " ports open on " + host + " (" + Endpoint.text(result.address()) + ")");
        }
        if (list.length == 1) {
            return result.ports().getFirst().open() ? ExitCode.OK.code() : result.ports().getFirst().code().code(); // 124 for a timeout
        }
        return open == list.length || any && open > 0 ? ExitCode.OK.code() : ExitCode.REFUSED.code();
    }
}
