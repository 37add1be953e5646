package dev.netknife.cli;

import dev.netknife.ExitCode;
import dev.netknife.NkException;
import dev.netknife.io.Durations;
import dev.netknife.io.Endpoint;
import dev.netknife.io.Timings;
import dev.netknife.term.HexDump;
import dev.netknife.term.JsonResult;
import dev.netknife.udp.UdpClient;
import java.io.OutputStream;

/** How nk udp shows replies (text, hex or JSON lines) and what its exchange's outcome means as an exit code. */
final class UdpResults {
    private static final String NAME = UdpCommand.NAME;

    private UdpResults() {
    }

    static UdpClient.Replies replies(Args args, Invocation inv) {
        if (inv.json()) {
            return (payload, from, rtt) -> inv.json(Payloads.describe(JsonResult.event(NAME, "reply").put("from", ServerLifecycle.address(from))
                    .put("size", payload.remaining()).putMillis("rtt_ms", Timings.millis(rtt)), payload, args.flag("--hex")));
        }
        if (args.flag("--hex")) {
            return (payload, from, rtt) -> new HexDump(inv.out(), '<').bytes(payload);
        }
        OutputStream out = inv.data();
        boolean raw = args.flag("--binary"); // bytes as they came, as ws --binary: a file sent and echoed comes back whole
        return (payload, from, rtt) -> {
            byte[] line = new byte[payload.remaining() + (raw ? 0 : 1)];
            payload.get(line, 0, payload.remaining());
            if (!raw) {
                line[line.length - 1] = '\n';
            }
            synchronized (out) {
                out.write(line);
                out.flush();
            }
        };
    }

    static ExitCode exitCode(UdpClient.Result result, UdpClient.Options options) {
        return switch (result.outcome()) {
            case MATCHED -> ExitCode.OK;
            case PORT_UNREACHABLE -> ExitCode.REFUSED;
            case COUNT_REACHED -> options.expect() == null ? ExitCode.OK : ExitCode.ASSERTION;
            case TIMED_OUT -> options.expect() != null ? ExitCode.ASSERTION
                    : options.count() > 0 ? ExitCode.TIMEOUT
                    : result.received() == 0 && options.timeoutMillis() > 0 ? ExitCode.TIMEOUT : ExitCode.OK; // --timeout 0: no reply expected
        };
    }

    static NkException failure(ExitCode code, UdpClient.Result result, UdpClient.Options options, Endpoint target) {
        return switch (code) {
            case OK -> null;
            case REFUSED -> new NkException(ExitCode.REFUSED, "connect", "port unreachable: nothing listens on UDP " + target, null);
            case ASSERTION -> new NkException(ExitCode.ASSERTION, null, "no reply matched '" + options.expect().pattern() + "' ("
                    + result.received() + (result.received() == 1 ? " reply" : " replies") + " from " + target + ")", null);
            default -> NkException.timeout("first-byte", (options.count() > 0
                    ? result.received() + " of " + options.count() + " replies" : "no reply") + " within "
                    + Durations.format(options.timeoutMillis()) + " after the last datagram (" + target + ")");
        };
    }
}
