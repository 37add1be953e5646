package dev.netknife.cases;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netknife.support.Accept;
import dev.netknife.support.NkRun;
import dev.netknife.support.RawWsPeer;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Hostile and broken proxies, scripted byte by byte: garbage answers, a proxy that closes at each step or
 * hangs, oversized CONNECT answers, a CONNECT answer with bytes after it, and what goes where (credentials
 * to the proxy only). Real proxies are in ProxyPeersTest. Cases 0640–0654.
 */
class ProxyCases {

    private static ServerSocket listen() throws IOException {
        return new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    private static String proxy(String scheme, ServerSocket server) {
        return scheme + "://127.0.0.1:" + server.getLocalPort();
    }

    private static byte[] read(InputStream in, int n) throws IOException {
        byte[] bytes = new byte[n];
        new DataInputStream(in).readFully(bytes);
        return bytes;
    }

    /** A request head, up to its blank line. */
    private static String head(InputStream in) throws IOException {
        return RawWsPeer.readHead(in);
    }

    /** A SOCKS5 proxy (no authentication) that opens the tunnel and then runs {@code tunnel} as the target. */
    private static void socks5(Socket client, Accept.Behaviour tunnel) throws Exception {
        InputStream in = client.getInputStream();
        OutputStream out = client.getOutputStream();
        read(in, read(in, 2)[1]);
        out.write(new byte[] {5, 0});
        byte[] head = read(in, 4);
        int type = head[3];
        read(in, type == 1 ? 4 + 2 : type == 4 ? 16 + 2 : (in.read() & 0xff) + 2);
        out.write(new byte[] {5, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0x1f, (byte) 0x90}); // bound to [::1]:8080
        out.flush();
        tunnel.on(client);
    }

    @Test
    void case0640Socks5ProxyAnsweringHttp() throws Exception {
        try (ServerSocket server = listen()) {
            Accept.each(server, 5000, c -> {
                c.getInputStream().read(new byte[16]);
                c.getOutputStream().write("HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            });
            NkRun.Result r = NkRun.run("--json", "connect", "--proxy", proxy("socks5h", server), "example.com", "80");
            assertEquals(6, r.code(), r.toString());
            assertTrue(r.stderr().contains("nk: connect: the proxy socks5h://127.0.0.1:" + server.getLocalPort()
                    + " broke the protocol: its answer is not SOCKS5 (first byte 0x48 'H', an HTTP answer) (example.com:80)"), r.stderr());
            assertTrue(r.stderr().contains("\"phase\":\"proxy\""), r.stderr());
        }
    }

    @Test
    void case0641ProxyClosingAtEachStepOfSocks5() throws Exception {
        for (int step = 0; step < 3; step++) {
            int closeAt = step;
            try (ServerSocket server = listen()) {
                Accept.each(server, 5000, c -> {
                    InputStream in = c.getInputStream();
                    OutputStream out = c.getOutputStream();
                    read(in, 3);
                    if (closeAt == 0) {
                        return;
                    }
                    out.write(new byte[] {5, 0});
                    read(in, 5);
                    if (closeAt == 1) {
                        return;
                    }
                    out.write(new byte[] {5, 0, 0}); // then closes inside the reply
                });
                NkRun.Result r = NkRun.run("connect", "--proxy", proxy("socks5h", server), "a.test", "80");
                assertEquals(6, r.code(), "step " + step + ": " + r);
                assertTrue(r.stderr().contains("the proxy closed the connection during the SOCKS5 handshake"), r.stderr());
                assertFalse(r.stderr().contains("\tat "), "no stack trace: " + r.stderr());
            }
        }
    }

    @Test
    void case0642ProxyHangingMidHandshakeIsATimeoutInTheProxyPhase() throws Exception {
        try (ServerSocket server = listen()) {
            Accept.each(server, 10_000, c -> {
                c.getOutputStream().write(new byte[] {5}); // half a method choice, then nothing
                Thread.sleep(5000);
            });
            long start = System.nanoTime();
            NkRun.Result r = NkRun.run("--json", "connect", "--connect-timeout", "500ms", "--proxy", proxy("socks5", server), "127.0.0.1", "9");
            assertEquals(124, r.code(), r.toString());
            assertTrue(r.stderr().contains("did not open the tunnel in time"), r.stderr());
            assertTrue(r.stderr().contains("\"phase\":\"proxy\""), r.stderr());
            assertTrue(System.nanoTime() - start < 4_000_000_000L, "bounded by --connect-timeout");
        }
    }

    /** RFC 9110 9.3.6: what follows a 2xx CONNECT answer is the tunnel, whatever its headers say: no byte is lost. */
    @Test
    void case0643ConnectAnswerFollowedByTunnelBytes() throws Exception {
        try (ServerSocket server = listen()) {
            Accept.each(server, 5000, c -> {
                head(c.getInputStream());
                c.getOutputStream().write("HTTP/1.1 200 Connection established\r\nContent-Length: 5\r\n\r\nhello from the target\n"
                        .getBytes(StandardCharsets.US_ASCII));
            });
            NkRun.Result r = NkRun.run(new byte[0], "connect", "--proxy", proxy("http", server), "target.test", "7");
            assertEquals(0, r.code(), r.toString());
            assertEquals("hello from the target\n", r.out());
        }
    }

    @Test
    void case0644CredentialsGoToTheProxyOnly() throws Exception {
        List<String> seenByProxy = new CopyOnWriteArrayList<>();
        List<String> seenByTarget = new CopyOnWriteArrayList<>();
        try (ServerSocket server = listen()) {
            Accept.each(server, 5000, c -> {
                seenByProxy.add(head(c.getInputStream()));
                c.getOutputStream().write("HTTP/1.1 200 OK\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                String request = head(c.getInputStream()); // now the target's side of the tunnel
                seenByTarget.add(request);
                c.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n".getBytes(StandardCharsets.US_ASCII));
            });
            NkRun.Result r = NkRun.run("http-get", "-s", "--proxytunnel", "--proxy", "http://al%20ice:pa%3Ass@127.0.0.1:" + server.getLocalPort(),
                    "http://target.test:8080/x");
            assertEquals(0, r.code(), r.toString());
            assertEquals("ok\n", r.out());
            assertTrue(seenByProxy.getFirst().startsWith("CONNECT target.test:8080 HTTP/1.1\r\nHost: target.test:8080\r\n"), seenByProxy.getFirst());
            assertTrue(seenByProxy.getFirst().contains("Proxy-Authorization: Basic YWwgaWNlOnBhOnNz\r\n"), seenByProxy.getFirst()); // "al ice:pa:ss"
            assertTrue(seenByTarget.getFirst().startsWith("GET /x HTTP/1.1\r\n"), seenByTarget.getFirst());
            assertFalse(seenByTarget.getFirst().toLowerCase().contains("authorization"), seenByTarget.getFirst());
        }
    }

    /** Without --proxytunnel an http:// URL goes to an HTTP proxy as curl sends it: absolute-form, the proxy's credentials, no tunnel. */
    @Test
    void case0654PlainHttpGoesToAnHttpProxyInAbsoluteForm() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        try (ServerSocket server = listen()) {
            Accept.each(server, 5000, c -> {
                seen.add(head(c.getInputStream()));
                c.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nforwarded".getBytes(StandardCharsets.US_ASCII));
            });
            NkRun.Result r = NkRun.run("http-get", "-s", "-u", "site:pw", "--proxy", "http://px:secret@127.0.0.1:" + server.getLocalPort(),
                    "http://origin.test:8080/a?b=1", "http://origin.test:8080/c");
            assertEquals(0, r.code(), r.toString());
            assertEquals("forwardedforwarded", r.out());
            assertTrue(seen.getFirst().startsWith("GET http://origin.test:8080/a?b=1 HTTP/1.1\r\nHost: origin.test:8080\r\n"), seen.getFirst());
            assertTrue(seen.getFirst().contains("Proxy-Authorization: Basic cHg6c2VjcmV0\r\n"), seen.getFirst()); // px:secret
            assertTrue(seen.getFirst().contains("Authorization: Basic c2l0ZTpwdw==\r\n"), seen.getFirst()); // the site's own, for the origin
            assertEquals(1, seen.size() == 2 && seen.get(1).startsWith("GET http://origin.test:8080/c HTTP/1.1") ? 1 : 0, "kept alive: " + seen);
        }
    }

    @Test
    void case0645OversizedConnectAnswers() throws Exception {
        for (String answer : new String[] {"HTTP/1.1 200 OK\r\nX: " + "a".repeat(9000) + "\r\n\r\n",
                "HTTP/1.1 200 OK\r\n" + "X-Filler: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n".repeat(2000)}) {
            try (ServerSocket server = listen()) {
                Accept.each(server, 5000, c -> {
                    head(c.getInputStream());
                    c.getOutputStream().write(answer.getBytes(StandardCharsets.US_ASCII));
                });
                NkRun.Result r = NkRun.run("connect", "--proxy", proxy("http", server), "a.test", "80");
                assertEquals(6, r.code(), r.toString());
                assertTrue(r.stderr().contains("its answer to CONNECT has a line over 8 KiB or is over 64 KiB"), r.stderr());
            }
        }
    }

    @Test
    void case0646ConnectAnswerThatIsNotHttp() throws Exception {
        try (ServerSocket server = listen()) {
            Accept.each(server, 5000, c -> {
                head(c.getInputStream());
                c.getOutputStream().write("SSH-2.0-OpenSSH_9.2\r\n".getBytes(StandardCharsets.US_ASCII));
            });
            NkRun.Result r = NkRun.run("connect", "--proxy", proxy("http", server), "a.test", "80");
            assertEquals(6, r.code(), r.toString());
            assertTrue(r.stderr().contains("its answer to CONNECT is not HTTP: SSH-2.0-OpenSSH_9.2"), r.stderr());
        }
    }

    @Test
    void case0647ConnectRefusalsNameTheProxysStatus() throws Exception {
        for (String[] answer : new String[][] {{"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 4\r\n\r\nnope", "4", "refused: 502 Bad Gateway"},
                {"HTTP/1.1 403 Forbidden\r\n\r\n", "6", "refused: 403 Forbidden"},
                {"HTTP/1.0 407 Proxy Authentication Required\r\n\r\n", "6", "it wants authentication (407 Proxy Authentication Required)"},
                {"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 504 Gateway Timeout\r\n\r\n", "4", "refused: 504 Gateway Timeout"}}) {
            try (ServerSocket server = listen()) {
                Accept.each(server, 5000, c -> {
                    head(c.getInputStream());
                    c.getOutputStream().write(answer[0].getBytes(StandardCharsets.US_ASCII));
                });
                NkRun.Result r = NkRun.run("connect", "--proxy", proxy("http", server), "a.test", "80");
                assertEquals(Integer.parseInt(answer[1]), r.code(), r.toString());
                assertTrue(r.stderr().contains(answer[2]), r.stderr());
            }
        }
    }

    @Test
    void case0648Socks4aSendsTheNameAndTheUserId() throws Exception {
        List<byte[]> requests = new CopyOnWriteArrayList<>();
        try (ServerSocket server = listen()) {
            Accept.each(server, 5000, c -> {
                InputStream in = c.getInputStream();
                ByteArrayOutputStream request = new ByteArrayOutputStream();
                int zeros = 0;
                while (zeros < 2) {
                    int b = in.read();
                    request.write(b);
                    if (b == 0 && request.size() > 8) {
                        zeros++;
                    }
                }
                requests.add(request.toByteArray());
                c.getOutputStream().write(new byte[] {0, 90, 0, 0, 0, 0, 0, 0});
                c.getOutputStream().write("tunnel up\n".getBytes(StandardCharsets.US_ASCII));
            });
            NkRun.Result r = NkRun.run(new byte[0], "connect", "--proxy", "socks4a://me@127.0.0.1:" + server.getLocalPort(), "named.test", "8080");
            assertEquals(0, r.code(), r.toString());
            assertEquals("tunnel up\n", r.out());
            byte[] expected = {4, 1, 0x1f, (byte) 0x90, 0, 0, 0, 1, 'm', 'e', 0, 'n', 'a', 'm', 'e', 'd', '.', 't', 'e', 's', 't', 0};
            assertEquals(java.util.Arrays.toString(expected), java.util.Arrays.toString(requests.getFirst()));
        }
    }

    /** A bound address of either family (or a name) in the SOCKS5 reply is read whole; the tunnel starts right after it. */
    @Test
    void case0649Socks5ReplyWithAnIpv6BoundAddress() throws Exception {
        try (ServerSocket server = listen()) {
            Accept.each(server, 5000, c -> socks5(c, t -> t.getOutputStream().write("after the reply\n".getBytes(StandardCharsets.US_ASCII))));
            NkRun.Result r = NkRun.run(new byte[0], "connect", "--proxy", proxy("socks5", server), "127.0.0.1", "8080");
            assertEquals(0, r.code(), r.toString());
            assertEquals("after the reply\n", r.out());
        }
    }

    @Test
    void case0650Socks5RefusalsAndUnknownMethods() throws Exception {
        for (byte[][] script : new byte[][][] {{{5, (byte) 0xff}}, {{5, 7}}, {{5, 0}, {5, 2, 0, 1, 0, 0, 0, 0, 0, 0}}, {{5, 0}, {5, 9, 0, 1, 0, 0, 0, 0, 0, 0}},
                {{5, 0}, {5, 0, 0, 9}}}) {
            try (ServerSocket server = listen()) {
                Accept.each(server, 5000, c -> {
                    read(c.getInputStream(), 3);
                    c.getOutputStream().write(script[0]);
                    if (script.length > 1) {
                        read(c.getInputStream(), 10);
                        c.getOutputStream().write(script[1]);
                    }
                    Thread.sleep(200);
                });
                NkRun.Result r = NkRun.run("connect", "--proxy", proxy("socks5", server), "127.0.0.1", "80");
                assertEquals(6, r.code(), r.toString());
                String said = r.stderr();
                assertTrue(said.contains("it wants authentication") || said.contains("which nk did not offer")
                        || said.contains("connection not allowed by its rules (SOCKS5 reply 2)") || said.contains("unknown failure (SOCKS5 reply 9)")
                        || said.contains("unknown address type 9"), said);
            }
        }
    }

    @Test
    void case0651BadProxyUrlsAreUsageErrorsBeforeAnySocket() {
        for (String bad : new String[] {"ftp://127.0.0.1:1", "socks5://", "http://127.0.0.1:70000", "socks5://127.0.0.1:1/path"}) {
            NkRun.Result r = NkRun.run("connect", "--proxy", bad, "127.0.0.1", "1");
            assertEquals(2, r.code(), bad + ": " + r);
            assertTrue(r.stderr().startsWith("nk: connect: --proxy: "), r.stderr());
        }
        for (String mode : new String[] {"-l", "-z"}) {
            NkRun.Result r = NkRun.run("connect", mode, "--proxy", "socks5://127.0.0.1:1", "127.0.0.1", "1");
            assertEquals(2, r.code(), r.toString());
            assertEquals("nk: connect: --proxy is for a client session: -l listens here, and -z checks ports directly\n", r.stderr());
        }
    }

    @Test
    void case0653Socks5ProxyThatDoesNotRelayUdp() throws Exception {
        try (ServerSocket server = listen()) {
            Accept.each(server, 5000, c -> {
                read(c.getInputStream(), 3);
                c.getOutputStream().write(new byte[] {5, 0});
                read(c.getInputStream(), 10);
                c.getOutputStream().write(new byte[] {5, 7, 0, 1, 0, 0, 0, 0, 0, 0});
                Thread.sleep(200);
            });
            NkRun.Result r = NkRun.run("udp", "--proxy", proxy("socks5", server), "--send", "x", "127.0.0.1", "9");
            assertEquals(6, r.code(), r.toString());
            assertTrue(r.stderr().contains("refused: it does not relay UDP (SOCKS5 reply 7: command not supported)"), r.stderr());
        }
    }

    @Test
    void case0652Socks4CarriesIpv4Only() throws Exception {
        try (ServerSocket server = listen()) {
            Accept.each(server, 5000, c -> c.getInputStream().read());
            NkRun.Result r = NkRun.run("connect", "--proxy", proxy("socks4", server), "::1", "80");
            assertEquals(6, r.code(), r.toString());
            assertTrue(r.stderr().contains("SOCKS4 carries IPv4 addresses only, and ::1 is ::1: use socks4a:// or socks5://"), r.stderr());
        }
    }
}
