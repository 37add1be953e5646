package dev.netknife.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The STARTTLS peers start, upgrade with the certificate the test made (checked by {@code openssl s_client
 * -starttls}), refuse STARTTLS in their no-TLS variants, and leave no process behind when closed.
 */
class StartTlsPeersSmokeTest {
    @TempDir
    static Path dir;
    static Path chain;
    static Path key;
    static Path ca;

    @BeforeAll
    static void makeCerts() throws IOException {
        TestCerts certs = new TestCerts(dir);
        chain = certs.good();
        key = TestCerts.keyOf(chain);
        ca = certs.caFile();
    }

    @Test
    void postfixOffersStartTlsWithTheTestsCertificate() throws Exception {
        long t0 = System.nanoTime();
        List<ProcessHandle> processes;
        try (PostfixServer smtp = PostfixServer.start(dir, chain, key)) {
            started("postfix", t0);
            assertUpgrades("smtp", smtp.port());
            processes = ProcessHandle.current().descendants().toList();
            assertTrue(smtp.log().contains("TLS connection established from unknown[127.0.0.1]"), smtp.log());
        }
        assertAllGone(processes);
    }

    @Test
    void postfixWithoutTlsRefusesStartTls() throws Exception {
        List<ProcessHandle> processes;
        try (PostfixServer smtp = PostfixServer.startWithoutTls(dir); Socket s = new Socket("127.0.0.1", smtp.port())) {
            Line in = new Line(s);
            assertTrue(in.read().startsWith("220 "));
            List<String> ehlo = in.command("EHLO nk.test");
            assertFalse(ehlo.stream().anyMatch(l -> l.contains("STARTTLS")), ehlo.toString());
            String refused = in.command("STARTTLS").getLast();
            assertTrue(refused.startsWith("5"), refused);
            assertNotEquals(0, sClient("smtp", smtp.port()).code());
            processes = ProcessHandle.current().descendants().toList();
        }
        assertAllGone(processes);
    }

    @Test
    void dovecotOffersStartTlsOnImapAndStlsOnPop3() throws Exception {
        long t0 = System.nanoTime();
        List<ProcessHandle> processes;
        try (DovecotServer mail = DovecotServer.start(dir, chain, key)) {
            started("dovecot", t0);
            assertUpgrades("imap", mail.imapPort());
            assertUpgrades("pop3", mail.pop3Port());
            processes = ProcessHandle.current().descendants().toList();
        }
        assertAllGone(processes);
    }

    @Test
    void dovecotWithoutTlsOffersNeither() throws Exception {
        List<ProcessHandle> processes;
        try (DovecotServer mail = DovecotServer.startWithoutTls(dir)) {
            try (Socket s = new Socket("127.0.0.1", mail.imapPort())) {
                Line in = new Line(s);
                String greeting = in.read();
                assertTrue(greeting.startsWith("* OK") && !greeting.contains("STARTTLS"), greeting);
                String capabilities = in.tagged("a CAPABILITY").getFirst();
                assertTrue(capabilities.startsWith("* CAPABILITY") && !capabilities.contains("STARTTLS"), capabilities);
                assertFalse(in.tagged("b STARTTLS").getLast().startsWith("b OK"));
            }
            try (Socket s = new Socket("127.0.0.1", mail.pop3Port())) {
                Line in = new Line(s);
                assertTrue(in.read().startsWith("+OK"));
                List<String> capa = in.command("CAPA");
                assertFalse(capa.contains("STLS"), capa.toString());
                assertTrue(in.command("STLS").getLast().startsWith("-ERR"));
            }
            assertNotEquals(0, sClient("imap", mail.imapPort()).code());
            assertNotEquals(0, sClient("pop3", mail.pop3Port()).code());
            processes = ProcessHandle.current().descendants().toList();
        }
        assertAllGone(processes);
    }

