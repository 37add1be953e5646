package dev.netknife.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netknife.support.Background;
import dev.netknife.support.BlockingInput;
import dev.netknife.support.NginxServer;
import dev.netknife.support.NkRun;
import dev.netknife.support.ProxyServer;
import dev.netknife.support.TestCerts;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every client through real proxies started here: dante (SOCKS4, SOCKS5 with and without RFC 1929 user names),
 * tinyproxy (HTTP CONNECT with Basic authentication and a port it refuses) and ncat's HTTP proxy, plain and over
 * TLS; behind them nginx (HTTPS) and nk's own echo-server.
 */
class ProxyPeersTest {
    @TempDir
    static Path dir;
    static TestCerts certs;
    static String ca;
    static NginxServer nginx;
    static NginxServer plainNginx;
    static Background echo;

    @BeforeAll
    static void start() throws Exception {
        certs = new TestCerts(dir);
        ca = certs.caFile().toString();
        nginx = NginxServer.startTls(dir, certs.good(), "through\n");
        plainNginx = NginxServer.start(dir, "listen 127.0.0.1:PORT; location / { return 200 \"plain\\n\"; }");
        echo = Background.start("echo-server", "0");
    }

    @AfterAll
    static void stop() throws Exception {
        if (nginx != null) {
            nginx.close();
        }
        if (plainNginx != null) {
            plainNginx.close();
        }
        if (echo != null) {
            echo.close();
        }
    }

    private static String https() {
        return "https://localhost:" + nginx.port() + "/";
    }

    @Test
    void httpGetThroughDanteWithEveryKindOfSocks() throws Exception {
        try (ProxyServer dante = ProxyServer.dante(dir, false)) {
            for (String scheme : new String[] {"socks5", "socks5h", "socks4"}) {
                NkRun.Result r = NkRun.run("--json", "http-get", "--cacert", ca, "--proxy", scheme + "://127.0.0.1:" + dante.port(), https());
                assertEquals(0, r.code(), scheme + ": " + r);
                assertTrue(r.out().contains("\"status\":200"), r.out());
                assertTrue(r.out().matches("(?s).*\"timings\":\\{\"dns\":[^,]+,\"connect\":[0-9.]+,\"proxy\":[0-9.]+,\"tls\":[0-9.]+.*"), r.out());
            }
            assertTrue(dante.log().contains("pass"), dante.log());
        }
    }

    @Test
    void danteWithUserNamesTakesTheRightPasswordOnly() throws Exception {
        try (ProxyServer dante = ProxyServer.dante(dir, true)) {
            String user = ProxyServer.DANTE_USER + ":" + ProxyServer.DANTE_PASSWORD.replace(" ", "%20");
            NkRun.Result good = NkRun.run("http-get", "-s", "--cacert", ca, "--proxy", "socks5h://" + user + "@127.0.0.1:" + dante.port(), https());
            assertEquals(0, good.code(), good.toString());
            assertEquals("through\n", good.out());
            NkRun.Result bad = NkRun.run("http-get", "--cacert", ca, "--proxy", "socks5h://" + ProxyServer.DANTE_USER + ":wrong@127.0.0.1:" + dante.port(),
                    https());
            assertEquals(6, bad.code(), bad.toString());
            assertTrue(bad.stderr().startsWith("nk: http-get: the proxy socks5h://127.0.0.1:" + dante.port()
                    + " refused: it refused the user name and password (RFC 1929 status"), bad.stderr());
            assertTrue(!bad.stderr().contains("wrong"), "the password is never shown: " + bad.stderr());
            NkRun.Result none = NkRun.run("http-get", "--cacert", ca, "--proxy", "socks5://127.0.0.1:" + dante.port(), https());
            assertEquals(6, none.code(), none.toString());
            assertTrue(none.stderr().contains("it wants authentication: give user:password@ in the proxy URL"), none.stderr());
        }
    }

    @Test
    void connectAndTlsGetThroughDante() throws Exception {
        try (ProxyServer dante = ProxyServer.dante(dir, false)) {
            NkRun.Result echoed = NkRun.run("hello through socks\n".getBytes(StandardCharsets.US_ASCII), "connect", "--proxy",
                    "socks5h://127.0.0.1:" + dante.port(), "localhost", String.valueOf(echo.port()));
            assertEquals(0, echoed.code(), echoed.toString());
            assertEquals("hello through socks\n", echoed.out());
            NkRun.Result tls = NkRun.run("tls-get", "--cacert", ca, "--proxy", "socks5://127.0.0.1:" + dante.port(), "localhost:" + nginx.port());
            assertEquals(0, tls.code(), tls.toString());
            assertTrue(tls.out().contains("verified   yes"), tls.out());
            assertTrue(tls.out().contains("proxy "), tls.out());
            NkRun.Result refused = NkRun.run("--json", "connect", "--proxy", "socks5h://127.0.0.1:" + dante.port(), "localhost",
                    String.valueOf(dev.netknife.support.Peers.closedPort()));
            assertEquals(4, refused.code(), refused.toString());
            assertTrue(refused.stderr().contains("refused: connection refused by the target (SOCKS5 reply 5)"), refused.stderr());
        }
    }

