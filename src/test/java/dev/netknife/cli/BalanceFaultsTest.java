package dev.netknife.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netknife.support.Background;
import dev.netknife.support.NkRun;
import dev.netknife.support.Peers;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * balance --fault and the faults API: latency and bandwidth as asked at 1 MiB transfers, a reset after
 * exactly N bytes, a black hole that a client's idle timeout sees, slices and closes, probabilities, and
 * changes at run time reaching new and open connections.
 */
class BalanceFaultsTest {
    private static final int MIB = 1 << 20;
    private static Background echo;

    @BeforeAll
    static void startBackend() {
        echo = Background.start("echo-server", "0");
    }

    @AfterAll
    static void stopBackend() throws InterruptedException {
        echo.close();
    }

    private static Background balance(String... options) {
        List<String> args = new ArrayList<>(List.of("balance", "--drain-timeout", "1s")); // a held connection never finishes by itself
        args.addAll(List.of(options));
        args.addAll(List.of("0", "127.0.0.1:" + echo.port()));
        return Background.start(args.toArray(String[]::new));
    }

    private static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 7 + i / 251);
        }
        return b;
    }

    /** Sends {@code data} (then half-closes) and reads the echo; returns [ms to the first byte, ms to the last], checking every byte. */
    private static long[] echoThrough(int port, byte[] data) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(20_000);
            long start = System.nanoTime();
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    s.getOutputStream().write(data);
                    s.shutdownOutput();
                } catch (IOException ignored) {
                    // the read side reports
                }
            });
            InputStream in = s.getInputStream();
            byte[] got = new byte[data.length];
            int first = in.read(got, 0, got.length);
            long firstAt = System.nanoTime();
            int n = Math.max(first, 0);
            while (n < got.length) {
                int r = in.read(got, n, got.length - n);
                if (r < 0) {
                    break;
                }
                n += r;
            }
            long lastAt = System.nanoTime();
            writer.join();
            assertEquals(data.length, n, "every byte came back");
            assertArrayEquals(data, got);
            assertEquals(-1, in.read(), "then the end of the stream");
            return new long[] {(firstAt - start) / 1_000_000, (lastAt - start) / 1_000_000};
        }
    }

    private static int statsPort(Background b) throws InterruptedException {
        assertTrue(b.stderrLines().await("stats on http://", Duration.ofSeconds(5)), b.stderr());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("stats on http://[^ ]*:(\\d+)/").matcher(b.stderr());
        assertTrue(m.find(), b.stderr());
        return Integer.parseInt(m.group(1));
    }

    private static HttpResponse<String> api(int port, String method, String path, String body) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5));
        r.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        try (HttpClient client = HttpClient.newHttpClient()) {
            return client.send(r.build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    @Test
    void latencyIsWhatWasAskedAtOneMebibyte() throws Exception {
        try (Background b = balance("--fault", "downstream:latency=500ms")) {
            echoThrough(b.port(), pattern(1000)); // warm
            long[] ms = echoThrough(b.port(), pattern(MIB));
            assertTrue(ms[0] >= 500 && ms[0] <= 550, "first byte after " + ms[0] + " ms");
            assertTrue(ms[1] >= 500 && ms[1] <= 550, "the whole MiB after " + ms[1] + " ms: delayed once, not once per chunk");
        }
        try (Background b = balance("--fault", "latency=250ms")) { // both ways: a round trip of 500 ms
            long[] ms = echoThrough(b.port(), pattern(MIB));
            assertTrue(ms[0] >= 500 && ms[0] <= 550, "first byte after " + ms[0] + " ms");
        }
    }

    @Test
    void jitterSpreadsTheDelayAroundTheLatency() throws Exception {
        try (Background b = balance("--fault", "downstream:latency=300ms,jitter=100ms")) {
            long min = Long.MAX_VALUE;
            long max = 0;
            for (int i = 0; i < 8; i++) {
                long first = echoThrough(b.port(), pattern(100))[0];
                min = Math.min(min, first);
                max = Math.max(max, first);
            }
            assertTrue(min >= 200 && max <= 440, min + ".." + max);
            assertTrue(max - min >= 20, "the delays vary: " + min + ".." + max);
        }
    }

    @Test
    void bandwidthIsWhatWasAskedAtOneMebibyte() throws Exception {
        try (Background b = balance("--fault", "downstream:bandwidth=1M")) {
            long[] ms = echoThrough(b.port(), pattern(MIB));
            assertTrue(ms[1] >= 900 && ms[1] <= 1100, "1 MiB at 1 MiB/s took " + ms[1] + " ms");
        }
        try (Background b = balance("--fault", "upstream:bandwidth=512K")) {
            long[] ms = echoThrough(b.port(), pattern(MIB / 2));
            assertTrue(ms[1] >= 900 && ms[1] <= 1100, "512 KiB at 512 KiB/s took " + ms[1] + " ms");
        }
    }

    @Test
    void slicesArriveSmallAndSlowButWhole() throws Exception {
        try (Background b = balance("--fault", "downstream:slice=100,delay=20ms")) {
            long[] ms = echoThrough(b.port(), pattern(1000)); // 10 slices, 9 pauses
            assertTrue(ms[1] >= 180, "slow drip: " + ms[1] + " ms");
        }
    }

    @Test
    void resetAfterExactlyNBytes(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path capture = dir.resolve("reset.pcapng");
        int port;
        try (Background b = balance("--fault", "downstream:reset-after=1000", "--pcap", capture.toString());
                Socket s = new Socket("127.0.0.1", b.port())) {
            port = b.port();
            s.setSoTimeout(10_000);
            s.getOutputStream().write(pattern(5000));
            InputStream in = s.getInputStream();
            byte[] got = new byte[5000];
            int n = 0;
            IOException end = null;
            try {
                for (int r; (r = in.read(got, n, got.length - n)) > 0; ) {
                    n += r;
                }
            } catch (SocketException e) {
                end = e;
            }
            assertEquals(1000, n);
            assertTrue(end != null && String.valueOf(end.getMessage()).contains("reset"), "then a reset: " + end);
        }
        // the capture shows it as the balancer's RST on both sides, after exactly 1000 bytes to the client
        List<String> resets = dev.netknife.support.Tshark.fields(capture, "tcp.flags.reset == 1", "frame.interface_name", "tcp.srcport");
        assertTrue(resets.contains("client\t" + port), resets.toString());
        assertEquals(2, resets.size(), resets.toString());
        assertEquals(1000, dev.netknife.support.Tshark.fields(capture, "tcp.srcport == " + port, "tcp.len").stream()
                .mapToLong(Long::parseLong).sum());
    }

    @Test
    void closeAfterNBytesIsAnEndOfStream() throws Exception {
        try (Background b = balance("--fault", "downstream:close-after=1500"); Socket s = new Socket("127.0.0.1", b.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(pattern(5000));
            byte[] got = s.getInputStream().readAllBytes();
            assertEquals(1500, got.length);
        }
    }

    @Test
    void aBlackHoleIsATimeoutForConnectsIdleTimeout() {
        try (Background b = balance("--fault", "timeout")) {
            long start = System.nanoTime();
            NkRun.Result r = NkRun.run("hello\n".getBytes(StandardCharsets.US_ASCII), "connect", "--idle-timeout", "1s", "127.0.0.1",
                    String.valueOf(b.port()));
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertEquals(124, r.code(), r.toString());
            assertEquals("", r.out());
            assertTrue(ms < 5000, ms + " ms");
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aTimeoutWithADurationClosesTheConnection() throws Exception {
        try (Background b = balance("--fault", "downstream:timeout=300ms"); Socket s = new Socket("127.0.0.1", b.port())) {
            s.setSoTimeout(5_000);
            s.getOutputStream().write(pattern(100));
            long start = System.nanoTime();
            assertEquals(-1, s.getInputStream().read(), "nothing came, then the close");
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(ms >= 250 && ms < 2000, ms + " ms");
        }
    }

    @Test
    void probabilityActsOnAShareOfTheConnections() throws Exception {
        try (Background b = balance("--fault", "downstream:latency=300ms,probability=0.5")) {
            int slow = 0;
            for (int i = 0; i < 30; i++) {
                if (echoThrough(b.port(), pattern(10))[0] >= 300) {
                    slow++;
                }
            }
            assertTrue(slow >= 5 && slow <= 25, slow + " of 30 were delayed");
        }
    }

    @Test
    void theApiBreaksAndHealsNewAndOpenConnections() throws Exception {
        try (Background b = balance("--stats", "0")) {
            int api = statsPort(b);
            assertEquals("[]", api(api, "GET", "/faults", null).body().strip());
            try (Socket open = new Socket("127.0.0.1", b.port())) {
                open.setSoTimeout(5_000);
                open.getOutputStream().write("one\n".getBytes(StandardCharsets.US_ASCII));
                assertEquals("one\n", new String(open.getInputStream().readNBytes(4), StandardCharsets.US_ASCII));
                // a black hole for the open connection: its next bytes are held ...
                HttpResponse<String> added = api(api, "POST", "/faults", "{\"timeout\": true, \"name\": \"hole\"}");
                assertEquals(201, added.statusCode(), added.body());
                assertTrue(added.body().contains("\"name\":\"hole\""), added.body());
                open.getOutputStream().write("two\n".getBytes(StandardCharsets.US_ASCII));
                open.setSoTimeout(500);
                assertThrows(java.net.SocketTimeoutException.class, () -> open.getInputStream().read());
                // ... and arrive, none lost, once it heals
                assertEquals(204, api(api, "DELETE", "/faults/hole", null).statusCode());
                open.setSoTimeout(5_000);
                assertEquals("two\n", new String(open.getInputStream().readNBytes(4), StandardCharsets.US_ASCII));
            }
            // a new connection meets a fault added as a --fault spec line
            assertEquals(201, api(api, "POST", "/faults", "downstream:latency=400ms").statusCode());
            assertTrue(echoThrough(b.port(), pattern(10))[0] >= 400);
            assertTrue(api(api, "GET", "/faults", null).body().contains("\"latency\":\"400ms\""));
            assertEquals(204, api(api, "DELETE", "/faults", null).statusCode());
            assertTrue(echoThrough(b.port(), pattern(10))[0] < 300);
            // mistakes are 400s with the reason, unknown names 404s
            HttpResponse<String> bad = api(api, "POST", "/faults", "{\"latency\": \"soon\"}");
            assertEquals(400, bad.statusCode());
            assertTrue(bad.body().contains("bad duration"), bad.body());
            assertEquals(400, api(api, "POST", "/faults", "{\"latency\": ").statusCode());
            assertEquals(404, api(api, "DELETE", "/faults/none", null).statusCode());
            assertEquals(405, api(api, "PUT", "/faults", "x").statusCode());
        }
    }

    /** What curl and nk http-get say, fetching 1 MiB from nginx through the balancer with {@code fault}. */
    private record Fetch(int curl, String curlError, int nk, String nkError, long nkBytes) {
    }

    private static Fetch fetchThrough(Path dir, int nginxPort, String fault, String... limits) throws Exception {
        try (Background b = Background.start("balance", "--drain-timeout", "1s", "--fault", fault, "0", "127.0.0.1:" + nginxPort)) {
            String url = "http://127.0.0.1:" + b.port() + "/big.bin";
            List<String> curl = new ArrayList<>(List.of(Peers.require("curl", "curl"), "-sS", "-o", "/dev/null"));
            if (limits.length > 0) {
                curl.addAll(List.of("-m", limits[0]));
            }
            curl.add(url);
            Process p = new ProcessBuilder(curl).redirectErrorStream(true).start();
            String curlSaid = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            Path out = dir.resolve("fetched-" + System.nanoTime());
            List<String> nk = new ArrayList<>(List.of("http-get", "-q", "-o", out.toString()));
            if (limits.length > 1) {
                nk.addAll(List.of("--max-time", limits[1]));
            }
            nk.add(url);
            NkRun.Result r = NkRun.run(nk.toArray(String[]::new));
            return new Fetch(p.exitValue(), curlSaid, r.code(), r.stderr(), java.nio.file.Files.exists(out) ? java.nio.file.Files.size(out) : -1);
        }
    }

    @Test
    void curlAndHttpGetThroughEachFaultFailAsUsersExpect(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        java.nio.file.Files.write(dir.resolve("big.bin"), pattern(MIB));
        try (dev.netknife.support.NginxServer nginx = dev.netknife.support.NginxServer.start(dir,
                "listen 127.0.0.1:PORT; root " + dir + "; location / { }")) {
            // latency past the time limit: curl's 28, nk's 124
            Fetch slow = fetchThrough(dir, nginx.port(), "downstream:latency=600ms", "0.3", "300ms");
            assertEquals(28, slow.curl(), slow.curlError());
            assertEquals(124, slow.nk(), slow.nkError());
            // bandwidth and slices: slower, and whole
            Fetch thin = fetchThrough(dir, nginx.port(), "downstream:bandwidth=4M");
            assertEquals(0, thin.curl(), thin.curlError());
            assertEquals(0, thin.nk(), thin.nkError());
            assertEquals(MIB, thin.nkBytes());
            Fetch sliced = fetchThrough(dir, nginx.port(), "downstream:slice=16K,delay=1ms");
            assertEquals(0, sliced.curl(), sliced.curlError());
            assertEquals(MIB, sliced.nkBytes());
            // a reset mid-body: curl's 56 (receive failure), nk's 6 (a broken answer) naming the reset
            Fetch reset = fetchThrough(dir, nginx.port(), "downstream:reset-after=100K");
            assertEquals(56, reset.curl(), reset.curlError());
            assertTrue(reset.curlError().contains("reset"), reset.curlError());
            assertEquals(6, reset.nk(), reset.nkError());
            assertTrue(reset.nkError().contains("reset"), reset.nkError());
            // a close mid-body: curl's 18 (partial file), nk's 6 (the body ended early)
            Fetch cut = fetchThrough(dir, nginx.port(), "downstream:close-after=100K");
            assertEquals(18, cut.curl(), cut.curlError());
            assertEquals(6, cut.nk(), cut.nkError());
            assertTrue(cut.nkError().contains("ended") || cut.nkError().contains("closed"), cut.nkError());
            // a black hole: both time out
            Fetch hole = fetchThrough(dir, nginx.port(), "timeout", "1", "1s");
            assertEquals(28, hole.curl(), hole.curlError());
            assertEquals(124, hole.nk(), hole.nkError());
        }
    }

    @Test
    void badFaultSpecsAreUsageErrors() {
        for (String spec : List.of("latency", "latency=fast", "bandwidth=0", "sideways:latency=1s", "latency=1s,bandwidth=1M",
                "jitter=5ms", "timeout,probability=2", "slice=10,jitter=1ms", "reset-after=-1", "frobnicate=1")) {
            NkRun.Result r = NkRun.run("balance", "--fault", spec, "0", "127.0.0.1:1");
            assertEquals(2, r.code(), spec + ": " + r);
            assertEquals(1, r.stderr().lines().count(), r.stderr());
            assertTrue(r.stderr().startsWith("nk: balance: --fault: bad fault '" + spec + "'"), r.stderr());
        }
    }
}
