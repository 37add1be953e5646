package dev.netknife.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netknife.support.Background;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class EchoServerCommandTest {

    private static Socket connect(Background server) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port());
        s.setSoTimeout(5000);
        return s;
    }

    private static String echo(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        return new String(s.getInputStream().readNBytes(text.getBytes(StandardCharsets.UTF_8).length), StandardCharsets.UTF_8);
    }

    @Test
    void printsItsAddressEchoesAndSummarisesOnCtrlC() throws Exception {
        Background server = Background.start("echo-server", "0");
        assertTrue(server.address().matches("127\\.0\\.0\\.1:\\d+"), server.address());
        try (Socket a = connect(server); Socket b = connect(server)) {
            assertEquals("hello", echo(a, "hello"));
            assertEquals("wörld", echo(b, "wörld"));
        }
        assertEquals(130, server.stop());
        assertEquals("nk: echo-server: stopped: 2 connections, 11 B in, 11 B out\n", server.stderr());
        assertEquals(server.address() + "\n", server.stdout(), "nothing on stdout but the ready line");
    }

    @Test
    void verboseLogsConnectsAndDisconnects() throws Exception {
        try (Background server = Background.start("echo-server", "-v", "0")) {
            try (Socket s = connect(server)) {
                echo(s, "abc");
            }
            assertTrue(server.stderrLines().await(" echoed)", Duration.ofSeconds(5)), server.stderr());
            String[] lines = server.stderrLines().lines();
            assertTrue(lines[0].matches("nk: echo-server: open 127\\.0\\.0\\.1:\\d+"), lines[0]);
            assertTrue(lines[1].matches("nk: echo-server: close 127\\.0\\.0\\.1:\\d+ \\(3 B echoed\\)"), lines[1]);
        }
    }

    @Test
    void jsonLogsEventsAsJsonLines() throws Exception {
        Background server = Background.start("--json", "echo-server", "0");
        assertEquals("{\"schema\":\"nk/1\",\"command\":\"echo-server\",\"event\":\"listening\",\"address\":\"" + server.address() + "\"}",
                server.stdoutLines().lines()[0], "under --json the ready line is JSON too: every stdout line parses");
        assertTrue(server.address().matches("127\\.0\\.0\\.1:\\d+"), server.address());
        try (Socket s = connect(server)) {
            echo(s, "abcd");
        }
        server.stdoutLines().awaitLines(3, Duration.ofSeconds(5));
        assertEquals(130, server.stop());
        String[] lines = server.stdoutLines().lines();
        assertTrue(lines[1].matches("\\{\"schema\":\"nk/1\",\"command\":\"echo-server\",\"event\":\"open\",\"client\":\"127\\.0\\.0\\.1:\\d+\"}"), lines[1]);
        assertTrue(lines[2].matches(".*\"event\":\"close\".*\"bytes_in\":4,\"bytes_out\":4,\"reason\":null}"), lines[2]);
        assertEquals("{\"schema\":\"nk/1\",\"command\":\"echo-server\",\"event\":\"summary\",\"connections\":1,\"rejected\":0,\"bytes_in\":4,\"bytes_out\":4}",
                lines[3]);
    }

    @Test
    void idleTimeoutAndMaxConnsApply() throws Exception {
        try (Background server = Background.start("echo-server", "--idle-timeout", "200ms", "--max-conns", "1", "0")) {
            try (Socket first = connect(server)) {
                assertEquals("x", echo(first, "x"));
                assertEquals(-1, first.getInputStream().read(), "closed after 200 ms idle");
            }
            try (Socket next = connect(server)) {
                assertEquals("y", echo(next, "y"), "the slot was given back");
            }
        }
    }

    @Test
    void listensOnIpv6WhenAsked() throws Exception {
        try (Background server = Background.start("echo-server", "--bind", "::1", "0")) {
            assertTrue(server.address().startsWith("[::1]:"), server.address());
            try (Socket s = new Socket(InetAddress.getByName("::1"), server.port())) {
                s.setSoTimeout(5000);
                assertEquals("v6", echo(s, "v6"));
            }
        }
    }
}