    @Test
    void tinyproxyWithBasicAuthenticationAndARefusedPort() throws Exception {
        try (ProxyServer tiny = ProxyServer.tinyproxy(dir, "alice", "s3cret", nginx.port(), echo.port())) {
            String proxy = "http://alice:s3cret@127.0.0.1:" + tiny.port();
            NkRun.Result good = NkRun.run("http-get", "-s", "--cacert", ca, "--proxy", proxy, https());
            assertEquals(0, good.code(), good.toString());
            assertEquals("through\n", good.out());
            try (BlockingInput terminal = new BlockingInput()) { // tinyproxy ends the tunnel on a half-close: keep stdin open
                NkRun.Result echoed = NkRun.run(terminal, "connect", "-x", proxy, "--send", "ping\\n", "--expect", "ping", "127.0.0.1",
                        String.valueOf(echo.port()));
                assertEquals(0, echoed.code(), echoed.toString());
                assertEquals("ping\n", echoed.out());
            }
            NkRun.Result forwarded = NkRun.run("http-get", "-s", "--proxy", proxy, "http://localhost:" + plainNginx.port() + "/");
            assertEquals(0, forwarded.code(), "an http:// URL goes to tinyproxy as a forward proxy (no CONNECT to a port it refuses): " + forwarded);
            assertEquals("plain\n", forwarded.out());
            NkRun.Result tunnelled = NkRun.run("http-get", "--proxytunnel", "--proxy", proxy, "http://localhost:" + plainNginx.port() + "/");
            assertEquals(6, tunnelled.code(), "with -p tinyproxy refuses CONNECT to a port it does not allow: " + tunnelled);
            NkRun.Result noCredentials = NkRun.run("http-get", "--cacert", ca, "--proxy", "http://127.0.0.1:" + tiny.port(), https());
            assertEquals(6, noCredentials.code(), noCredentials.toString());
            assertTrue(noCredentials.stderr().contains("it wants authentication (407"), noCredentials.stderr());
            NkRun.Result refusedPort = NkRun.run("--json", "connect", "--proxy", proxy, "127.0.0.1", "22");
            assertEquals(6, refusedPort.code(), refusedPort.toString());
            assertTrue(refusedPort.stderr().contains("refused: 403"), refusedPort.stderr());
            assertTrue(refusedPort.stderr().contains("\"phase\":\"proxy\""), refusedPort.stderr());
        }
    }

    @Test
    void ncatHttpProxyPlainAndOverTls() throws Exception {
        try (ProxyServer plain = ProxyServer.ncat(dir, null); ProxyServer overTls = ProxyServer.ncat(dir, certs.good())) {
            NkRun.Result r = NkRun.run("http-get", "-s", "--cacert", ca, "--proxy", "http://127.0.0.1:" + plain.port(), https());
            assertEquals(0, r.code(), r.toString());
            assertEquals("through\n", r.out());
            NkRun.Result tls = NkRun.run("http-get", "-s", "--cacert", ca, "--proxy-cacert", ca, "--proxy", "https://localhost:" + overTls.port(), https());
            assertEquals(0, tls.code(), tls.toString());
            assertEquals("through\n", tls.out());
            NkRun.Result untrusted = NkRun.run("http-get", "--cacert", ca, "--proxy", "https://localhost:" + overTls.port(), https());
            assertEquals(5, untrusted.code(), untrusted.toString());
            assertTrue(untrusted.stderr().startsWith("nk: http-get: TLS to the proxy: "), untrusted.stderr());
        }
    }

