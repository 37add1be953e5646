package dev.netknife.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netknife.support.Accept;
import dev.netknife.support.NkRun;
import dev.netknife.support.RawWsPeer;
import dev.netknife.support.OpensslServer;
import dev.netknife.support.TestCerts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** curl's --resolve and --connect-to: the connection goes elsewhere, the name stays (Host, SNI, certificate checks). */
class NamePinningTest {
    @TempDir
    static Path dir;

    /** A request head, up to its blank line. */
    private static String head(InputStream in) throws IOException {
        return RawWsPeer.readHead(in);
    }

    @Test
    void httpGetKeepsTheNameInHost() throws Exception {
        List<String> requests = new CopyOnWriteArrayList<>();
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Accept.each(server, 5000, c -> {
                requests.add(head(c.getInputStream()));
                c.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n".getBytes(StandardCharsets.US_ASCII));
            });
            int port = server.getLocalPort();
            NkRun.Result resolved = NkRun.run("http-get", "-s", "--resolve", "api.example.test:" + port + ":127.0.0.1",
                    "http://api.example.test:" + port + "/v1");
            assertEquals(0, resolved.code(), resolved.toString());
            assertEquals("ok\n", resolved.out());
            assertTrue(requests.getLast().contains("\r\nHost: api.example.test:" + port + "\r\n"), requests.getLast());
            NkRun.Result moved = NkRun.run("http-get", "-s", "--connect-to", "www.example.test:80:127.0.0.1:" + port, "http://www.example.test/");
            assertEquals(0, moved.code(), moved.toString());
            assertTrue(requests.getLast().contains("\r\nHost: www.example.test\r\n"), requests.getLast());
            NkRun.Result anyHost = NkRun.run("--json", "http-get", "--connect-to", "::[::1]:1", "--connect-to", "::127.0.0.1:" + port,
                    "http://other.test:8080/");
            assertEquals(4, anyHost.code(), "the first matching rule wins, as in curl: " + anyHost);
            NkRun.Result wildcard = NkRun.run("http-get", "-s", "--resolve", "*:" + port + ":127.0.0.1", "http://whatever.test:" + port + "/");
            assertEquals(0, wildcard.code(), wildcard.toString());
        }
    }

    @Test
    void tlsGetChecksTheCertificateAgainstTheOriginalName() throws Exception {
        TestCerts certs = new TestCerts(dir);
        try (OpensslServer server = OpensslServer.start(certs.good())) {
            String ca = certs.caFile().toString();
            NkRun.Result r = NkRun.run("tls-get", "--cacert", ca, "--resolve", "elsewhere.test:" + server.port() + ":127.0.0.1",
                    "elsewhere.test:" + server.port());
            assertEquals(5, r.code(), "connected, and the name checked was elsewhere.test: " + r);
            assertTrue(r.out().contains("(SNI elsewhere.test)"), r.out());
            NkRun.Result same = NkRun.run("tls-get", "--cacert", ca, "--connect-to", "localhost:443:127.0.0.1:" + server.port(), "localhost");
            assertEquals(0, same.code(), same.toString());
            assertTrue(same.out().contains("verified   yes"), same.out());
        }
    }

    /** A monitor targets file (@FILE) carries its pins beside its targets. */
    @Test
    void monitorTargetsFileWithPins() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Accept.each(server, 5000, c -> c.getOutputStream().write("hi".getBytes(StandardCharsets.US_ASCII)));
            Path file = java.nio.file.Files.writeString(dir.resolve("targets.txt"),
                    "--resolve db.internal.test:" + server.getLocalPort() + ":127.0.0.1\ntcp://db.internal.test:" + server.getLocalPort() + "\n");
            NkRun.Result r = NkRun.run("monitor", "--once", "@" + file);
            assertEquals(0, r.code(), r.toString());
            assertTrue(r.out().contains("db.internal.test:" + server.getLocalPort()), r.out());
        }
    }

    @Test
    void malformedPinsAreUsageErrors() {
        for (String[] bad : new String[][] {{"--resolve", "host:80"}, {"--resolve", "host:x:127.0.0.1"}, {"--resolve", "host:80:not-an-ip"},
                {"--connect-to", "a:1:b"}, {"--connect-to", "a:99999:b:1"}}) {
            NkRun.Result r = NkRun.run("connect", bad[0], bad[1], "127.0.0.1", "1");
            assertEquals(2, r.code(), String.join(" ", bad) + ": " + r);
            assertTrue(r.stderr().startsWith("nk: connect: " + bad[0] + " " + bad[1] + ": "), r.stderr());
        }
    }
}
