package dev.netknife.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.netknife.support.Background;
import dev.netknife.support.NkRun;
import dev.netknife.support.Peers;
import dev.netknife.support.TestCerts;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** nk monitor against targets on loopback that the test starts and stops. */
class MonitorCommandTest {

    /** A TCP listener that accepts (and closes) connections until closed. */
    static final class Listener implements AutoCloseable {
        final ServerSocket socket;

        Listener(int port) throws IOException {
            socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            Thread.ofVirtual().start(() -> {
                while (!socket.isClosed()) {
                    try (Socket s = socket.accept()) {
                        // accepted: the probe connected
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        int port() {
            return socket.getLocalPort();
        }

        String target() {
            return "127.0.0.1:" + port();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }


    @Test
    void onceIsZeroWhenAllAreUpAndSevenOtherwise() throws Exception {
        try (Listener up = new Listener(0)) {
            int down = Peers.closedPort();
            NkRun.Result all = NkRun.run("monitor", "--once", up.target(), "tcp://" + up.target());
            assertEquals(0, all.code(), all.toString());
            NkRun.Result some = NkRun.run("--json", "monitor", "--once", up.target(), "127.0.0.1:" + down);
            assertEquals(7, some.code(), some.toString());
            String[] lines = some.out().split("\n");
            assertTrue(lines[0].contains("\"ok\":true") && lines[0].contains("\"connect\":"), lines[0]);
            assertTrue(lines[0].contains("\"http_status\":null,\"cert_expires_at\":null"), "a tcp target has neither: " + lines[0]);
            assertTrue(lines[1].contains("\"ok\":false") && lines[1].contains("connection refused"), lines[1]);
        }
    }

    @Test
    void waitSucceedsWhenTheServerStartsLateAndRunsTheCommand() throws Exception {
        int port = Peers.closedPort();
        CompletableFuture<Listener> late = CompletableFuture.supplyAsync(() -> {
            try {
                Thread.sleep(600);
                return new Listener(port);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        try {
            NkRun.Result r = NkRun.run("monitor", "--wait", "--interval", "100ms", "--max-wait", "10s", "127.0.0.1:" + port,
                    "--", "sh", "-c", "exit 3");
            assertEquals(3, r.code(), "the command's exit code is passed on: " + r);
        } finally {
            late.get().close();
        }
        int closed = Peers.closedPort();
        NkRun.Result never = NkRun.run("-v", "monitor", "--wait", "--interval", "100ms", "--max-wait", "500ms", "127.0.0.1:" + closed);
        assertEquals(124, never.code(), never.toString());
        assertTrue(never.stderr().startsWith("nk: monitor: waiting up to 500ms for 127.0.0.1:" + closed + " (a probe every 100ms)\n"),
                "it says once what it waits for: " + never.stderr());
        assertEquals(1, never.stderr().split(" down: ", -1).length - 1, "-v: each state change once, not every probe: " + never.stderr());
        assertTrue(never.stderr().contains("still down after 500ms: 127.0.0.1:"), never.stderr());
        assertTrue(never.stderr().contains("(connection refused"), never.stderr());
    }

    @Test
    void watchReportsEachStateChangeWithinAnInterval(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("changes.log");
        Listener server = new Listener(0);
        int port = server.port();
        try (Background monitor = Background.start("monitor", "--interval", "100ms", "--on-change",
                "echo \"$NK_TARGET $NK_STATE\" >> " + log, server.target())) {
            assertTrue(monitor.address().endsWith("up (" + monitor.address().split("\\(")[1]), monitor.address());
            server.close();
            assertTrue(monitor.stdoutLines().await("127.0.0.1:" + port + " ", Duration.ofSeconds(1)));
            assertTrue(monitor.stdoutLines().await("down: connection refused", Duration.ofSeconds(1)), monitor.stdout());
            server = new Listener(port);
            String[] lines = monitor.stdoutLines().awaitLines(3, Duration.ofSeconds(1));
            assertEquals(3, lines.length, monitor.stdout());
            assertTrue(lines[2].contains(" up ("), lines[2]);
            Thread.sleep(300);
            // the state found at start is not a change: --on-change fires for the two real ones only
            assertEquals("127.0.0.1:" + port + " down\n127.0.0.1:" + port + " up\n", Files.readString(log));
        } finally {
            server.close();
        }
    }

    @Test
    void httpStatusAndBodyChecks() throws Exception {
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/", exchange -> {
            byte[] body = "status: ready\n".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(exchange.getRequestURI().getPath().equals("/missing") ? 404 : 200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        http.start();
        try {
            String base = "http://127.0.0.1:" + http.getAddress().getPort();
            assertEquals(0, NkRun.run("monitor", "--once", base + "/health").code());
            assertEquals(0, NkRun.run("monitor", "--once", "--expect-body", "^status: ready$", base + "/").code());
            NkRun.Result body = NkRun.run("monitor", "--once", "--expect-body", "degraded", base + "/");
            assertEquals(7, body.code());
            assertTrue(body.out().contains("body does not match 'degraded'"), body.out());
            NkRun.Result missing = NkRun.run("monitor", "--once", base + "/missing");
            assertTrue(missing.out().contains("HTTP 404"), missing.out());
            assertEquals(0, NkRun.run("monitor", "--once", "--expect-status", "404", base + "/missing").code());
        } finally {
            http.stop(0);
        }
    }

    @Test
    void anExpiringCertificateIsCaughtByMinDays(@TempDir Path dir) throws Exception {
        TestCerts certs = new TestCerts(dir);
        Path cert = certs.expiresIn3Days();
        try (Background tls = Background.start("echo-server", "--tls", "--cert", cert.toString(), "--key", TestCerts.keyOf(cert).toString(), "0")) {
            String target = "tls://localhost:" + tls.port();
            String ca = certs.caFile().toString();
            NkRun.Result soon = NkRun.run("monitor", "--once", "--cacert", ca, "--min-days", "10", target);
            assertEquals(7, soon.code(), soon.toString());
            assertTrue(soon.out().contains("certificate expires in 2 days (--min-days 10)")
                    || soon.out().contains("certificate expires in 3 days (--min-days 10)"), soon.out());
            assertEquals(0, NkRun.run("monitor", "--once", "--cacert", ca, "--min-days", "1", target).code());
            NkRun.Result untrusted = NkRun.run("monitor", "--once", target);
            assertEquals(7, untrusted.code(), "not trusted without --cacert: " + untrusted);
        }
    }

    @Test
    void udpTargetsSendAndExpect() throws Exception {
        try (Background echo = Background.start("udp", "--listen", "--echo", "--prefix", "pong ", "0")) {
            String target = "udp://127.0.0.1:" + echo.port();
            assertEquals(0, NkRun.run("monitor", "--once", "--send", "ping", "--expect", "^pong ping$", target).code());
            assertEquals(7, NkRun.run("monitor", "--once", "--timeout", "300ms", "--send", "ping", "--expect", "nope", target).code());
        }
    }

    @Test
    void metricsAreValidPrometheusText() throws Exception {
        try (Listener up = new Listener(0);
             Background monitor = Background.start("monitor", "--interval", "100ms", "--metrics", "0", up.target(), "127.0.0.1:" + Peers.closedPort())) {
            assertTrue(monitor.stderrLines().await("metrics on http://", Duration.ofSeconds(2)));
            String err = monitor.stderr();
            String url = err.substring(err.indexOf("http://")).strip();
            monitor.stdoutLines().awaitLines(2, Duration.ofSeconds(2));
            NkRun.Result scrape = NkRun.run("http-get", url);
            assertEquals(0, scrape.code(), scrape.toString());
            Pattern sample = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\]|\\\\.)*\",?)*\\})? (-?[0-9.]+(E-?[0-9]+)?|NaN)");
            for (String line : scrape.out().split("\n")) {
                assertTrue(line.startsWith("# HELP ") || line.startsWith("# TYPE ") || sample.matcher(line).matches(), "not exposition format: " + line);
            }
            assertTrue(scrape.out().contains("probe_success{target=\"" + up.target() + "\"} 1\n"), scrape.out());
            assertTrue(scrape.out().contains("probe_duration_seconds{target=\"" + up.target() + "\",phase=\"connect\"} "), scrape.out());
        }
    }

    @Test
    void usageErrors() {
        assertEquals(2, NkRun.run("monitor", "--once").code());
        assertEquals(2, NkRun.run("monitor", "--once", "gopher://x/").code());
        assertEquals(2, NkRun.run("monitor", "--once", "localhost").code(), "a port is needed");
        NkRun.Result dash = NkRun.run("monitor", "127.0.0.1:80", "--", "true");
        assertTrue(dash.stderr().contains("a command after -- needs --wait"), dash.stderr());
    }

    @Test
    void anHttpCheckThatRunsOutOfTimeNamesMonitorsOwnOption() throws Exception {
        try (dev.netknife.support.ScriptedHttpServer stalls = dev.netknife.support.ScriptedHttpServer.start(
                r -> dev.netknife.support.ScriptedHttpServer.Reply.stall("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npart"))) {
            NkRun.Result r = NkRun.run("monitor", "--once", "--timeout", "500ms", "http://127.0.0.1:" + stalls.port() + "/");
            assertEquals(7, r.code(), r.toString());
            assertTrue(r.out().contains("--timeout ran out while reading the body"), "monitor has no --max-time: " + r.out());
        }
    }
}