    /** curl's variables: http_proxy and https_proxy by the target's scheme, no_proxy, and HTTP_PROXY ignored as curl does. */
    @Test
    void httpGetAndWsReadTheProxyVariables() throws Exception {
        try (ProxyServer dante = ProxyServer.dante(dir, false)) {
            String proxy = "socks5h://127.0.0.1:" + dante.port();
            String dead = "socks5h://127.0.0.1:" + dev.netknife.support.Peers.closedPort();
            assertEquals(0, run(Map.of("https_proxy", proxy), "http-get", "-s", "--cacert", ca, https()).code);
            Run viaDead = run(Map.of("https_proxy", dead), "http-get", "--cacert", ca, https());
            assertEquals(4, viaDead.code, viaDead.err);
            assertTrue(viaDead.err.startsWith("nk: http-get: cannot reach the proxy: connection refused"), viaDead.err);
            assertEquals(0, run(Map.of("https_proxy", dead, "no_proxy", "example.com,localhost"), "http-get", "-s", "--cacert", ca, https()).code);
            assertEquals(0, run(Map.of("ALL_PROXY", dead, "NO_PROXY", "*"), "http-get", "-s", "--cacert", ca, https()).code);
            assertEquals(0, run(Map.of("https_proxy", dead), "http-get", "-s", "--cacert", ca, "--noproxy", "localhost", https()).code);
            assertEquals(0, run(Map.of("https_proxy", dead), "http-get", "-s", "--cacert", ca, "--proxy", "", https()).code);
            String plain = "http://localhost:" + plainNginx.port() + "/";
            Run upperCaseIgnored = run(Map.of("HTTP_PROXY", dead), "http-get", "-s", plain);
            assertEquals(0, upperCaseIgnored.code, upperCaseIgnored.err);
            assertEquals("plain\n", upperCaseIgnored.out);
            assertEquals(4, run(Map.of("http_proxy", dead), "http-get", plain).code);
            assertEquals("plain\n", run(Map.of("http_proxy", proxy, "https_proxy", dead), "http-get", "-s", plain).out);
            Run connectIgnoresEnv = run(Map.of("all_proxy", dead), "connect", "-z", "127.0.0.1", String.valueOf(echo.port()));
            assertEquals(0, connectIgnoresEnv.code, connectIgnoresEnv.err);
            Run badVariable = run(Map.of("https_proxy", "gopher://x"), "http-get", https());
            assertEquals(2, badVariable.code, badVariable.err);
            assertTrue(badVariable.err.startsWith("nk: http-get: the https_proxy variable: unknown proxy scheme 'gopher'"), badVariable.err);
        }
    }

    /** UDP through dante's UDP ASSOCIATE relay, to nk's own UDP echo server; a proxy that is not SOCKS5 is a usage error. */
    @Test
    void udpThroughDantesRelay() throws Exception {
        try (ProxyServer dante = ProxyServer.dante(dir, false); Background udpEcho = Background.start("udp", "--listen", "--echo", "0")) {
            for (String scheme : new String[] {"socks5", "socks5h"}) {
                NkRun.Result r = NkRun.run("--json", "udp", "--proxy", scheme + "://127.0.0.1:" + dante.port(), "--send", "one", "--send", "two",
                        "--count", "2", "localhost", String.valueOf(udpEcho.port()));
                assertEquals(0, r.code(), scheme + ": " + r);
                assertTrue(r.out().contains("\"received\":2"), r.out());
                assertTrue(r.out().contains("\"proxy\":"), r.out());
            }
            NkRun.Result http = NkRun.run("udp", "--proxy", "http://127.0.0.1:1", "--send", "x", "127.0.0.1", "9");
            assertEquals(2, http.code(), http.toString());
        }
    }

    @Test
    void balanceReachesItsBackendsThroughDante() throws Exception {
        try (ProxyServer dante = ProxyServer.dante(dir, false);
                Background balance = Background.start("balance", "--proxy", "socks5h://127.0.0.1:" + dante.port(), "0", "localhost:" + echo.port())) {
            NkRun.Result r = NkRun.run("via balance and socks\n".getBytes(StandardCharsets.US_ASCII), "connect", "127.0.0.1", String.valueOf(balance.port()));
            assertEquals(0, r.code(), r.toString());
            assertEquals("via balance and socks\n", r.out());
        }
    }

    @Test
    void wsThroughDante() throws Exception {
        try (ProxyServer dante = ProxyServer.dante(dir, false); Background ws = Background.start("ws", "--listen", "0")) {
            NkRun.Result r = NkRun.run("hello ws\n".getBytes(StandardCharsets.US_ASCII), "ws", "--proxy", "socks5h://127.0.0.1:" + dante.port(),
                    "ws://localhost:" + ws.port() + "/");
            assertEquals(0, r.code(), r.toString());
            assertEquals("hello ws\n", r.out());
        }
    }

    @Test
    void monitorProbesThroughTheProxy() throws Exception {
        try (ProxyServer dante = ProxyServer.dante(dir, false)) {
            String proxy = "socks5h://127.0.0.1:" + dante.port();
            String dead = "socks5h://127.0.0.1:" + dev.netknife.support.Peers.closedPort();
            Run up = run(Map.of(), "monitor", "--once", "--json", "--cacert", ca, "--proxy", proxy, "tcp://localhost:" + echo.port(), https());
            assertEquals(0, up.code, up.out + up.err);
            assertTrue(up.out.contains("\"proxy\":"), up.out);
            Run viaEnv = run(Map.of("https_proxy", proxy), "monitor", "--once", "--cacert", ca, https());
            assertEquals(0, viaEnv.code, viaEnv.out + viaEnv.err);
            Run envIsForHttpOnly = run(Map.of("all_proxy", dead), "monitor", "--once", "tcp://localhost:" + echo.port());
            assertEquals(0, envIsForHttpOnly.code, envIsForHttpOnly.out + envIsForHttpOnly.err);
            Run down = run(Map.of("https_proxy", dead), "monitor", "--once", "--cacert", ca, https());
            assertEquals(7, down.code, down.out + down.err);
        }
    }

    private record Run(int code, String out, String err) {
    }

    private static Run run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = NkRun.run(new ByteArrayInputStream(new byte[0]), out, err, env, args);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
