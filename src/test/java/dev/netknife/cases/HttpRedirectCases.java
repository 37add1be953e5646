package dev.netknife.cases;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netknife.ExitCode;
import dev.netknife.NkException;
import dev.netknife.http.HttpUrl;
import dev.netknife.support.NkRun;
import dev.netknife.support.ScriptedHttpServer;
import dev.netknife.support.ScriptedHttpServer.Reply;
import dev.netknife.support.ScriptedHttpServer.Request;
import dev.netknife.support.TestCerts;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Redirects and URLs in {@code nk http-get}: which request headers follow a 302 with -L to the
 * same origin, another port, another host, from http to https and from https to http (credentials
 * -u, Authorization, Cookie, Proxy-Authorization and any other -H header reach only the first
 * URL's origin, as curl does for its credentials since 7.83; only Accept, Accept-Encoding,
 * Accept-Language and User-Agent go anywhere), what a bad Location does, and which URLs are
 * refused as usage errors (exit 2, one line) before any socket opens. Cases 0100-0139.
 */
class HttpRedirectCases {
    @TempDir
    static Path dir;
    static String ca;
    static SSLContext tls;

    private static final Reply OK = Reply.keep("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    /** Every kind of credential at once: -u, Cookie, Proxy-Authorization and a header of the user's own. */
    private static final String[] ALL_CREDENTIALS = {"-u", "me:secret", "-H", "Cookie: session=s3cret",
        "-H", "Proxy-Authorization: Basic cHJveHk6cHc=", "-H", "X-Api-Key: k"};
    private static final String[] ALL_CREDENTIAL_LINES = {"Authorization: Basic bWU6c2VjcmV0", "Cookie: session=s3cret",
        "Proxy-Authorization: Basic cHJveHk6cHc=", "X-Api-Key: k"};

    @BeforeAll
    static void certificates() throws Exception {
        TestCerts certs = new TestCerts(dir);
        ca = certs.caFile().toString();
        Path good = certs.good();
        tls = ScriptedHttpServer.tlsContext(good, TestCerts.keyOf(good));
        // the JVM's first TLS handshake (providers, key factories, the CA file) takes about a
        // second on these machines: pay it here rather than in whichever case runs first
        try (ScriptedHttpServer warm = ScriptedHttpServer.start(InetAddress.getByName("127.0.0.1"), 0, tls, r -> OK)) {
            assertEquals(0, NkRun.run("http-get", "--cacert", ca, warm.origin("https") + "/").code());
        }
    }

    /** A credential as given on the command line and the header line it becomes. */
    enum Credential {
        USER_OPTION("Authorization from -u", List.of("-u", "me:secret"), "Authorization: Basic bWU6c2VjcmV0"),
        AUTHORIZATION("Authorization from -H", List.of("-H", "Authorization: Bearer t0ken"), "Authorization: Bearer t0ken"),
        COOKIE("Cookie from -H", List.of("-H", "Cookie: session=s3cret"), "Cookie: session=s3cret"),
        PROXY_AUTHORIZATION("Proxy-Authorization from -H", List.of("-H", "Proxy-Authorization: Basic cHJveHk6cHc="),
                "Proxy-Authorization: Basic cHJveHk6cHc="),
        API_KEY("X-Api-Key from -H", List.of("-H", "X-Api-Key: k"), "X-Api-Key: k");

        final String label;
        final List<String> args;
        final String line;

        Credential(String label, List<String> args, String line) {
            this.label = label;
            this.args = args;
            this.line = line;
        }
    }

    /** Where the 302 points, relative to the first URL http://127.0.0.1:P/start. */
    enum Target {
        SAME_ORIGIN("a same-origin redirect", true),
        OTHER_PORT("a redirect to another port on 127.0.0.1", false),
        OTHER_HOST("a redirect to 127.0.0.2 on the same port", false),
        HTTPS("a redirect from http to https on the same host and port", false);

        final String label;
        final boolean kept;

        Target(String label, boolean kept) {
            this.label = label;
            this.kept = kept;
        }
    }

    static Stream<Arguments> matrix() {
        List<Arguments> rows = new ArrayList<>();
        int number = 100;
        for (Credential credential : Credential.values()) {
            for (Target target : Target.values()) {
                String what = credential.label + (target.kept ? " is kept on " : " is dropped on ") + target.label;
                rows.add(Arguments.of(String.format("%04d", number++), what, credential, target));
            }
        }
        return rows.stream();
    }

    private static Reply redirectTo(String location) {
        return Reply.keep("HTTP/1.1 302 Found\r\nLocation: " + location + "\r\nContent-Length: 0\r\n\r\n");
    }

    /** The header lines nk always sends, with {@code --user-agent t}. */
    private static List<String> base(String hostHeader) {
        return List.of("Host: " + hostHeader, "User-Agent: t", "Accept: */*");
    }

    private static List<String> plus(List<String> lines, String... more) {
        List<String> all = new ArrayList<>(lines);
        all.addAll(List.of(more));
        return all;
    }

    private static NkRun.Result get(List<String> options, String url) {
        List<String> args = new ArrayList<>(List.of("http-get", "-L", "--user-agent", "t", "--cacert", ca));
        args.addAll(options);
        args.add(url);
        return NkRun.run(args.toArray(String[]::new));
    }

    @ParameterizedTest(name = "case {0}: {1}")
    @MethodSource("matrix")
    void redirectCredentials(String number, String what, Credential credential, Target target) throws Exception {
        AtomicReference<String> location = new AtomicReference<>();
        try (ScriptedHttpServer first = ScriptedHttpServer.start(InetAddress.getByName("127.0.0.1"), 0, tls,
                r -> r.requestLine().startsWith("GET /start ") ? redirectTo(location.get()) : OK);
                ScriptedHttpServer other = otherServer(target, first.port())) {
            location.set(switch (target) {
                case SAME_ORIGIN -> first.url("/next");
                case OTHER_PORT, OTHER_HOST -> other.url("/next");
                case HTTPS -> first.origin("https") + "/next";
            });
            NkRun.Result r = get(credential.args, first.url("/start"));
            assertEquals(0, r.code(), r.toString());
            assertEquals("ok", r.out());
            List<Request> seen = new ArrayList<>(first.requests());
            if (other != null) {
                seen.addAll(other.requests());
            }
            assertEquals(2, seen.size(), seen.toString());
            assertEquals(plus(base("127.0.0.1:" + first.port()), credential.line), seen.get(0).headerLines());
            Request next = seen.get(1);
            assertEquals("GET /next HTTP/1.1", next.requestLine());
            assertEquals(target == Target.HTTPS, next.tls(), "the second request came over TLS only for https");
            String host = (target == Target.OTHER_HOST ? "127.0.0.2" : "127.0.0.1") + ":" + (other != null ? other.port() : first.port());
            List<String> expected = target.kept ? plus(base(host), credential.line) : base(host);
            assertEquals(expected, next.headerLines());
        }
    }

    private static ScriptedHttpServer otherServer(Target target, int firstPort) throws Exception {
        return switch (target) {
            case OTHER_PORT -> ScriptedHttpServer.start(r -> OK);
            case OTHER_HOST -> ScriptedHttpServer.start(InetAddress.getByName("127.0.0.2"), firstPort, null, r -> OK);
            default -> null;
        };
    }

    @Test
    void case0120HttpsToHttpIsRefusedWithExit1AndNoConnection() throws Exception {
        try (ScriptedHttpServer plain = ScriptedHttpServer.start(r -> OK);
                ScriptedHttpServer secure = ScriptedHttpServer.start(InetAddress.getByName("127.0.0.1"), 0, tls,
                        r -> redirectTo(plain.url("/next")))) {
            NkRun.Result r = get(List.of(ALL_CREDENTIALS), secure.origin("https") + "/start");
            assertEquals(1, r.code(), r.toString());
            assertEquals("nk: http-get: refusing to follow a redirect from https to http (" + plain.url("/next")
                    + "); --allow-downgrade permits it\n", r.stderr());
            assertEquals("", r.out());
            assertEquals(1, secure.requests().size());
            assertTrue(secure.requests().getFirst().tls());
            assertEquals(0, plain.connectionsMade(), "the http URL is never dialled");
        }
    }

    @Test
    void case0121HttpsToHttpWithAllowDowngradeDropsEveryCredential() throws Exception {
        AtomicReference<String> location = new AtomicReference<>();
        try (ScriptedHttpServer server = ScriptedHttpServer.start(InetAddress.getByName("127.0.0.1"), 0, tls,
                r -> r.requestLine().startsWith("GET /start ") ? redirectTo(location.get()) : OK)) {
            location.set(server.url("/next"));
            List<String> options = new ArrayList<>(List.of(ALL_CREDENTIALS));
            options.add("--allow-downgrade");
            NkRun.Result r = get(options, server.origin("https") + "/start");
            assertEquals(0, r.code(), r.toString());
            assertEquals("ok", r.out());
            List<Request> seen = server.requests();
            assertEquals(2, seen.size(), seen.toString());
            assertTrue(seen.get(0).tls());
            assertEquals(plus(base("127.0.0.1:" + server.port()), ALL_CREDENTIAL_LINES), seen.get(0).headerLines());
            assertFalse(seen.get(1).tls());
            assertEquals(base("127.0.0.1:" + server.port()), seen.get(1).headerLines(), "only the scheme differs, and that is enough");
        }
    }

    @Test
    void case0122OnlyAcceptAndUserAgentHeadersFollowToAnotherOrigin() throws Exception {
        try (ScriptedHttpServer other = ScriptedHttpServer.start(r -> OK);
                ScriptedHttpServer first = ScriptedHttpServer.start(r -> redirectTo(other.url("/next")))) {
            NkRun.Result r = get(List.of("-H", "Accept: text/plain", "-H", "Accept-Language: de", "-H", "Accept-Encoding: identity",
                    "-H", "X-Trace: 1", "-H", "Host: spoofed.example"), first.url("/start"));
            assertEquals(0, r.code(), r.toString());
            assertEquals(List.of("User-Agent: t", "Accept: text/plain", "Accept-Language: de", "Accept-Encoding: identity", "X-Trace: 1",
                    "Host: spoofed.example"), first.requests().getFirst().headerLines());
            assertEquals(List.of("Host: 127.0.0.1:" + other.port(), "User-Agent: t", "Accept: text/plain", "Accept-Language: de",
                    "Accept-Encoding: identity"), other.requests().getFirst().headerLines());
        }
    }

    @Test
    void case0123CredentialsDoNotComeBackWhenARedirectReturnsToTheFirstOrigin() throws Exception {
        AtomicReference<String> back = new AtomicReference<>();
        try (ScriptedHttpServer other = ScriptedHttpServer.start(r -> redirectTo(back.get()));
                ScriptedHttpServer first = ScriptedHttpServer.start(
                        r -> r.requestLine().startsWith("GET /start ") ? redirectTo(other.url("/hop")) : OK)) {
            back.set(first.url("/back"));
            NkRun.Result r = get(List.of(ALL_CREDENTIALS), first.url("/start"));
            assertEquals(0, r.code(), r.toString());
            assertEquals("ok", r.out());
            List<Request> seen = first.requests();
            assertEquals(2, seen.size(), seen.toString());
            assertEquals(plus(base("127.0.0.1:" + first.port()), ALL_CREDENTIAL_LINES), seen.get(0).headerLines());
            assertEquals(base("127.0.0.1:" + other.port()), other.requests().getFirst().headerLines());
            assertEquals("GET /back HTTP/1.1", seen.get(1).requestLine());
            assertEquals(base("127.0.0.1:" + first.port()), seen.get(1).headerLines());
        }
    }

    @Test
    void case0124UserInfoInTheUrlIsSentToItsOriginOnly() throws Exception {
        try (ScriptedHttpServer other = ScriptedHttpServer.start(r -> OK);
                ScriptedHttpServer first = ScriptedHttpServer.start(r -> redirectTo(other.url("/next")))) {
            NkRun.Result r = get(List.of(), "http://me:s%40cret@127.0.0.1:" + first.port() + "/start");
            assertEquals(0, r.code(), r.toString());
            String basic = java.util.Base64.getEncoder().encodeToString("me:s@cret".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertEquals(plus(base("127.0.0.1:" + first.port()), "Authorization: Basic " + basic), first.requests().getFirst().headerLines());
            assertEquals(base("127.0.0.1:" + other.port()), other.requests().getFirst().headerLines());
        }
    }

    @Test
    void case0125ALocationThatIsNotAnHttpUrlIsAProtocolError() throws Exception {
        try (ScriptedHttpServer first = ScriptedHttpServer.start(r -> redirectTo("ftp://127.0.0.1/file"))) {
            NkRun.Result r = get(List.of("-u", "me:secret"), first.url("/start"));
            assertEquals(6, r.code(), r.toString());
            assertEquals("nk: http-get: cannot follow the redirect: bad URL 'ftp://127.0.0.1/file': unsupported scheme 'ftp' "
                    + "(http and https are) (127.0.0.1:" + first.port() + ")\n", r.stderr());
            assertEquals(1, first.requests().size());
        }
    }

    static Stream<Arguments> badUrls() {
        return Stream.of(
                Arguments.of("0126", "%2F in the host", "http://127.0.0.1%2F.evil.example:PORT/", "bad character '%' in the host"),
                Arguments.of("0127", "@ in the user info (which @ ends it is where parsers disagree)",
                        "http://me@evil.example:pw@127.0.0.1:PORT/", "bad character '@' in the user info (percent-encode it)"),
                Arguments.of("0128", "a backslash in the user info (a browser reads it as the path)",
                        "http://evil.example\\@127.0.0.1:PORT/", "bad character '\\' in the user info (percent-encode it)"),
                Arguments.of("0129", "a bad percent escape in the user info", "http://me:pa%zz@127.0.0.1:PORT/",
                        "bad percent-encoding in the user info (% must be followed by two hex digits)"),
                Arguments.of("0130", "a second port in the authority", "http://127.0.0.1:1:PORT/",
                        "bad character ':' in the host (an IPv6 address goes in brackets)"),
                Arguments.of("0131", "port 99999", "http://127.0.0.1:99999/", "bad port '99999'"),
                Arguments.of("0132", "port 0", "http://127.0.0.1:0/", "bad port '0'"),
                Arguments.of("0133", "CR LF in the URL (header injection)", "http://127.0.0.1:PORT/\r\nX-Injected: 1", "control character in URL"),
                Arguments.of("0134", "a space in the host", "http://127.0.0.1 :PORT/", "bad character ' ' in the host"),
                Arguments.of("0135", "an ideographic full stop (U+3002) for a dot in the host", "http://127\u30020\u30020\u30021:PORT/",
                        "bad character '\u3002' in the host"),
                Arguments.of("0136", "an empty label in the host", "http://127.0.0..1:PORT/", "empty label in the host"),
                Arguments.of("0137", "an unknown scheme", "gopher://127.0.0.1:PORT/", "unsupported scheme 'gopher' (http and https are)"),
                Arguments.of("0138", "no host", "http://:PORT/", "no host"),
                Arguments.of("0139", "an unclosed bracket", "http://[::1:PORT/", "unclosed [ in the host"));
    }

    @ParameterizedTest(name = "case {0}: {1} is exit 2 before any socket opens")
    @MethodSource("badUrls")
    void badUrls(String number, String what, String template, String why) throws Exception {
        try (ScriptedHttpServer server = ScriptedHttpServer.start(r -> OK)) {
            String url = template.replace("PORT", String.valueOf(server.port()));
            String message = "bad URL '" + dev.netknife.term.Sanitizer.clean(url) + "': " + why;
            NkException e = assertThrows(NkException.class, () -> HttpUrl.parse(url));
            assertEquals(ExitCode.USAGE, e.exitCode());
            assertEquals(message, e.getMessage());
            NkRun.Result r = NkRun.run("http-get", url);
            assertEquals(2, r.code(), r.toString());
            assertEquals("nk: http-get: " + message + "\n", r.stderr());
            assertEquals(0, server.connectionsMade(), "no connection was made");
        }
    }
}
