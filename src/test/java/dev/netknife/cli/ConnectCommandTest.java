package dev.netknife.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netknife.support.Accept;
import dev.netknife.support.Background;
import dev.netknife.support.BlockingInput;
import dev.netknife.support.NkRun;
import dev.netknife.support.Peers;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ConnectCommandTest {
    private Background echo;

    @BeforeEach
    void startEcho() {
        echo = Background.start("echo-server", "0");
    }

    @AfterEach
    void stopEcho() throws InterruptedException {
        if (echo != null) { // null when it failed to start: that failure is the one to see
            echo.close();
        }
    }

    private String port() {
        return String.valueOf(echo.port());
    }

    @Test
    void roundTrips64MiBOfRandomBytesExactly() throws Exception {
        byte[] data = new byte[64 << 20];
        new Random(42).nextBytes(data);
        MessageDigest received = MessageDigest.getInstance("SHA-256");
        long[] count = new long[1];
        OutputStream sink = new OutputStream() {
            @Override
            public void write(int b) {
                received.update((byte) b);
                count[0]++;
            }

            @Override
            public void write(byte[] b, int off, int len) {
                received.update(b, off, len);
                count[0] += len;
            }
        };
        int code = NkRun.run(new ByteArrayInputStream(data), sink, new ByteArrayOutputStream(), Map.of(), "connect", "127.0.0.1", port());
        assertEquals(0, code);
        assertEquals(data.length, count[0]);
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data)), HexFormat.of().formatHex(received.digest()));
    }

    @Test
    void halfClosesOnStdinEndAndKeepsReading() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Accept.once(server, s -> {
                try {
                    byte[] all = s.getInputStream().readAllBytes(); // returns only after nk half-closes
                    Thread.sleep(200); // answer late: nk must still be reading
                    s.getOutputStream().write(("you sent " + all.length + " bytes\n").getBytes(StandardCharsets.US_ASCII));
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            NkRun.Result r = NkRun.run("hello\n".getBytes(StandardCharsets.US_ASCII), "connect", "127.0.0.1", String.valueOf(server.getLocalPort()));
            assertEquals(0, r.code(), r.toString());
            assertEquals("you sent 6 bytes\n", r.out());
        }
    }

    @Test
    void refusedPortIsExit4() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        NkRun.Result r = NkRun.run("connect", "127.0.0.1", String.valueOf(closed));
        assertEquals(4, r.code());
        assertEquals("nk: connect: connection refused (127.0.0.1:" + closed + ")\n", r.stderr());
    }

    @Test
    void aResetMidStreamIsExit1WithAClearMessage() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()); BlockingInput stdin = new BlockingInput()) {
            Accept.once(server, s -> {
                try {
                    s.getOutputStream().write("partial".getBytes(StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                    Thread.sleep(100);
                    s.setSoLinger(true, 0);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = NkRun.run(stdin, out, err, Map.of(), "connect", "127.0.0.1", String.valueOf(server.getLocalPort()));
            assertEquals(1, code);
            assertEquals("partial", out.toString(StandardCharsets.UTF_8), "what arrived before the reset is kept");
            assertEquals("nk: connect: connection reset by peer (127.0.0.1:" + server.getLocalPort() + ")\n", err.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void connectsOverIpv6() {
        try (Background v6 = Background.start("echo-server", "--bind", "::1", "0")) {
            NkRun.Result r = NkRun.run("over v6\n".getBytes(StandardCharsets.US_ASCII), "-v", "connect", "-6", "::1", String.valueOf(v6.port()));
            assertEquals(0, r.code(), r.toString());
            assertEquals("over v6\n", r.out());
            assertTrue(r.stderr().startsWith("nk: connect: connected to [::1]:" + v6.port() + " from [::1]:"), r.stderr());
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void unresolvableNameIsExit3() {
        NkRun.Result r = NkRun.run("connect", "nk-test.invalid", "80");
        assertEquals(3, r.code());
        assertEquals("nk: connect: could not resolve host nk-test.invalid\n", r.stderr());
    }

    @Test
    void idleTimeoutIsExit124() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()); BlockingInput stdin = new BlockingInput()) {
            Accept.once(silent, s -> sleepQuietly(5000));
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            long start = System.nanoTime();
            int code = NkRun.run(stdin, new ByteArrayOutputStream(), err, Map.of(),
                    "connect", "--idle-timeout", "300ms", "127.0.0.1", String.valueOf(silent.getLocalPort()));
            long took = (System.nanoTime() - start) / 1_000_000;
            assertEquals(124, code);
            assertEquals("nk: connect: idle for 300ms (127.0.0.1:" + silent.getLocalPort() + ")\n", err.toString(StandardCharsets.UTF_8));
            assertTrue(took >= 280 && took < 3000, "took " + took + " ms");
        }
    }

    @Test
    void idleTimeoutInJsonNamesThePhase() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()); BlockingInput stdin = new BlockingInput()) {
            Accept.once(silent, s -> sleepQuietly(5000));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = NkRun.run(stdin, out, err, Map.of(),
                    "--json", "connect", "--idle-timeout", "200ms", "127.0.0.1", String.valueOf(silent.getLocalPort()));
            assertEquals(124, code);
            assertEquals("", out.toString(StandardCharsets.UTF_8), "stdout is the peer's bytes only");
            String json = err.toString(StandardCharsets.UTF_8);
            assertTrue(json.contains("\"exit_code\":124,\"error\":{\"kind\":\"timeout\",\"phase\":\"idle\""), json);
            assertTrue(json.contains("\"connect\":{\"outcome\":\"idle_timeout\""), json);
        }
    }

    @Test
    void sendThenExpectMatchesAndExitsAtOnce() {
        try (BlockingInput stdin = new BlockingInput()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            long start = System.nanoTime();
            int code = NkRun.run(stdin, out, new ByteArrayOutputStream(), Map.of(),
                    "connect", "--send", "PING hello\\r\\n", "--expect", "PING h.llo", "127.0.0.1", port());
            assertEquals(0, code);
            assertEquals("PING hello\r\n", out.toString(StandardCharsets.UTF_8));
            assertTrue((System.nanoTime() - start) / 1_000_000 < 3000, "did not wait for a timeout");
        }
    }

    @Test
    void expectFailsWith7WhenThePeerClosesFirst() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Accept.once(server, s -> {
                try {
                    s.getOutputStream().write("-ERR nope\r\n".getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            NkRun.Result r = NkRun.run("connect", "--send", "PING\\r\\n", "--expect", "^\\+PONG", "127.0.0.1", String.valueOf(server.getLocalPort()));
            assertEquals(7, r.code(), r.toString());
            assertEquals("-ERR nope\r\n", r.out());
            assertEquals("nk: connect: no match for '^\\+PONG' before the peer closed or the idle timeout passed (127.0.0.1:"
                    + server.getLocalPort() + ")\n", r.stderr());
        }
    }

    @Test
    void expectFailsWith7WhenTheIdleTimeoutPassesFirst() {
        try (BlockingInput stdin = new BlockingInput()) {
            int code = NkRun.run(stdin, new ByteArrayOutputStream(), new ByteArrayOutputStream(), Map.of(),
                    "connect", "--send", "hi", "--expect", "bye", "--idle-timeout", "200ms", "127.0.0.1", port());
            assertEquals(7, code);
        }
    }

    @Test
    void stdinIsStillRelayedAfterSend() {
        NkRun.Result r = NkRun.run("and stdin\n".getBytes(StandardCharsets.US_ASCII), "connect", "--send", "first\\n", "127.0.0.1", port());
        assertEquals(0, r.code());
        assertEquals("first\nand stdin\n", r.out());
    }

    @Test
    void portCheckReportsOpenAndClosedPorts() throws Exception {
        NkRun.Result open = NkRun.run("connect", "-z", "127.0.0.1", port());
        assertEquals(0, open.code(), open.toString());
        assertTrue(open.out().matches("127\\.0\\.0\\.1:" + port() + " +open +\\d+\\.\\d ms\\n"), open.out());
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        NkRun.Result shut = NkRun.run("connect", "-z", "127.0.0.1:" + closed);
        assertEquals(4, shut.code());
        assertTrue(shut.out().matches("127\\.0\\.0\\.1:" + closed + " +closed +refused\\n"), shut.out());
    }

    @Test
    void portCheckProbesARange() {
        int p = echo.port();
        String range = (p - 2) + "-" + p;
        NkRun.Result r = NkRun.run("--json", "connect", "-z", "127.0.0.1", range);
        String[] lines = r.out().split("\n");
        assertEquals(3, lines.length, r.out());
        assertTrue(lines[2].contains("\"target\":\"127.0.0.1:" + p + "\",\"ok\":true"), lines[2]);
        assertTrue(lines[2].contains("\"port_check\":{\"address\":\"127.0.0.1\",\"port\":" + p + ",\"open\":true"), lines[2]);
        boolean allOpen = r.out().split("\"open\":true", -1).length - 1 == 3;
        assertEquals(allOpen ? 0 : 4, r.code());
        NkRun.Result plain = NkRun.run("connect", "-z", "127.0.0.1", range);
        assertTrue(plain.out().contains("127.0.0.1:" + p + " "), plain.out());
        assertTrue(plain.stderr().endsWith(" of 3 ports open on 127.0.0.1 (127.0.0.1)\n"), plain.stderr());
    }

    @Test
    void portCheckTakesListsAndRangesMixedAndAnyAsNcMeansIt() throws Exception {
        int closed = Peers.closedPort();
        String list = port() + "," + closed;
        NkRun.Result all = NkRun.run("connect", "-z", "127.0.0.1", list);
        assertEquals(4, all.code(), "one closed: not all open");
        assertTrue(all.stderr().endsWith("1 of 2 ports open on 127.0.0.1 (127.0.0.1)\n"), all.stderr());
        assertEquals(0, NkRun.run("connect", "-z", "--any", "127.0.0.1", list).code(), "--any: one open is enough");
        assertEquals(4, NkRun.run("connect", "-z", "--any", "127.0.0.1", closed + "," + closed).code(), "--any: none open");
        NkRun.Result mixed = NkRun.run("--json", "connect", "-z", "127.0.0.1", closed + "," + port() + "-" + port());
        assertEquals(2, mixed.out().split("\n").length, mixed.out());
        assertTrue(mixed.out().contains("\"port\":" + port() + ",\"open\":true"), mixed.out());
        assertEquals(2, NkRun.run("connect", "-z", "127.0.0.1", "22,,80").code(), "an empty item is a usage error");
    }

    @Test
    void ncWaitIsTheConnectAndIdleTimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()); BlockingInput stdin = new BlockingInput()) {
            Accept.once(silent, s -> sleepQuietly(5000));
            long start = System.nanoTime();
            NkRun.Result r = NkRun.run(stdin, "connect", "-w", "1", "127.0.0.1", String.valueOf(silent.getLocalPort()));
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(124, r.code(), r.toString());
            assertTrue(r.stderr().startsWith("nk: connect: idle for 1s"), r.stderr());
            assertTrue(millis >= 900 && millis < 4000, "-w 1 took " + millis + " ms");
        }
    }

    @Test
    void ncCurlAndSClientHabitsGetTheNkWayInOneLine() {
        NkRun.Result udp = NkRun.run("connect", "-u", "127.0.0.1", "53");
        assertEquals(2, udp.code());
        assertEquals("nk: connect: nk connect is TCP: for UDP use nk udp HOST PORT (nk udp --listen PORT to listen) (see 'nk connect --help')\n",
                udp.stderr());
        NkRun.Result post = NkRun.run("http-get", "-X", "POST", "http://127.0.0.1:1/");
        assertEquals(2, post.code());
        assertEquals("nk: http-get: nk http-get has no -X: it only GETs (and HEADs with -I) (see 'nk http-get --help')\n", post.stderr());
        NkRun.Result sClient = NkRun.run("tls-get", "-connect", "example.com:443");
        assertEquals(2, sClient.code());
        assertEquals("nk: tls-get: nk tls-get takes the target as its argument: nk tls-get HOST:PORT (see 'nk tls-get --help')\n",
                sClient.stderr());
        NkRun.Result showcerts = NkRun.run("tls-get", "-showcerts", "localhost:1");
        assertEquals(2, showcerts.code());
        assertTrue(showcerts.stderr().contains("--save-chain - adds it as PEM on stdout"), showcerts.stderr());
    }

    @Test
    void hexDumpsBothDirectionsOnStderr() {
        NkRun.Result r = NkRun.run("AB\n".getBytes(StandardCharsets.US_ASCII), "connect", "--hex", "127.0.0.1", port());
        assertEquals(0, r.code());
        assertEquals("AB\n", r.out());
        String sent = "> 00000000  41 42 0a                                          |AB.|\n";
        String received = "< 00000000  41 42 0a                                          |AB.|\n";
        assertTrue(r.stderr().contains(sent), r.stderr());
        assertTrue(r.stderr().contains(received), r.stderr());
    }

    @Test
    void jsonResultGoesToStderrAndStdoutStaysThePeersBytes() {
        NkRun.Result r = NkRun.run("x\n".getBytes(StandardCharsets.US_ASCII), "--json", "connect", "127.0.0.1", port());
        assertEquals(0, r.code());
        assertEquals("x\n", r.out());
        String[] lines = {"", r.stderr().strip()};
        assertTrue(lines[1].startsWith("{\"schema\":\"nk/1\",\"command\":\"connect\",\"target\":\"127.0.0.1:" + port() + "\",\"ok\":true,\"exit_code\":0,\"error\":null,\"timings\":{\"dns\":"), lines[1]);
        assertTrue(lines[1].endsWith("\"connect\":{\"outcome\":\"peer_closed\",\"sent\":2,\"received\":2},\"tls\":null}"), lines[1]);
    }

    @Test
    void aClosedStdoutEndsQuietly() {
        OutputStream closedPipe = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("Broken pipe");
            }
        };
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = NkRun.run(new ByteArrayInputStream("data\n".getBytes(StandardCharsets.US_ASCII)), closedPipe, err, Map.of(),
                "connect", "127.0.0.1", port());
        assertEquals(0, code);
        assertEquals("", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void listensForOneClient() throws Exception {
        Background.Lines out = new Background.Lines();
        Background.Lines err = new Background.Lines();
        int[] code = {-1};
        Thread listener = Thread.ofPlatform().start(() -> code[0] = NkRun.run(
                new ByteArrayInputStream("from listener\n".getBytes(StandardCharsets.US_ASCII)), out, err, Map.of(), "connect", "-l", "0"));
        assertTrue(err.await("listening on 127.0.0.1:", Duration.ofSeconds(5)), err.text());
        String line = err.text().strip();
        int listenPort = Integer.parseInt(line.substring(line.lastIndexOf(':') + 1));
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), listenPort)) {
            client.setSoTimeout(5000);
            client.getOutputStream().write("from client\n".getBytes(StandardCharsets.US_ASCII));
            client.shutdownOutput();
            assertEquals("from listener\n", new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
        }
        listener.join(5000);
        assertEquals(0, code[0]);
        assertEquals("from client\n", out.text());
    }

    @Test
    void aPeerThatLeavesWithStdinStillToSendIsExit1NotSilence() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            dev.netknife.support.Accept.once(server, s -> {
                s.getOutputStream().write("banner\n".getBytes(StandardCharsets.US_ASCII));
                s.close(); // reads nothing
            });
            java.io.InputStream slowStdin = new java.io.InputStream() { // a line every 200 ms, as a script's pipe
                private int lines;

                @Override
                public int read() {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    if (lines == 10) {
                        return -1;
                    }
                    sleepQuietly(200);
                    byte[] line = ("line " + lines++ + "\n").getBytes(StandardCharsets.US_ASCII);
                    int n = Math.min(len, line.length); // a test line fits any read nk makes
                    System.arraycopy(line, 0, b, off, n);
                    return n;
                }
            };
            NkRun.Result r = NkRun.run(slowStdin, "connect", "127.0.0.1", String.valueOf(server.getLocalPort()));
            assertEquals(1, r.code(), r.toString());
            assertEquals("banner\n", r.out());
            assertEquals("nk: connect: the peer closed before all of stdin was sent (127.0.0.1:" + server.getLocalPort() + ")\n", r.stderr());
        }
    }

    @Test
    void listenWithDash6ListensOnIpv6Loopback() throws Exception {
        Background.Lines out = new Background.Lines();
        Background.Lines err = new Background.Lines();
        Thread listener = Thread.ofPlatform().start(() -> NkRun.run(
                new ByteArrayInputStream(new byte[0]), out, err, Map.of(), "connect", "-l", "-6", "0"));
        assertTrue(err.await("listening on [::1]:", Duration.ofSeconds(5)), err.text());
        String line = err.text().strip();
        int listenPort = Integer.parseInt(line.substring(line.lastIndexOf(':') + 1));
        try (Socket client = new Socket(java.net.InetAddress.getByName("::1"), listenPort)) {
            client.getOutputStream().write("over v6\n".getBytes(StandardCharsets.US_ASCII));
        }
        listener.join(5000);
        assertEquals("over v6\n", out.text());
    }

    @Test
    void keepOpenServesClientsOneAfterAnother() throws Exception {
        try (BlockingInput stdin = new BlockingInput()) {
            Background.Lines out = new Background.Lines();
            Background.Lines err = new Background.Lines();
            Thread listener = Thread.ofPlatform().start(() -> NkRun.run(stdin, out, err, Map.of(), "connect", "-l", "-k", "0"));
            assertTrue(err.await("listening on 127.0.0.1:", Duration.ofSeconds(5)), err.text());
            String line = err.text().strip();
            int listenPort = Integer.parseInt(line.substring(line.lastIndexOf(':') + 1));
            for (int i = 0; i < 3; i++) {
                try (Socket client = new Socket(InetAddress.getLoopbackAddress(), listenPort)) {
                    client.getOutputStream().write(("client " + i + "\n").getBytes(StandardCharsets.US_ASCII));
                }
                assertTrue(out.await("client " + i + "\n", Duration.ofSeconds(5)), out.text());
            }
            listener.interrupt();
            listener.join(5000);
            assertTrue(err.await("stopped: 3 connections", Duration.ofSeconds(5)), err.text());
            assertEquals("client 0\nclient 1\nclient 2\n", out.text(), "stdout holds what clients sent and nothing else (no address)");
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
