package dev.netknife.cli;

import dev.netknife.ExitCode;
import dev.netknife.NkException;
import dev.netknife.io.Timings;
import dev.netknife.term.HexDump;
import dev.netknife.term.JsonResult;
import dev.netknife.term.Units;
import dev.netknife.ws.WsClient;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * Messages received to stdout: text and a newline, binary raw (or a hex dump) and a newline, or with --binary raw alone; with
 * --json both directions as JSON lines. Keepalive round trips show with -v (or as JSON lines).
 */
record WsPrinter(Invocation inv, OutputStream out, boolean hex, boolean rawBinary, long start) implements WsClient.Listener {
    /** {@code rawBinary} (--binary): binary messages go out as their bytes alone, so a file sent and echoed back comes back whole. */
    WsPrinter(Invocation inv, boolean hex, boolean rawBinary, long start) {
        this(inv, inv.data(), hex, rawBinary, start);
    }

    @Override
    public void message(boolean incoming, boolean text, ByteBuffer payload) {
        if (incoming || inv.json()) {
            print(incoming ? "in" : "out", text, payload);
        }
    }

    @Override
    public void warning(String text) {
        inv.info("warning: " + text);
    }

    @Override
    public void pong(long roundTripNanos) {
        if (inv.json()) {
            inv.json(JsonResult.event(WsCommand.NAME, "pong")
                    .putMillis("rtt_ms", Timings.millis(roundTripNanos)).putMillis("time_ms", Timings.millis(System.nanoTime() - start)));
        } else {
            inv.verboseInfo("pong in " + Units.millis(roundTripNanos));
        }
    }

    private void print(String direction, boolean text, ByteBuffer payload) {
        if (inv.json()) {
            inv.json(Payloads.describe(JsonResult.event(WsCommand.NAME, "message")
                    .put("direction", direction).put("type", text ? "text" : "binary").put("size", payload.remaining())
                    .putMillis("time_ms", Timings.millis(System.nanoTime() - start)), payload, !text && hex));
            return;
        }
        if (!text && hex) {
            new HexDump(inv.out(), '<').bytes(payload.duplicate());
            return;
        }
        try {
            synchronized (out) {
                out.write(payload.array(), payload.arrayOffset() + payload.position(), payload.remaining());
                if (text || !rawBinary) {
                    out.write('\n');
                }
            }
        } catch (IOException e) {
            throw new NkException(ExitCode.FAILURE, null, "cannot write to stdout: " + e.getMessage(), e);
        }
    }

    /** Flushes stdout; the receiver calls it when no further message is waiting. */
    @Override
    public void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new NkException(ExitCode.FAILURE, null, "cannot write to stdout: " + e.getMessage(), e);
        }
    }
}
