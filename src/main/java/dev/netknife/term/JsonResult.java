package dev.netknife.term;

import dev.netknife.ExitCode;
import dev.netknife.NkException;
import dev.netknife.io.Timings;

/**
 * The fields every subcommand's {@code --json} result shares: schema, command, target, ok,
 * exit_code, error {kind, phase, message} and timings {dns, connect, tls, first_byte, total} in ms.
 * A command adds its own section after these.
 */
public final class JsonResult {
    public static final String SCHEMA = "nk/1";

    private JsonResult() {
    }

    public static Json of(String command, String target, ExitCode code, NkException error, Timings timings) {
        return Json.object()
                .put("schema", SCHEMA)
                .put("command", command)
                .put("target", target)
                .put("ok", code == ExitCode.OK)
                .put("exit_code", code.code())
                .put("error", error == null ? null : error(error))
                .put("timings", timings(timings == null ? Timings.NONE : timings));
    }

    /** The head of a line in a JSON stream (a server's log, a message, a summary): schema, command and what happened. */
    public static Json event(String command, String event) {
        return Json.object().put("schema", SCHEMA).put("command", command).put("event", event);
    }

    public static Json error(NkException error) {
        return Json.object()
                .put("kind", error.kind())
                .put("phase", error.phase())
                .put("message", error.getMessage());
    }

    /** The phases; {@code proxy} only when a proxy was used (it is not a phase of a direct connection). */
    public static Json timings(Timings t) {
        Json json = Json.object()
                .putMillis("dns", Timings.millis(t.dnsNanos()))
                .putMillis("connect", Timings.millis(t.connectNanos()));
        if (t.proxyNanos() >= 0) {
            json.putMillis("proxy", Timings.millis(t.proxyNanos()));
        }
        return json
                .putMillis("tls", Timings.millis(t.tlsNanos()))
                .putMillis("first_byte", Timings.millis(t.firstByteNanos()))
                .putMillis("total", Timings.millis(t.totalNanos()));
    }
}
