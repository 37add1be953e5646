package dev.netknife.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netknife.support.Background;
import dev.netknife.support.NginxServer;
import dev.netknife.support.NkRun;
import dev.netknife.support.Peers;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** nk balance in front of real backends on loopback: named Java backends, nk echo-server and nginx. */
class BalanceCommandTest {

    /** A backend that answers each connection with its name, then waits for the client to close. */
    static final class Named implements AutoCloseable {
        final ServerSocket socket;
        final String name;

        Named(String name) throws IOException {
            this(name, 0);
        }

        Named(String name, int port) throws IOException {
            this.name = name;
            this.socket = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
            Thread.ofVirtual().start(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket s = socket.accept();
                        Thread.ofVirtual().start(() -> {
                            try (s) {
                                s.getOutputStream().write((name + "\n").getBytes(StandardCharsets.US_ASCII));
                                s.getInputStream().read(); // until the client closes
                            } catch (IOException ignored) {
                                // the client went away
                            }
                        });
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        String address() {
            return "127.0.0.1:" + socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** Opens a client connection through the balancer and returns the backend's name (the connection stays open). */
    private static String ask(int port, List<Socket> keep) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(5000);
        keep.add(s);
        StringBuilder line = new StringBuilder();
        InputStream in = s.getInputStream();
        for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
            line.append((char) b);
        }
        return line.toString();
    }

    private static String once(int port) throws IOException {
        List<Socket> keep = new ArrayList<>();
        try {
            return ask(port, keep);
        } finally {
            for (Socket s : keep) {
                s.close();
            }
        }
    }


    @Test
    void roundRobinTakesTurnsInBackendOrderAndWeightsCount() throws Exception {
        try (Named a = new Named("A"); Named b = new Named("B"); Named c = new Named("C");
             Background lb = Background.start("balance", "0", a.address(), b.address(), c.address())) {
            StringBuilder order = new StringBuilder();
            for (int i = 0; i < 6; i++) {
                order.append(once(lb.port()));
            }
            assertEquals("ABCABC", order.toString());
        }
        try (Named a = new Named("A"); Named b = new Named("B");
             Background lb = Background.start("balance", "0", a.address() + "=3", b.address())) {
            Map<String, Integer> count = new TreeMap<>();
            for (int i = 0; i < 8; i++) {
                count.merge(once(lb.port()), 1, Integer::sum);
            }
            assertEquals(Map.of("A", 6, "B", 2), count);
        }
    }

    @Test
    void theListenAddressMayBeGivenAsAddrPort() throws Exception {
        try (Named a = new Named("A"); Background lb = Background.start("balance", "127.0.0.1:0", a.address())) {
            assertTrue(lb.address().matches("127\\.0\\.0\\.1:\\d+"), lb.address());
            assertEquals("A", once(lb.port()));
        }
        NkRun.Result both = NkRun.run("balance", "--bind", "127.0.0.1", "127.0.0.1:0", "127.0.0.1:1");
        assertEquals(2, both.code(), both.toString());
        assertTrue(both.stderr().contains("give the listen address once"), both.stderr());
    }

    @Test
    void leastConnPrefersTheIdleBackend() throws Exception {
        List<Socket> keep = new ArrayList<>();
        try (Named a = new Named("A"); Named b = new Named("B");
             Background lb = Background.start("balance", "--strategy", "least-conn", "0", a.address(), b.address())) {
            assertEquals("A", ask(lb.port(), keep));
            assertEquals("B", ask(lb.port(), keep));
            keep.remove(1).close();
            Thread.sleep(200); // the balancer sees B's connection end
            assertEquals("B", ask(lb.port(), keep), "A still has a client, B has none");
            for (Socket s : keep) {
                s.close(); // before the balancer stops: it would drain open connections for 10 s
            }
        }
    }

    @Test
    void aDeadBackendIsMarkedDownAndItsClientsRetried() throws Exception {
        int dead = Peers.closedPort();
        try (Named a = new Named("A");
             Background lb = Background.start("--json", "balance", "0", "127.0.0.1:" + dead, a.address())) {
            for (int i = 0; i < 4; i++) {
                assertEquals("A", once(lb.port()), "client " + i + " was retried on A");
            }
            assertTrue(lb.stdoutLines().await("\"event\":\"down\",\"backend\":\"127.0.0.1:" + dead + "\"", Duration.ofSeconds(2)),
                    lb.stdout());
        }
    }

    @Test
    void aBackendThatComesBackIsUsedAgain() throws Exception {
        int port = Peers.closedPort();
        try (Named a = new Named("A");
             Background lb = Background.start("balance", "--health-interval", "100ms", "--rise", "2", "--fall", "1", "0",
                     "127.0.0.1:" + port, a.address())) {
            assertTrue(lb.stderrLines().await("backend 127.0.0.1:" + port + " down", Duration.ofSeconds(3)), lb.stderr());
            assertEquals("A", once(lb.port()));
            try (Named b = new Named("B", port)) {
                assertTrue(lb.stderrLines().await("backend 127.0.0.1:" + port + " up", Duration.ofSeconds(3)), lb.stderr());
                StringBuilder seen = new StringBuilder();
                for (int i = 0; i < 4; i++) {
                    seen.append(once(lb.port()));
                }
                assertTrue(seen.toString().contains("B") && seen.toString().contains("A"), seen.toString());
            }
        }
    }

    @Test
    void allBackendsDownClosesTheClientAtOnce() throws Exception {
        try (Background lb = Background.start("balance", "0", "127.0.0.1:" + Peers.closedPort(), "127.0.0.1:" + Peers.closedPort())) {
            try (Socket s = new Socket("127.0.0.1", lb.port())) {
                s.setSoTimeout(5000);
                assertEquals(-1, s.getInputStream().read());
            }
            try (Socket s = new Socket("127.0.0.1", lb.port())) {
                s.setSoTimeout(5000);
                assertEquals(-1, s.getInputStream().read(), "both down: closed without trying");
            }
            assertTrue(lb.stderrLines().await("no backend is up", Duration.ofSeconds(2)), lb.stderr());
        }
    }

    @Test
    void halfCloseAnd64MiBThroughTheBalancerToEchoServers() throws Exception {
        byte[] data = new byte[64 << 20];
        new Random(64).nextBytes(data);
        try (Background e1 = Background.start("echo-server", "0"); Background e2 = Background.start("echo-server", "0");
             Background lb = Background.start("balance", "0", e1.address(), e2.address())) {
            NkRun.Result r = NkRun.run(data, "connect", "127.0.0.1", String.valueOf(lb.port()));
            assertEquals(0, r.code(), r.stderr());
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            assertArrayEquals(sha.digest(data), MessageDigest.getInstance("SHA-256").digest(r.stdout()),
                    "the echo came back whole after the client's half-close went through");
        }
    }

    @Test
    void nginxSeesTheClientThroughProxyProtocolOneAndTwo(@TempDir Path dir) throws Exception {
        Peers.require("nginx", "nginx");
        try (NginxServer nginx = NginxServer.start(dir, """
                listen 127.0.0.1:PORT proxy_protocol;
                location / { return 200 "client $proxy_protocol_addr:$proxy_protocol_port\\n"; }
                """)) {
            for (String flag : List.of("--send-proxy", "--send-proxy-v2")) {
                try (Background lb = Background.start("balance", flag, "0", "127.0.0.1:" + nginx.port())) {
                    NkRun.Result r = NkRun.run("http-get", "http://127.0.0.1:" + lb.port() + "/");
                    assertEquals(0, r.code(), flag + ": " + r);
                    assertTrue(r.out().matches("client 127\\.0\\.0\\.1:\\d+\\n"), flag + ": " + r.out());
                }
            }
        }
    }

    @Test
    void drainLetsOpenConnectionsFinishAndRefusesNewOnes() throws Exception {
        try (Background echo = Background.start("echo-server", "0");
             Background lb = Background.start("balance", "--drain-timeout", "5s", "0", echo.address())) {
            Socket open = new Socket("127.0.0.1", lb.port());
            open.setSoTimeout(5000);
            open.getOutputStream().write("before\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("before\n", new String(open.getInputStream().readNBytes(7), StandardCharsets.US_ASCII));
            CompletableFuture<Integer> stopped = CompletableFuture.supplyAsync(() -> {
                try {
                    return lb.stop();
                } catch (InterruptedException e) {
                    throw new RuntimeException(e);
                }
            });
            Thread.sleep(300);
            boolean refused;
            try (Socket late = new Socket("127.0.0.1", lb.port())) {
                refused = false;
            } catch (IOException e) {
                refused = true;
            }
            assertTrue(refused, "no new connections while draining");
            open.getOutputStream().write("during\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("during\n", new String(open.getInputStream().readNBytes(7), StandardCharsets.US_ASCII));
            open.close();
            assertEquals(130, stopped.get(5, TimeUnit.SECONDS));
            assertTrue(lb.stderr().contains("stopped: 1 connection, 14 B in, 14 B out"), lb.stderr());
        }
    }

    @Test
    void statsAsJsonAndPrometheusText() throws Exception {
        try (Named a = new Named("A");
             Background lb = Background.start("balance", "--stats", "0", "0", a.address())) {
            once(lb.port());
            assertTrue(lb.stderrLines().await("stats on http://", Duration.ofSeconds(2)));
            String stderr = lb.stderr();
            String base = stderr.substring(stderr.indexOf("http://"), stderr.indexOf("/ (JSON)"));
            NkRun.Result json = NkRun.run("http-get", base + "/");
            assertTrue(json.out().contains("\"backend\":\"" + a.address() + "\",\"weight\":1,\"state\":\"up\",\"active\":"), json.out());
            NkRun.Result metrics = NkRun.run("http-get", base + "/metrics");
            assertTrue(metrics.out().contains("nk_balance_backend_up{backend=\"" + a.address() + "\"} 1\n"), metrics.out());
            assertTrue(metrics.out().contains("nk_balance_backend_connections_total{backend=\"" + a.address() + "\"} 1\n"), metrics.out());
            URI.create(base); // a well-formed URL
        }
    }

    @Test
    void badBackendsAndOptionsAreUsageErrors() {
        assertEquals(2, NkRun.run("balance", "0").code(), "no backend");
        NkRun.Result weight = NkRun.run("balance", "0", "127.0.0.1:80=0");
        assertEquals(2, weight.code());
        assertTrue(weight.stderr().contains("bad weight in backend '127.0.0.1:80=0' (1 to 1000)"), weight.stderr());
        NkRun.Result strategy = NkRun.run("balance", "--strategy", "fastest", "0", "127.0.0.1:80");
        assertTrue(strategy.stderr().contains("--strategy: unknown 'fastest'"), strategy.stderr());
    }
}
