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
 * Renders {@code connect -z}: one line per port on stdout (for a range, open ports only unless
 * {@code -v}), or one JSON result per port with {@code --json}.
 */
final class PortCheck {
    private final Invocation inv;

    PortCheck(Invocation inv) {
        this.inv = inv;
    }

    int run(String hostArg, String portArg, Dialer dialer, int concurrency) throws InterruptedException {
        String host;
        String ports;
        if (portArg == null) {
            int colon = hostArg.lastIndexOf(':');
            if (colon < 0) {
                throw NkException.usage("missing port: expected HOST PORT, HOST FROM-TO or HOST:PORT");
            }
            host = hostArg.startsWith("[") ? hostArg.substring(1, hostArg.lastIndexOf(']')) : hostArg.substring(0, colon);
            ports = hostArg.substring(colon + 1);
        } else {
            host = hostArg.startsWith("[") && hostArg.endsWith("]") ? hostArg.substring(1, hostArg.length() - 1) : hostArg;
            ports = portArg;
        }
        Ports.Range range = Ports.parseRange(ports);
        new Endpoint(host, range.from());
        PortScan.Result result;
        try {
            result = new PortScan(dialer, concurrency).scan(host, range);
        } catch (NkException e) {
            if (inv.json()) {
                inv.result(JsonResult.of(ConnectCommand.NAME, Endpoint.format(host, range.from()), e.exitCode(), e, Timings.NONE));
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
                        new Timings(result.dnsNanos(), port.connectNanos(), -1, -1, -1))
                        .put("port_check", Json.object().put("address", Endpoint.text(result.address())).put("port", port.port())
                                .put("open", port.open()).put("reason", port.reason())));
            } else if (!inv.quiet() && (port.open() || range.size() == 1 || inv.verbose())) {
                inv.data(String.format("%-28s %s  %s", target,
                        port.open() ? style.green("open  ") : style.red("closed"),
                        port.open() ? Units.millis(port.connectNanos()) : port.reason()));
            }
        }
        if (range.size() > 1 && !inv.json()) {
            inv.info(open + " of " + range.size() + " ports open on " + host + " (" + Endpoint.text(result.address()) + ")");
        }
        if (range.size() == 1) {
            return result.ports().getFirst().open() ? ExitCode.OK.code() : result.ports().getFirst().code().code(); // 124 for a timeout
        }
        return open == range.size() ? ExitCode.OK.code() : ExitCode.REFUSED.code();
    }
}
