package dev.netknife.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netknife.support.BlockingInput;
import dev.netknife.support.DovecotServer;
import dev.netknife.support.NkRun;
import dev.netknife.support.PostfixServer;
import dev.netknife.support.PostgresServer;
import dev.netknife.support.TestCerts;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * STARTTLS against the real servers: postfix (SMTP), dovecot (IMAP, POP3) and PostgreSQL, each started by the
 * test with a certificate it made; tls-get verifies the chain, connect carries a session inside TLS, monitor
 * probes them, --scan scans through STARTTLS, and the variants without TLS are refused naming their reply.
 */
class StartTlsPeersTest {
    @TempDir
    static Path dir;
    static Path chain;
    static Path key;
    static String ca;

    @BeforeAll
    static void makeCerts() throws IOException {
        TestCerts certs = new TestCerts(dir);
        chain = certs.good();
        key = TestCerts.keyOf(chain);
        ca = certs.caFile().toString();
    }

    private static void assertVerified(NkRun.Result r, String protocol) {
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("  starttls   " + protocol + "\n"), r.out());
        assertTrue(r.out().contains("  verified   yes\n"), r.out());
        assertTrue(r.out().contains("[0] CN=localhost"), r.out());
    }

    /**
     * A session inside TLS as a person types it: stdin stays open (no close_notify before the server has answered: a
     * server that reads pipelined commands and our close_notify at once may close without answering), the commands
     * go with --send, and the session ends when {@code until} has arrived.
     */
    private static NkRun.Result session(String protocol, int port, String commands, String until) {
        try (BlockingInput terminal = new BlockingInput()) {
            return NkRun.run(terminal, "connect", "--starttls", protocol, "--cacert", ca, "--send", commands, "--expect", until,
                    "localhost", String.valueOf(port));
        }
    }

    @Test
    void postfix() throws Exception {
        try (PostfixServer smtp = PostfixServer.start(dir, chain, key)) {
            assertVerified(NkRun.run("tls-get", "--cacert", ca, "smtp://localhost:" + smtp.port()), "smtp");
            NkRun.Result session = session("smtp", smtp.port(), "EHLO nk.test\r\nQUIT\r\n", "221 ");
            assertEquals(0, session.code(), session.toString());
            assertTrue(session.out().contains("250-"), "EHLO answered inside TLS: " + session.out());
            assertTrue(session.out().contains("221 "), "QUIT answered: " + session.out());
            assertTrue(!session.out().contains("STARTTLS"), "no STARTTLS offered once in TLS: " + session.out());
            NkRun.Result monitor = NkRun.run("monitor", "--once", "--cacert", ca, "smtp://localhost:" + smtp.port());
            assertEquals(0, monitor.code(), monitor.toString());
            NkRun.Result scan = NkRun.run("--json", "tls-get", "--scan", "--cacert", ca, "smtp://localhost:" + smtp.port());
            assertTrue(scan.code() == 0 || scan.code() == 7, scan.toString());
            assertTrue(scan.out().contains("{\"version\":\"TLSv1.3\",\"enabled\":true"), scan.out());
            assertTrue(scan.out().contains("\"starttls\":\"smtp\""), scan.out());
        }
        try (PostfixServer plain = PostfixServer.startWithoutTls(dir)) {
            NkRun.Result r = NkRun.run("tls-get", "--cacert", ca, "smtp://localhost:" + plain.port());
            assertEquals(6, r.code(), r.toString());
            assertTrue(r.stderr().matches("(?s)nk: tls-get: smtp server refused STARTTLS: 5\\d\\d .*\\(its EHLO answer does not offer STARTTLS\\)"
                    + " \\(localhost:" + plain.port() + "\\)\n"), r.stderr());
        }
    }

    @Test
    void dovecot() throws Exception {
        try (DovecotServer mail = DovecotServer.start(dir, chain, key)) {
            assertVerified(NkRun.run("tls-get", "--cacert", ca, "imap://localhost:" + mail.imapPort()), "imap");
            assertVerified(NkRun.run("tls-get", "--starttls", "pop3", "--cacert", ca, "localhost:" + mail.pop3Port()), "pop3");
            NkRun.Result session = session("imap", mail.imapPort(), "a1 CAPABILITY\r\na2 LOGOUT\r\n", "a2 OK");
            assertEquals(0, session.code(), session.toString());
            assertTrue(session.out().contains("a1 OK"), session.out());
            assertTrue(session.out().contains("* BYE"), session.out());
            NkRun.Result monitor = NkRun.run("monitor", "--once", "--cacert", ca, "imap://localhost:" + mail.imapPort(),
                    "pop3://localhost:" + mail.pop3Port());
            assertEquals(0, monitor.code(), monitor.toString());
        }
        try (DovecotServer plain = DovecotServer.startWithoutTls(dir)) {
            NkRun.Result imap = NkRun.run("tls-get", "--cacert", ca, "imap://localhost:" + plain.imapPort());
            assertEquals(6, imap.code(), imap.toString());
            assertTrue(imap.stderr().startsWith("nk: tls-get: imap server refused STARTTLS: "), imap.stderr());
            NkRun.Result pop3 = NkRun.run("tls-get", "--cacert", ca, "pop3://localhost:" + plain.pop3Port());
            assertEquals(6, pop3.code(), pop3.toString());
            assertTrue(pop3.stderr().startsWith("nk: tls-get: pop3 server refused STLS: -ERR"), pop3.stderr());
        }
    }

    @Test
    void postgres() throws Exception {
        try (PostgresServer db = PostgresServer.start(dir, chain, key)) {
            assertVerified(NkRun.run("tls-get", "--cacert", ca, "postgres://localhost:" + db.port() + "/postgres"), "postgres");
            NkRun.Result monitor = NkRun.run("monitor", "--once", "--cacert", ca, "postgresql://localhost:" + db.port());
            assertEquals(0, monitor.code(), monitor.toString());
        }
        try (PostgresServer plain = PostgresServer.startWithoutTls(dir)) {
            NkRun.Result r = NkRun.run("--json", "tls-get", "--cacert", ca, "postgres://localhost:" + plain.port());
            assertEquals(6, r.code(), r.toString());
            assertTrue(r.out().contains("\"kind\":\"starttls_refused\",\"phase\":\"starttls\""), r.out());
            assertTrue(r.out().contains("postgres server does not accept SSL: it answered N to the SSLRequest"), r.out());
        }
    }
}