    @Test
    void postgresAcceptsSslRequestWithTheTestsCertificate() throws Exception {
        long t0 = System.nanoTime();
        List<ProcessHandle> processes;
        try (PostgresServer db = PostgresServer.start(dir, chain, key)) {
            started("postgres", t0);
            assertEquals('S', sslRequest(db.port()));
            assertUpgrades("postgres", db.port());
            assertTrue(Files.exists(db.socketDir().resolve(".s.PGSQL." + db.port())));
            processes = ProcessHandle.current().descendants().toList();
        }
        assertAllGone(processes);
    }

    @Test
    void postgresWithoutSslAnswersN() throws Exception {
        List<ProcessHandle> processes;
        try (PostgresServer db = PostgresServer.startWithoutTls(dir)) {
            assertEquals('N', sslRequest(db.port()));
            assertNotEquals(0, sClient("postgres", db.port()).code());
            processes = ProcessHandle.current().descendants().toList();
        }
        assertAllGone(processes);
    }

    private static void started(String server, long t0) {
        System.out.printf("starttls peers: %s started in %d ms%n", server, (System.nanoTime() - t0) / 1_000_000);
    }

    /** s_client upgrades, verifies the chain against the test's CA and receives exactly the leaf the test made. */
    private static void assertUpgrades(String protocol, int port) throws Exception {
        SClient r = sClient(protocol, port);
        assertEquals(0, r.code(), r.out());
        assertTrue(r.out().contains("Verify return code: 0 (ok)"), r.out());
        assertTrue(r.out().contains("Protocol  : TLSv1.3") || r.out().contains("New, TLSv1.3"), r.out());
        assertEquals(firstCertificate(Files.readString(chain)), firstCertificate(r.out()), "the leaf sent is the test's");
    }

    private static String firstCertificate(String text) {
        int from = text.indexOf("-----BEGIN CERTIFICATE-----");
        int to = text.indexOf("-----END CERTIFICATE-----", from);
        assertTrue(from >= 0 && to > from, "no certificate in: " + text);
        return text.substring(from, to).replaceAll("\\s", "");
    }

    private record SClient(int code, String out) {
    }

    private static SClient sClient(String protocol, int port) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(Peers.require("openssl", "openssl"), "s_client", "-starttls", protocol, "-connect",
                "127.0.0.1:" + port, "-CAfile", ca.toString(), "-verify_return_error", "-verify_hostname", "localhost", "-showcerts")
                .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new SClient(p.waitFor(), out);
    }

    /** Sends PostgreSQL's SSLRequest and returns the one-byte answer. */
    private static char sslRequest(int port) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(new byte[] {0, 0, 0, 8, 0x04, (byte) 0xd2, 0x16, 0x2f});
            return (char) s.getInputStream().read();
        }
    }

    private static void assertAllGone(List<ProcessHandle> processes) {
        List<String> alive = processes.stream().filter(DaemonProcess::running)
                .map(h -> h.pid() + " " + h.info().commandLine().orElse("?")).toList();
        assertTrue(alive.isEmpty(), "still running after close(): " + alive);
    }

    /** A line-based exchange (SMTP, IMAP, POP3) over a plain socket. */
    private static final class Line {
        private final BufferedReader in;
        private final OutputStream out;

        Line(Socket s) throws IOException {
            s.setSoTimeout(5000);
            in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            out = s.getOutputStream();
        }

        String read() throws IOException {
            return in.readLine();
        }

        private void send(String command) throws IOException {
            out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        /** SMTP (up to a line with a space after the code) or POP3 (one line, or up to "." after +OK for CAPA). */
        List<String> command(String command) throws IOException {
            send(command);
            List<String> lines = new ArrayList<>();
            String line = read();
            lines.add(line);
            if (line.startsWith("+OK") && command.equals("CAPA")) {
                while (!(line = read()).equals(".")) {
                    lines.add(line);
                }
            }
            while (line.length() > 3 && line.charAt(3) == '-') {
                line = read();
                lines.add(line);
            }
            return lines;
        }

        /** IMAP: up to the tagged answer. */
        List<String> tagged(String command) throws IOException {
            send(command);
            String tag = command.substring(0, command.indexOf(' ') + 1);
            List<String> lines = new ArrayList<>();
            String line;
            do {
                line = read();
                lines.add(line);
            } while (!line.startsWith(tag));
            return lines;
        }
    }
}
