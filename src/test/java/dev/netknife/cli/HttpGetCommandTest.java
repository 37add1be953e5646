package dev.netknife.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netknife.support.Accept;
import dev.netknife.support.NginxServer;
import dev.netknife.support.NkRun;
import dev.netknife.support.RawWsPeer;
import dev.netknife.support.TestCerts;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** nk http-get against nginx (the good paths) and hand-written servers (the bad ones). */
class HttpGetCommandTest {
    @TempDir
    static Path dir;
    static NginxServer nginx;
    static NginxServer nginxTls;
    static String base;
    static String ca;
    static byte[] big = new byte[5 << 20];

    @BeforeAll
    static void startNginx() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        new Random(9).nextBytes(big);
        Files.write(root.resolve("big.bin"), big);
        Files.writeString(root.resolve("text.txt"), "line\n".repeat(10_000));
        Files.writeString(root.resolve("small.txt"), "small\n");
        nginx = NginxServer.start(dir, """
                listen 127.0.0.1:PORT;
                root %s;
                gzip on; gzip_types text/plain; gzip_min_length 10;
                location = /r1 { return 301 /r2; }
                location = /r2 { return 302 /r3; }
                location = /r3 { return 307 /small.txt; }
                location = /loop { return 302 /loop; }
                location = /gone { return 410 "long gone\\n"; }
                """.formatted(root));
        base = "http://127.0.0.1:" + nginx.port();
        TestCerts certs = new TestCerts(dir);
        ca = certs.caFile().toString();
        Path good = certs.good();
        nginxTls = NginxServer.start(dir, """
                listen 127.0.0.1:PORT ssl;
                ssl_certificate %s;
                ssl_certificate_key %s;
                root %s;
                location = /down { return 302 %s/small.txt; }
                """.formatted(good, TestCerts.keyOf(good), root, base));
    }

    @AfterAll
    static void stopNginx() throws Exception {
        // null when set-up stopped early (nginx missing: the class is skipped)
        if (nginx != null) {
            nginx.close();
        }
        if (nginxTls != null) {
            nginxTls.close();
        }
    }

    private static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }

    @Test
    void bodyGoesToStdoutUnchanged() throws Exception {
        NkRun.Result r = NkRun.run("http-get", base + "/big.bin");
        assertEquals(0, r.code(), r.stderr());
        assertEquals(sha256(big), sha256(r.stdout()));
        assertEquals("", r.stderr());
    }

    @Test
    void dashAndDevStdoutAsTheOutputFileMeanStdout() throws Exception {
        for (String name : new String[] {"-", "/dev/stdout"}) {
            NkRun.Result r = NkRun.run("http-get", "-o", name, base + "/big.bin");
            assertEquals(0, r.code(), r.stderr());
            assertEquals(sha256(big), sha256(r.stdout()), "-o " + name); // nk's own stdout, not a file opened anew
        }
    }

    @Test
    void downloadsToAFileWithTheSameSha256() throws Exception {
        Path out = dir.resolve("download.bin");
        NkRun.Result r = NkRun.run("http-get", "-o", out.toString(), base + "/big.bin");
        assertEquals(0, r.code(), r.stderr());
        assertEquals(sha256(big), sha256(Files.readAllBytes(out)));
        try (Stream<Path> files = Files.list(dir)) {
            assertFalse(files.anyMatch(f -> f.toString().endsWith(".nk-part")), "no temporary file left");
        }
    }

    @Test
    void httpsWithATestCa() throws Exception {
        NkRun.Result r = NkRun.run("http-get", "--cacert", ca, "https://localhost:" + nginxTls.port() + "/big.bin");
        assertEquals(0, r.code(), r.stderr());
        assertEquals(sha256(big), sha256(r.stdout()));
        NkRun.Result untrusted = NkRun.run("http-get", "https://localhost:" + nginxTls.port() + "/small.txt");
        assertEquals(5, untrusted.code());
        assertTrue(untrusted.stderr().startsWith("nk: http-get: certificate issuer is not trusted"), untrusted.stderr());
    }

    @Test
    void gzipIsDecodedWithCompressed() {
        NkRun.Result r = NkRun.run("-v", "http-get", "--compressed", base + "/text.txt");
        assertEquals(0, r.code(), r.stderr());
        assertEquals("line\n".repeat(10_000), r.out());
        assertTrue(r.stderr().contains("> Accept-Encoding: gzip, deflate"), r.stderr());
        assertTrue(r.stderr().contains("< Content-Encoding: gzip"), r.stderr());
        assertTrue(r.stderr().contains("< Transfer-Encoding: chunked"), "gzip from nginx is chunked: " + r.stderr());
    }

    @Test
    void headWithCompressedHasNoBodyToDecode() {
        NkRun.Result r = NkRun.run("http-get", "-I", "--compressed", base + "/text.txt");
        assertEquals(0, r.code(), r.stderr());
        assertTrue(r.out().contains("Content-Encoding: gzip\r\n"), r.out());
    }

    @Test
    void followsARedirectChain() {
        NkRun.Result plain = NkRun.run("http-get", "-i", base + "/r1");
        assertTrue(plain.out().startsWith("HTTP/1.1 301 Moved Permanently\r\n"), plain.out());
        NkRun.Result r = NkRun.run("--json", "http-get", "-L", base + "/r1");
        assertEquals(0, r.code(), r.stderr());
        assertTrue(r.out().contains("\"status\":200"), r.out());
        assertTrue(r.out().contains("\"redirects\":[\"" + base + "/r1\",\"" + base + "/r2\",\"" + base + "/r3\"]"), r.out());
        NkRun.Result loop = NkRun.run("http-get", "-L", "--max-redirs", "3", base + "/loop");
        assertEquals(6, loop.code());
        assertEquals("nk: http-get: too many redirects: more than 3 (--max-redirs) (" + base + "/loop)\n", loop.stderr());
    }

    @Test
    void severalUrlsReuseOneConnection() {
        NkRun.Result r = NkRun.run("--json", "http-get", base + "/small.txt", base + "/small.txt", base + "/small.txt");
        assertEquals(0, r.code(), r.stderr());
        String[] lines = r.out().split("\n");
        assertEquals(3, lines.length);
        assertTrue(lines[0].contains("\"connection_reused\":false"), lines[0]);
        assertTrue(lines[1].contains("\"connection_reused\":true"), lines[1]);
        assertTrue(lines[2].contains("\"connection_reused\":true"), lines[2]);
        assertEquals("small\nsmall\n", NkRun.run("http-get", base + "/small.txt", base + "/small.txt").out());
    }

    @Test
    void parallelFetchesEveryUrl() {
        String[] args = new String[13];
        args[0] = "--json";
        args[1] = "http-get";
        args[2] = "--parallel";
        args[3] = "3";
        for (int i = 4; i < 13; i++) {
            args[i] = base + "/text.txt";
        }
        NkRun.Result r = NkRun.run(args);
        assertEquals(0, r.code(), r.stderr());
        String[] lines = r.out().split("\n");
        assertEquals(9, lines.length);
        for (String line : lines) {
            assertTrue(line.contains("\"status\":200") && line.contains("\"bytes\":50000"), line);
        }
        int fresh = r.out().split("\"connection_reused\":false", -1).length - 1;
        assertTrue(fresh >= 1 && fresh <= 3, "at most one connection per worker, 3 workers: " + fresh);
    }

    @Test
    void httpsToHttpRedirectIsRefusedUnlessAllowed() {
        String down = "https://localhost:" + nginxTls.port() + "/down";
        NkRun.Result refused = NkRun.run("http-get", "-L", "--cacert", ca, down);
        assertEquals(1, refused.code());
        assertEquals("nk: http-get: refusing to follow a redirect from https to http (" + base + "/small.txt); --allow-downgrade permits it\n",
                refused.stderr());
        NkRun.Result allowed = NkRun.run("http-get", "-L", "--allow-downgrade", "--cacert", ca, down);
        assertEquals(0, allowed.code(), allowed.stderr());
        assertEquals("small\n", allowed.out());
    }

    @Test
    void severalUrlsKeepGoingAfterAFailure() {
        NkRun.Result r = NkRun.run("http-get", "--fail", base + "/gone", base + "/small.txt");
        assertEquals(7, r.code());
        assertEquals("long gone\nsmall\n", r.out());
        assertEquals("nk: http-get: HTTP 410 Gone (" + base + "/gone)\n", r.stderr());
    }

    @Test
    void aClosedStdoutStopsTheDownloadQuietly() {
        java.io.PrintStream closed = new java.io.PrintStream(new OutputStream() {
            @Override
            public void write(int b) throws java.io.IOException {
                throw new java.io.IOException("Broken pipe");
            }
        });
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new dev.netknife.Nk(InputStream.nullInputStream(), closed, new java.io.PrintStream(err, true, StandardCharsets.UTF_8),
                java.util.Map.of(), dev.netknife.term.Ttys.NONE).execute("http-get", base + "/big.bin", base + "/big.bin");
        assertEquals(0, code);
        assertEquals("", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void jsonGivesOneResultPerUrlAlsoForFailures() {
        NkRun.Result r = NkRun.run("--json", "http-get", base + "/small.txt", "http://127.0.0.1:1/");
        assertEquals(4, r.code());
        String[] lines = r.out().split("\n");
        assertEquals(2, lines.length, r.out());
        assertTrue(lines[1].contains("\"ok\":false,\"exit_code\":4,\"error\":{\"kind\":\"refused\""), lines[1]);
    }

    @Test
    void headShowsTheHeadOnly() {
        NkRun.Result r = NkRun.run("http-get", "-I", base + "/big.bin");
        assertEquals(0, r.code(), r.stderr());
        assertTrue(r.out().startsWith("HTTP/1.1 200 OK\r\n"), r.out());
        assertTrue(r.out().contains("Content-Length: " + big.length + "\r\n"), r.out());
        assertTrue(r.out().endsWith("\r\n\r\n"), r.out());
    }

    @Test
    void failGives7AndKeepsTheBody() {
        NkRun.Result r = NkRun.run("http-get", "--fail", base + "/gone");
        assertEquals(7, r.code());
        assertEquals("long gone\n", r.out());
        assertEquals("nk: http-get: HTTP 410 Gone (" + base + "/gone)\n", r.stderr());
        assertEquals(0, NkRun.run("http-get", base + "/gone").code(), "without --fail a 410 is a fine answer");
    }

    @Test
    void failNeverWritesAnErrorPageToTheOutputFile(@TempDir Path tmp) throws Exception {
        Path keep = Files.writeString(tmp.resolve("keep.txt"), "the good copy\n");
        NkRun.Result r = NkRun.run("http-get", "--fail", "-o", keep.toString(), base + "/gone");
        assertEquals(7, r.code(), r.stderr());
        assertEquals("the good copy\n", Files.readString(keep), "an existing file is left as it was, as curl -f does");
        Path fresh = tmp.resolve("fresh.txt");
        assertEquals(7, NkRun.run("http-get", "--fail", "-o", fresh.toString(), base + "/gone").code());
        assertFalse(Files.exists(fresh), "no file made from an error page");
        try (var left = Files.list(tmp)) {
            assertEquals(List.of("keep.txt"), left.map(p -> p.getFileName().toString()).toList(), "no .nk-part left behind");
        }
        assertEquals(0, NkRun.run("http-get", "-o", keep.toString(), base + "/gone").code());
        assertEquals("long gone\n", Files.readString(keep), "without --fail the 410's body is the download");
    }

    @Test
    void curlShortFormsWork() throws Exception {
        NkRun.Result fsSL = NkRun.run("http-get", "-fsSL", base + "/gone");
        assertEquals(7, fsSL.code(), "-f: an error status fails");
        assertEquals("nk: http-get: HTTP 410 Gone (" + base + "/gone)\n", fsSL.stderr(), "-sS: quiet, errors still shown");
        NkRun.Result k = NkRun.run("http-get", "-sk", "https://localhost:" + nginxTls.port() + "/small.txt");
        assertEquals(0, k.code(), k.toString());
        assertEquals("small\n", k.out());
        assertEquals("", k.stderr(), "-k's warning is silenced by -s");
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            java.util.concurrent.CompletableFuture<String> head = new java.util.concurrent.CompletableFuture<>();
            Accept.once(listener, s -> {
                head.complete(RawWsPeer.readHead(s.getInputStream()));
                s.getOutputStream().write("HTTP/1.1 204 No Content\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            });
            assertEquals(0, NkRun.run("http-get", "-A", "probe/1", "http://127.0.0.1:" + listener.getLocalPort() + "/").code());
            assertTrue(head.get(5, java.util.concurrent.TimeUnit.SECONDS).contains("\r\nUser-Agent: probe/1\r\n"), head.get());
        }
    }

    @Test
    void timingGoesToStderr() {
        NkRun.Result r = NkRun.run("http-get", "--timing", base + "/small.txt");
        assertEquals("small\n", r.out());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                "nk: http-get: dns -  connect ([0-9.]+) ms  tls -  first-byte ([0-9.]+) ms  transfer ([0-9.]+) ms  other ([0-9.]+) ms  total ([0-9.]+) ms\n")
                .matcher(r.stderr());
        assertTrue(m.matches(), "an address literal has no dns phase; every phase shows: " + r.stderr());
        double sum = 0;
        for (int i = 1; i <= 4; i++) {
            sum += Double.parseDouble(m.group(i));
        }
        assertEquals(Double.parseDouble(m.group(5)), sum, 0.5, "the phases add up to the total: " + r.stderr());
    }

    // --- hand-written servers for the bad cases ---

    private static String serve(String response, String... args) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Accept.once(server, s -> {
                readRequestHead(s.getInputStream());
                s.getOutputStream().write(response.getBytes(StandardCharsets.ISO_8859_1));
            });
            String[] all = new String[args.length + 1];
            System.arraycopy(args, 0, all, 0, args.length);
            all[args.length] = "http://127.0.0.1:" + server.getLocalPort() + "/x";
            NkRun.Result r = NkRun.run(all);
            return r.code() + " " + r.stderr().strip().replace(":" + server.getLocalPort(), ":PORT");
        }
    }

    private static String readRequestHead(InputStream in) throws Exception {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            if (head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                break;
            }
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void aShortBodyIsExit6AndLeavesNoFile() throws Exception {
        Path out = dir.resolve("truncated.bin");
        assertEquals("6 nk: http-get: the server closed the connection with 5 bytes of the body still to come (127.0.0.1:PORT)",
                serve("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello", "http-get", "-o", out.toString()));
        assertFalse(Files.exists(out), "a failed download leaves no file");
    }

    @Test
    void badResponsesAreExit6WithTheReason() throws Exception {
        assertEquals("6 nk: http-get: bad chunk size 'zz' (127.0.0.1:PORT)",
                serve("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n", "http-get"));
        assertEquals("6 nk: http-get: bad status line: 'SSH-2.0-OpenSSH_9.2' (127.0.0.1:PORT)",
                serve("SSH-2.0-OpenSSH_9.2\r\n", "http-get"));
        assertEquals("6 nk: http-get: the response header block is larger than the limit of 64 KiB (127.0.0.1:PORT)",
                serve("HTTP/1.1 200 OK\r\n" + ("X-Big: " + "a".repeat(1000) + "\r\n").repeat(70) + "\r\n", "http-get"));
        assertEquals("6 nk: http-get: the response has both Transfer-Encoding and Content-Length (RFC 9112 6.1) (127.0.0.1:PORT)",
                serve("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", "http-get"));
        assertEquals("6 nk: http-get: conflicting Content-Length values (127.0.0.1:PORT)",
                serve("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", "http-get"));
        assertEquals("6 nk: http-get: a line starting with whitespace before the first field of the response header block (RFC 9112 2.2) (127.0.0.1:PORT)",
                serve("HTTP/1.1 200 OK\r\n  folded\r\nContent-Length: 0\r\n\r\n", "http-get"));
    }

    @Test
    void chunkedWithTrailersAndBareLfLinesIsFine() throws Exception {
        assertEquals("0 ", serve("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n5;ext=1\r\nhello\r\n0\r\nX-Trailer: yes\r\n\r\n", "-q", "http-get"));
    }

    @Test
    void interimResponsesAreSkipped() throws Exception {
        assertEquals("0 ", serve("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", "-q", "http-get"));
    }

    @Test
    void aSilentServerTimesOutWith124() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Accept.once(server, s -> Thread.sleep(5000));
            NkRun.Result r = NkRun.run("--json", "http-get", "--max-time", "300ms", "http://127.0.0.1:" + server.getLocalPort() + "/");
            assertEquals(124, r.code(), r.toString());
            assertTrue(r.out().contains("\"error\":{\"kind\":\"timeout\",\"phase\":\"total\""), r.out());
        }
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Accept.once(server, s -> Thread.sleep(5000));
            NkRun.Result r = NkRun.run("--json", "http-get", "--idle-timeout", "300ms", "http://127.0.0.1:" + server.getLocalPort() + "/");
            assertEquals(124, r.code(), r.toString());
            assertTrue(r.out().contains("\"error\":{\"kind\":\"timeout\",\"phase\":\"first-byte\""), r.out());
        }
    }

    @Test
    void credentialsNeverFollowARedirectToAnotherOrigin() throws Exception {
        try (ServerSocket other = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
                ServerSocket first = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            AtomicReference<String> firstHead = new AtomicReference<>();
            AtomicReference<String> otherHead = new AtomicReference<>();
            Accept.once(first, s -> {
                firstHead.set(readRequestHead(s.getInputStream()));
                OutputStream out = s.getOutputStream();
                out.write(("HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:" + other.getLocalPort() + "/next\r\nContent-Length: 0\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
            });
            Accept.once(other, s -> {
                otherHead.set(readRequestHead(s.getInputStream()));
                s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII));
            });
            NkRun.Result r = NkRun.run("http-get", "-L", "-u", "me:secret", "-H", "Cookie: c=1", "-H", "X-Api-Key: k",
                    "http://127.0.0.1:" + first.getLocalPort() + "/start");
            assertEquals(0, r.code(), r.toString());
            assertEquals("ok", r.out());
            assertTrue(firstHead.get().contains("Authorization: Basic bWU6c2VjcmV0\r\n"), firstHead.get());
            assertTrue(firstHead.get().contains("Cookie: c=1\r\n"), firstHead.get());
            assertFalse(otherHead.get().contains("Authorization"), otherHead.get());
            assertFalse(otherHead.get().contains("Cookie"), otherHead.get());
            assertFalse(otherHead.get().contains("X-Api-Key"), "any -H header but Accept* and User-Agent may be a credential: " + otherHead.get());
        }
    }

    @Test
    void badInputIsAUsageError() {
        assertEquals("nk: http-get: control character (CR, LF, NUL ...) in the value of header 'X-A'\n",
                NkRun.run("http-get", "-H", "X-A: b\r\nInjected: 1", "http://127.0.0.1:1/").stderr());
        assertEquals("nk: http-get: bad URL 'ftp://x/': unsupported scheme 'ftp' (http and https are)\n",
                NkRun.run("http-get", "ftp://x/").stderr());
        assertEquals("nk: http-get: bad URL 'http://x:99999/': bad port '99999'\n", NkRun.run("http-get", "http://x:99999/").stderr());
        assertEquals("nk: http-get: bad URL 'http://x/%zz': bad percent-encoding (% must be followed by two hex digits)\n",
                NkRun.run("http-get", "http://x/%zz").stderr());
        assertEquals(2, NkRun.run("http-get", "-o", "a", "http://x/1", "http://x/2").code());
        assertEquals("nk: http-get: -o: " + dir + " is a directory\n", NkRun.run("http-get", "-o", dir.toString(), "http://x/").stderr());
        assertEquals("nk: http-get: -o: no such directory " + dir.resolve("nope") + "\n",
                NkRun.run("http-get", "-o", dir.resolve("nope/file").toString(), "http://x/").stderr());
    }
}
