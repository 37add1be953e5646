package dev.netknife.cases;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netknife.support.Background;
import dev.netknife.support.BlockingInput;
import dev.netknife.support.FaultProxy;
import dev.netknife.support.NginxServer;
import dev.netknife.support.NkRun;
import dev.netknife.support.TestCerts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Network faults between nk and a real peer, injected by {@link FaultProxy}: connects that are
 * never answered, a peer that accepts and then says nothing (TCP and TLS), a reset in the middle
 * of a download, a bandwidth cap under {@code --max-time}, and added latency. nk must exit 124
 * naming the phase that ran out (connect, tls, waiting for the response, reading the body), exit
 * 6 for a cut download, never leave a file or a temporary file behind, and its servers
 * ({@code balance}, {@code echo-server}) must go on serving the clients that are not behind the
 * fault. Peers: nginx, {@code nk echo-server}. Cases 0900–0919.
 */
class FaultCases {
    private static final int BIG = 4 << 20;

    @TempDir
    static Path dir;
    static NginxServer nginx;
    static byte[] big;

    @BeforeAll
    static void startNginx() throws Exception {
        Path www = Files.createDirectories(dir.resolve("www"));
        big = new byte[BIG];
        new Random(9).nextBytes(big);
        Files.write(www.resolve("big.bin"), big);
        Files.writeString(www.resolve("health"), "ok\n");
        nginx = NginxServer.start(dir, """
                listen 127.0.0.1:PORT;
                root %s;
                location / { }
                """.formatted(www));
    }

    @AfterAll
    static void stopNginx() throws Exception {
        if (nginx != null) {
            nginx.close();
        }
    }

    /** A fresh, empty directory for one download, so that "no file left" can be checked exactly. */
    private static Path emptyDir(String name) throws IOException {
        return Files.createDirectories(dir.resolve("out-" + name));
    }

    private static List<Path> files(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.toList();
        }
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    @Test
    void case0900bPortCheckOfAPortThatDropsSynsIsTimeoutInExitCodeAndJson() throws Exception {
        try (FaultProxy syn = FaultProxy.droppingSyns()) {
            NkRun.Result r = NkRun.run("--json", "connect", "-z", "--connect-timeout", "300ms", "127.0.0.1", String.valueOf(syn.port()));
            assertEquals(124, r.code(), r.toString());
            assertTrue(r.out().contains("\"exit_code\":124,\"error\":{\"kind\":\"timeout\",\"phase\":\"connect\""), "one code, one kind: " + r.out());
        }
    }

    @Test
    void case0900ConnectTimesOutOnAPortThatDropsSyns() throws Exception {
        try (FaultProxy syn = FaultProxy.droppingSyns()) {
            long start = System.nanoTime();
            NkRun.Result r = NkRun.run("--json", "connect", "--connect-timeout", "300ms", "127.0.0.1", String.valueOf(syn.port()));
            assertEquals(124, r.code(), r.toString());
            // connect's stdout is the peer's bytes: its JSON result goes to stderr, before the message line
            assertTrue(r.stderr().endsWith("\nnk: connect: connect timed out (127.0.0.1:" + syn.port() + ")\n"), r.stderr());
            assertTrue(r.stderr().contains("\"error\":{\"kind\":\"timeout\",\"phase\":\"connect\""), r.stderr());
            assertEquals("", r.out());
            long took = millisSince(start);
            assertTrue(took >= 250 && took < 3000, "--connect-timeout 300ms took " + took + " ms");
        }
    }

    @Test
    void case0901ConnectIdleTimeoutThroughABlackHole() throws Exception {
        try (FaultProxy hole = FaultProxy.blackHole(); BlockingInput stdin = new BlockingInput()) {
            NkRun.Result r = NkRun.run(stdin, "connect", "--idle-timeout", "300ms", "127.0.0.1", String.valueOf(hole.port()));
            assertEquals(124, r.code(), r.toString());
            assertEquals("nk: connect: idle for 300ms (127.0.0.1:" + hole.port() + ")\n", r.stderr());
            assertEquals(1, hole.accepted());
        }
    }

    @Test
    void case0902HttpGetConnectTimeoutNamesTheConnectPhase() throws Exception {
        try (FaultProxy syn = FaultProxy.droppingSyns()) {
            NkRun.Result r = NkRun.run("--json", "http-get", "--connect-timeout", "300ms", "http://127.0.0.1:" + syn.port() + "/");
            assertEquals(124, r.code(), r.toString());
            assertEquals("nk: http-get: connect timed out (127.0.0.1:" + syn.port() + ")\n", r.stderr());
            assertTrue(r.out().contains("\"error\":{\"kind\":\"timeout\",\"phase\":\"connect\""), r.out());
        }
    }

