package dev.netknife.cli;

import dev.netknife.NkException;
import dev.netknife.io.Escapes;
import dev.netknife.io.IpVersion;
import dev.netknife.io.Ports;
import dev.netknife.term.HexDump;
import dev.netknife.term.Json;
import dev.netknife.term.JsonResult;
import dev.netknife.term.Sanitizer;
import dev.netknife.term.Units;
import dev.netknife.udp.Datagrams;
import dev.netknife.udp.UdpServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** {@code nk udp --listen}: prints (or echoes) datagrams until Ctrl-C, then a summary. */
final class UdpListen {
    private final Invocation inv;

    UdpListen(Invocation inv) {
        this.inv = inv;
    }

    int run(Args args, IpVersion version) {
        InetAddress bind = args.bindAddress("--bind", version == IpVersion.V6 ? "::1" : "127.0.0.1");
        if (!version.accepts(bind)) {
            throw NkException.usage("--bind " + args.string("--bind") + " is not an " + (version == IpVersion.V4 ? "IPv4" : "IPv6") + " address");
        }
        boolean echo = args.flag("--echo");
        String prefix = args.string("--prefix");
        if (prefix != null && !echo) {
            throw NkException.usage("--prefix needs --echo");
        }
        int limit = Datagrams.max(bind);
        UdpServer.Config config = new UdpServer.Config(bind, Ports.parse(args.positional(0)), echo,
                prefix == null ? new byte[0] : Escapes.decode(prefix), args.rate("--rate"),
                args.bytes("--max-datagram", limit, 0, limit));
        UdpServer server = UdpServer.bind(config, new Printer(inv, echo, args.flag("--hex")));
        server.capture(CaptureArgs.tap(inv));
        return ServerLifecycle.serve(server.address(), server::serve, server::close, () -> summary(server.stats()), inv);
    }

    private void summary(UdpServer.Stats stats) {
        long dropped = stats.oversized() + stats.rateLimited();
        if (inv.json()) {
            inv.json(JsonResult.event(inv.command(), "summary")
                    .put("datagrams", stats.received()).put("bytes_in", stats.bytesIn())
                    .put("echoed", stats.echoed()).put("bytes_out", stats.bytesOut())
                    .put("oversized", stats.oversized()).put("rate_limited", stats.rateLimited()).put("send_failed", stats.sendFailed()));
        } else {
            inv.info("stopped: " + stats.received() + (stats.received() == 1 ? " datagram, " : " datagrams, ")
                    + Units.bytes(stats.bytesIn()) + " in"
                    + (stats.echoed() > 0 ? ", " + stats.echoed() + " echoed (" + Units.bytes(stats.bytesOut()) + ")" : "")
                    + (dropped > 0 ? ", dropped " + stats.oversized() + " oversized and " + stats.rateLimited() + " over the rate" : "")
                    + (stats.sendFailed() > 0 ? ", " + stats.sendFailed() + " echoes failed" : ""));
        }
    }

    /** Prints each datagram: the server's output without --echo; with --echo, only under -v (on stderr, or JSON lines). */
    private record Printer(Invocation inv, boolean echo, boolean hex) implements UdpServer.Listener {

        @Override
        public void received(InetSocketAddress from, ByteBuffer payload) {
            if (echo && !inv.verbose()) {
                return;
            }
            String source = ServerLifecycle.address(from);
            if (inv.json()) {
                inv.json(Payloads.describe(event("datagram", source).put("size", payload.remaining()), payload, hex));
                return;
            }
            String text = head(source, payload.remaining()) + (hex ? "" : " " + Sanitizer.clean(printable(payload)));
            if (hex) {
                ByteArrayOutputStream dump = new ByteArrayOutputStream();
                new HexDump(new PrintStream(dump, true, StandardCharsets.UTF_8), '<').bytes(payload.duplicate());
                text = text + System.lineSeparator() + dump.toString(StandardCharsets.UTF_8).stripTrailing();
            }
            if (echo) {
                inv.verboseInfo(text);
            } else {
                inv.data(text);
            }
        }

        @Override
        public void dropped(InetSocketAddress from, int size, UdpServer.Drop reason, String detail) {
            String source = ServerLifecycle.address(from);
            if (inv.json()) {
                if (inv.verbose()) {
                    inv.json(event("drop", source).put("size", size).put("reason", reason.name().toLowerCase(java.util.Locale.ROOT))
                            .put("detail", detail));
                }
            } else {
                inv.verboseInfo("dropped " + head(source, size) + " " + detail);
            }
        }

        private static String head(String source, int size) {
            return source + " " + size + " B:";
        }

        private static String printable(ByteBuffer payload) {
            String text = Payloads.utf8(payload.duplicate());
            if (text == null) {
                byte[] bytes = new byte[payload.remaining()];
                payload.duplicate().get(bytes);
                text = new String(bytes, StandardCharsets.ISO_8859_1);
            }
            return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        }

        private Json event(String event, String source) {
            return JsonResult.event(inv.command(), event).put("from", source);
        }
    }
}