    @Test
    void case0903HttpGetMaxTimeThroughABlackHoleNamesTheWaitForTheResponse() throws Exception {
        try (FaultProxy hole = FaultProxy.blackHole()) {
            long start = System.nanoTime();
            NkRun.Result r = NkRun.run("--json", "http-get", "--max-time", "400ms", "http://127.0.0.1:" + hole.port() + "/");
            assertEquals(124, r.code(), r.toString());
            assertEquals("nk: http-get: --max-time ran out while waiting for the response (127.0.0.1:" + hole.port() + ")\n", r.stderr());
            assertTrue(r.out().contains("\"error\":{\"kind\":\"timeout\",\"phase\":\"total\""), r.out());
            assertTrue(millisSince(start) < 3000, "--max-time 400ms took " + millisSince(start) + " ms");
        }
    }

    @Test
    void case0904HttpGetIdleTimeoutThroughABlackHoleNamesTheFirstByte() throws Exception {
        try (FaultProxy hole = FaultProxy.blackHole()) {
            NkRun.Result r = NkRun.run("--json", "http-get", "--idle-timeout", "300ms", "http://127.0.0.1:" + hole.port() + "/");
            assertEquals(124, r.code(), r.toString());
            assertEquals("nk: http-get: no data for 300ms while waiting for the response (127.0.0.1:" + hole.port() + ")\n", r.stderr());
            assertTrue(r.out().contains("\"error\":{\"kind\":\"timeout\",\"phase\":\"first-byte\""), r.out());
        }
    }

    @Test
    void case0905TlsGetThroughABlackHoleTimesOutInTheTlsPhase() throws Exception {
        try (FaultProxy hole = FaultProxy.blackHole()) {
            long start = System.nanoTime();
            NkRun.Result r = NkRun.run("--json", "tls-get", "--connect-timeout", "300ms", "localhost:" + hole.port());
            assertEquals(124, r.code(), r.toString());
            assertEquals("nk: tls-get: TLS handshake timed out (localhost:" + hole.port() + ")\n", r.stderr());
            assertTrue(r.out().contains("\"error\":{\"kind\":\"timeout\",\"phase\":\"tls\""), r.out());
            // the first TLS use of a JVM loads BCJSSE and the CA store: far less than the 10 s default, not 300 ms
            assertTrue(millisSince(start) < 5000, "--connect-timeout 300ms took " + millisSince(start) + " ms");
        }
    }

    @Test
    void case0906HttpsThroughABlackHoleTimesOutInTheTlsPhase() throws Exception {
        try (FaultProxy hole = FaultProxy.blackHole()) {
            NkRun.Result r = NkRun.run("--json", "http-get", "--connect-timeout", "300ms", "https://localhost:" + hole.port() + "/");
            assertEquals(124, r.code(), r.toString());
            assertEquals("nk: http-get: TLS handshake timed out (localhost:" + hole.port() + ")\n", r.stderr());
            assertTrue(r.out().contains("\"error\":{\"kind\":\"timeout\",\"phase\":\"tls\""), r.out());
        }
    }

    @Test
    void case0907MaxTimeAlsoBoundsTheTlsHandshake() throws Exception {
        try (FaultProxy hole = FaultProxy.blackHole()) {
            long start = System.nanoTime();
            NkRun.Result r = NkRun.run("--json", "http-get", "--max-time", "400ms", "https://localhost:" + hole.port() + "/");
            assertEquals(124, r.code(), r.toString());
            assertTrue(millisSince(start) < 1500, "--max-time 400ms took " + millisSince(start) + " ms: " + r);
            assertEquals("nk: http-get: --max-time ran out during the TLS handshake (localhost:" + hole.port() + ")\n", r.stderr());
            assertTrue(r.out().contains("\"error\":{\"kind\":\"timeout\",\"phase\":\"total\""), r.out());
        }
    }

    @Test
    void case0908ADownloadCutByAResetIsExit6AndLeavesNoFile() throws Exception {
        Path out = emptyDir("reset");
        try (FaultProxy reset = FaultProxy.resetAfter(nginx.port(), 256 * 1024)) {
            NkRun.Result r = NkRun.run("http-get", "-o", out.resolve("big.bin").toString(), "http://127.0.0.1:" + reset.port() + "/big.bin");
            assertEquals(6, r.code(), r.toString());
            assertEquals("nk: http-get: the server reset the connection in the middle of the body (127.0.0.1:" + reset.port() + ")\n", r.stderr());
            assertEquals(1, reset.resets());
        }
        assertEquals(List.of(), files(out), "neither the file nor its temporary file is left");
    }

    @Test
    void case0909MaxTimeUnderABandwidthCapIsExit124AndLeavesNoFile() throws Exception {
        Path out = emptyDir("slow");
        try (FaultProxy slow = FaultProxy.bandwidth(nginx.port(), 512 * 1024)) {
            long start = System.nanoTime();
            NkRun.Result r = NkRun.run("--json", "http-get", "--max-time", "600ms", "-o", out.resolve("big.bin").toString(),
                    "http://127.0.0.1:" + slow.port() + "/big.bin");
            assertEquals(124, r.code(), r.toString());
            assertEquals("nk: http-get: --max-time ran out while reading the body (127.0.0.1:" + slow.port() + ")\n", r.stderr());
            assertTrue(r.out().contains("\"error\":{\"kind\":\"timeout\",\"phase\":\"total\""), r.out());
            assertTrue(millisSince(start) < 4000, "--max-time 600ms took " + millisSince(start) + " ms (the whole download takes 8 s)");
        }
        assertEquals(List.of(), files(out), "neither the file nor its temporary file is left");
    }

    @Test
    void case0910ADownloadThroughLatencyArrivesWholeAndLate() throws Exception {
        Path out = emptyDir("latency");
        try (FaultProxy late = FaultProxy.latency(nginx.port(), 150)) {
            NkRun.Result r = NkRun.run("--json", "http-get", "-o", out.resolve("big.bin").toString(), "http://127.0.0.1:" + late.port() + "/big.bin");
            assertEquals(0, r.code(), r.toString());
            Matcher firstByte = Pattern.compile("\"first_byte\":([0-9.]+)").matcher(r.out());
            assertTrue(firstByte.find(), r.out());
            assertTrue(Double.parseDouble(firstByte.group(1)) >= 280, "two trips of 150 ms before the first byte: " + r.out());
        }
        assertArrayEquals(big, Files.readAllBytes(out.resolve("big.bin")));
        assertEquals(1, files(out).size(), "no temporary file left beside it");
    }

    @Test
    void case0911BalanceRoutesAroundABackendThatDropsSynsAfterItsConnectTimeout() throws Exception {
        try (FaultProxy syn = FaultProxy.droppingSyns();
                Background echo = Background.start("echo-server", "0");
                Background balance = Background.start("balance", "--connect-timeout", "500ms", "0",
                        "127.0.0.1:" + syn.port(), "127.0.0.1:" + echo.port())) {
            List<Long> took = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                long start = System.nanoTime();
                NkRun.Result r = NkRun.run(("ping " + i + "\n").getBytes(StandardCharsets.US_ASCII), "connect", "127.0.0.1",
                        String.valueOf(balance.port()));
                took.add(millisSince(start));
                assertEquals(0, r.code(), r.toString());
                assertEquals("ping " + i + "\n", r.out(), "every client is served, the one that met the dead backend too");
            }
            // one client waits out the 500 ms connect timeout and is retried on the echo server; the backend is then down
            List<Long> sorted = took.stream().sorted().toList();
            assertTrue(sorted.getLast() >= 450 && sorted.get(sorted.size() - 2) < 400, "clients' times (ms): " + took);
            assertTrue(balance.stderrLines().await("backend 127.0.0.1:" + syn.port() + " down: connect timed out", Duration.ofSeconds(1)),
                    balance.stderr());
        }
    }

    @Test
    void case0912BalanceHealthChecksTakeABlackHoledBackendOut() throws Exception {
        try (FaultProxy hole = FaultProxy.blackHole();
                Background balance = Background.start("balance", "--connect-timeout", "150ms", "--health-interval", "100ms",
                        "--health-http", "/health", "--fall", "1", "0", "127.0.0.1:" + hole.port(), "127.0.0.1:" + nginx.port())) {
            assertTrue(balance.stderrLines().await("backend 127.0.0.1:" + hole.port()
                    + " down: health check failed 1 time(s): no HTTP answer within 100ms", Duration.ofSeconds(2)), balance.stderr());
            for (int i = 0; i < 10; i++) {
                NkRun.Result r = NkRun.run("http-get", "--max-time", "1s", "http://127.0.0.1:" + balance.port() + "/health");
                assertEquals(0, r.code(), "client " + i + ": " + r);
                assertEquals("ok\n", r.out());
            }
        }
    }

    @Test
    void case0913EchoServerOutlivesClientsResetThroughAProxy() throws Exception {
        byte[] payload = new byte[64 * 1024];
        new Random(3).nextBytes(payload);
        try (Background echo = Background.start("echo-server", "0"); FaultProxy reset = FaultProxy.resetAfter(echo.port(), 1000)) {
            for (int i = 0; i < 10; i++) {
                NkRun.Result r = NkRun.run(payload, "connect", "127.0.0.1", String.valueOf(reset.port()));
                assertEquals(1, r.code(), r.toString());
                assertEquals("nk: connect: connection reset by peer (127.0.0.1:" + reset.port() + ")\n", r.stderr());
            }
            assertEquals(10, reset.resets());
            NkRun.Result direct = NkRun.run(payload, "connect", "127.0.0.1", String.valueOf(echo.port()));
            assertEquals(0, direct.code(), direct.toString());
            assertArrayEquals(payload, direct.stdout());
        }
    }

    @Test
    void case0914TlsEchoThroughLatencyKeepsEveryByte() throws Exception {
        Path cert = new TestCerts(dir).good();
        byte[] payload = new byte[256 * 1024];
        new Random(4).nextBytes(payload);
        try (Background echo = Background.start("echo-server", "--tls", "--cert", cert.toString(), "--key", TestCerts.keyOf(cert).toString(), "0");
                FaultProxy late = FaultProxy.latency(echo.port(), 50)) {
            NkRun.Result r = NkRun.run(payload, "connect", "--tls", "--insecure", "-q", "localhost", String.valueOf(late.port()));
            assertEquals(0, r.code(), r.toString());
            assertArrayEquals(payload, r.stdout());
        }
    }
}
