package dev.netknife.cases;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netknife.support.NkRun;
import dev.netknife.support.ScriptedHttpServer;
import dev.netknife.support.ScriptedStartTlsServer;
import dev.netknife.support.TestCerts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * STARTTLS as servers really answer it, and as they misbehave: each protocol's go-ahead followed by a
 * verified TLS handshake, refusals named with the server's own reply (exit 6), greetings that are not
 * the protocol, bytes injected after the go-ahead, endless or overlong replies and silent servers
 * (bounded, exit 6 or 124). The servers are scripted here; the real postfix, dovecot and PostgreSQL
 * are in StartTlsPeersTest. Cases 0580–0598.
 */
class StartTlsCases {
    @TempDir
    static Path dir;
    static SSLContext tls;
    static String ca;

    @BeforeAll
    static void makeCerts() throws Exception {
        TestCerts certs = new TestCerts(dir);
        Path good = certs.good();
        tls = ScriptedHttpServer.tlsContext(good, TestCerts.keyOf(good));
        ca = certs.caFile().toString();
    }

    private static NkRun.Result tlsGet(ScriptedStartTlsServer server, String protocol, String... more) {
        String[] args = new String[6 + more.length];
        args[0] = "tls-get";
        args[1] = "--starttls";
        args[2] = protocol;
        args[3] = "--cacert";
        args[4] = ca;
        System.arraycopy(more, 0, args, 5, more.length);
        args[args.length - 1] = "127.0.0.1:" + server.port();
        return NkRun.run(args);
    }

    private static void assertVerified(NkRun.Result r) {
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("TLSv1.3"), r.out());
        assertTrue(r.out().contains("verified   yes") && r.out().contains("[0] CN=localhost"), r.out());
    }

    private static void assertRefused(NkRun.Result r, String says) {
        assertEquals(6, r.code(), r.toString());
        assertTrue(r.stderr().contains(says), r.stderr());
        assertEquals(1, r.stderr().lines().count(), r.stderr());
    }

    @Test
    void case0580SmtpMultiLineGreetingAndEhloThenTls() throws Exception {
        try (ScriptedStartTlsServer server = new ScriptedStartTlsServer(tls, c -> {
            c.send("220-mail.test ESMTP\r\n220 second greeting line\r\n");
            c.line();
            c.send("250-mail.test\r\n250-PIPELINING\r\n250-STARTTLS\r\n250 8BITMIME\r\n");
            c.line();
            c.send("220 2.0.0 Ready to start TLS\r\n");
            c.tls();
        })) {
            assertVerified(tlsGet(server, "smtp"));
            assertEquals("EHLO [127.0.0.1]", server.received().get(0));
            assertEquals("STARTTLS", server.received().get(1));
        }
    }

    @Test
    void case0581SmtpRefusalNamesTheReplyAndTheMissingCapability() throws Exception {
        try (ScriptedStartTlsServer server = new ScriptedStartTlsServer(tls, c -> {
            c.send("220 mail.test ESMTP\r\n");
            c.line();
            c.send("250-mail.test\r\n250 8BITMIME\r\n");
            c.line();
            c.send("502 5.5.1 Error: command not implemented\r\n");
        })) {
            NkRun.Result r = tlsGet(server, "smtp");
            assertRefused(r, "smtp server refused STARTTLS: 502 5.5.1 Error: command not implemented (its EHLO answer does not offer STARTTLS)"
                    + " (127.0.0.1:" + server.port() + ")");
        }
    }

    @Test
    void case0582SmtpGreetingThatRefusesService() throws Exception {
        try (ScriptedStartTlsServer server = new ScriptedStartTlsServer(tls, c -> c.send("554 5.7.1 no service for you\r\n"))) {
            assertRefused(tlsGet(server, "smtp"), "smtp server greeted with 554 5.7.1 no service for you");
        }
    }

    @Test
    void case0583BytesInjectedAfterTheGoAheadAreRefused() throws Exception {
        try (ScriptedStartTlsServer server = new ScriptedStartTlsServer(tls, c -> {
            c.send("220 mail.test ESMTP\r\n");
            c.line();
            c.send("250 STARTTLS\r\n");
            c.line();
            c.send("220 go ahead\r\n250 injected before TLS\r\n");
            c.line();
        })) {
            NkRun.Result r = NkRun.run("tls-get", "--json", "--starttls", "smtp", "--cacert", ca, "127.0.0.1:" + server.port());
            assertEquals(6, r.code(), r.toString());
            assertTrue(r.out().contains("\"kind\":\"starttls_injection\",\"phase\":\"starttls\""), r.out());
            assertTrue(r.out().contains("smtp server sent 25 more bytes after its STARTTLS go-ahead"), r.out());
        }
    }

    @Test
    void case0584SilentServerTimesOutInTheStarttlsPhase() throws Exception {
        try (ScriptedStartTlsServer server = new ScriptedStartTlsServer(tls, c -> c.line())) {
            long start = System.nanoTime();
            NkRun.Result r = NkRun.run("tls-get", "--json", "--connect-timeout", "1s", "--starttls", "imap", "127.0.0.1:" + server.port());
            assertEquals(124, r.code(), r.toString());
            assertTrue(r.out().contains("\"kind\":\"timeout\",\"phase\":\"starttls\""), r.out());
            assertTrue(r.out().contains("imap STARTTLS timed out"), r.out());
            assertTrue((System.nanoTime() - start) / 1_000_000 < 5000);
        }
    }

    @Test
    void case0585ServerClosingMidExchange() throws Exception {
        try (ScriptedStartTlsServer server = new ScriptedStartTlsServer(tls, c -> {
            c.send("220 mail.test ESMTP\r\n");
            c.line();
        })) {
            assertRefused(tlsGet(server, "smtp"), "smtp server closed the connection before its EHLO answer");
        }
    }

    @Test
    void case0586OverlongLineAndEndlessReplyAreBounded() throws Exception {
        try (ScriptedStartTlsServer server = new ScriptedStartTlsServer(tls, c -> c.send("220 " + "x".repeat(10_000) + "\r\n"))) {
            assertRefused(tlsGet(server, "smtp"), "smtp server sent a line longer than 8192 bytes before its greeting");
        }
        try (ScriptedStartTlsServer server = new ScriptedStartTlsServer(tls, c -> {
            for (int i = 0; i < 100_000; i++) {
                c.send("220-endless greeting line " + i + "\r\n");
            }
        })) {
            assertRefused(tlsGet(server, "smtp"), "smtp server sent more than 64 KiB before its greeting");
        }
    }

    @Test
    void case0587AnHttpServerIsNotAnSmtpServer() throws Exception {
        try (ScriptedStartTlsServer server = new ScriptedStartTlsServer(tls, c -> c.send("HTTP/1.1 400 Bad Request\r\n\r\n"))) {
            assertRefused(tlsGet(server, "smtp"), "smtp server is not speaking SMTP: its greeting was 'HTTP/1.1 400 Bad Request'");
        }
    }

    @Test
    void case0588ImapTaggedGoAheadAfterUntaggedLines() throws Exception {
        try (ScriptedStartTlsServer server = new ScriptedStartTlsServer(tls, c -> {
            c.send("* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready\r\n");
            String tag = c.line().split(" ")[0];
            c.send("* CAPABILITY IMAP4rev1 STARTTLS\r\n" + tag + " OK Begin TLS negotiation now.\r\n");
            c.tls();
        })) {
            assertVerified(tlsGet(server, "imap"));
            assertTrue(server.received().get(0).endsWith(" STARTTLS"), server.received().toString());
        }
    }

    @Test
    void case0589ImapRefusalsAndPreauth() throws Exception {
        try (ScriptedStartTlsServer server = new ScriptedStartTlsServer(tls, c -> {
            c.send("* OK ready\r\n");
            String tag = c.line().split(" ")[0];
            c.send(tag + " NO [UNAVAILABLE] TLS is off\r\n");
        })) {
            assertRefused(tlsGet(server, "imap"), "imap server refused STARTTLS: NO [UNAVAILABLE] TLS is off");
        }
        try (ScriptedStartTlsServer server = new ScriptedStartTlsServer(tls, c -> c.send("* PREAUTH logged in as root\r\n"))) {
            assertRefused(tlsGet(server, "imap"), "imap server greeted with PREAUTH, after which STARTTLS is not allowed");
        }
    }

    @Test
    void case0590Pop3StlsAndItsRefusal() throws Exception {
        try (ScriptedStartTlsServer server = new ScriptedStartTlsServer(tls, c -> {
            c.send("+OK POP3 ready\r\n");
            c.line();
            c.send("+OK Begin TLS negotiation\r\n");
            c.tls();
        })) {
            assertVerified(tlsGet(server, "pop3"));
            assertEquals("STLS", server.received().get(0));
        }
        try (ScriptedStartTlsServer server = new ScriptedStartTlsServer(tls, c -> {
            c.send("+OK POP3 ready\r\n");
            c.line();
            c.send("-ERR Command not permitted when TLS active\r\n");
        })) {
            assertRefused(tlsGet(server, "pop3"), "pop3 server refused STLS: -ERR Command not permitted when TLS active");
        }
    }

    @Test
    void case0591FtpMultiLineGreetingWithUnnumberedLinesThenAuthTls() throws Exception {
        try (ScriptedStartTlsServer server = new ScriptedStartTlsServer(tls, c -> {
            c.send("220-Welcome\r\n  an unnumbered line\r\n220 ready\r\n");
            c.line();
            c.send("234 Proceed with negotiation.\r\n");
            c.tls();
        })) {
            assertVerified(tlsGet(server, "ftp"));
            assertEquals("AUTH TLS", server.received().get(0));
        }
        try (ScriptedStartTlsServer server = new ScriptedStartTlsServer(tls, c -> {
            c.send("220 ready\r\n");
            c.line();
            c.send("530 Please login with USER and PASS.\r\n");
        })) {
            assertRefused(tlsGet(server, "ftp"), "ftp server refused AUTH TLS: 530 Please login with USER and PASS.");
        }
    }

    @Test
    void case0592XmppFeaturesThenProceed() throws Exception {
        try (ScriptedStartTlsServer server = new ScriptedStartTlsServer(tls, c -> {
            c.until("version='1.0'>");
            c.send("<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' id='x' "
                    + "from='localhost' version='1.0'><stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/>"
                    + "</starttls><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms>"
                    + "</stream:features>");
            c.until("/>");
            c.send("<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
            c.tls();
        })) {
            assertVerified(tlsGet(server, "xmpp", "--servername", "localhost"));
            assertTrue(server.received().get(0).contains("to='localhost'"), server.received().toString());
        }
        try (ScriptedStartTlsServer server = new ScriptedStartTlsServer(tls, c -> {
            c.until("version='1.0'>");
            c.send("<stream:stream xmlns:stream='http://etherx.jabber.org/streams' version='1.0'><stream:features/>");
            c.until("/>");
            c.send("<failure xmlns='urn:ietf:params:xml:ns:xmpp-tls'/></stream:stream>");
        })) {
            assertRefused(tlsGet(server, "xmpp"), "xmpp server refused STARTTLS: '<failure xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>'"
                    + " (its stream features do not offer starttls)");
        }
    }

    @Test
    void case0593PostgresSslRequestAnsweredSOrN() throws Exception {
        byte[] sslRequest = HexFormat.of().parseHex("0000000804d2162f");
        try (ScriptedStartTlsServer server = new ScriptedStartTlsServer(tls, c -> {
            if (java.util.Arrays.equals(c.bytes(8), sslRequest)) {
                c.send("S");
                c.tls();
            }
        })) {
            assertVerified(tlsGet(server, "postgres"));
        }
        try (ScriptedStartTlsServer server = new ScriptedStartTlsServer(tls, c -> {
            c.bytes(8);
            c.send("N");
        })) {
            assertRefused(tlsGet(server, "postgres"), "postgres server does not accept SSL: it answered N to the SSLRequest");
        }
        try (ScriptedStartTlsServer server = new ScriptedStartTlsServer(tls, c -> {
            c.bytes(8);
            c.send("SR\0\0\0\10\0\0\0\0"); // CVE-2021-23214's shape: an AuthenticationOk behind the go-ahead
            c.bytes(1);
        })) {
            assertRefused(tlsGet(server, "postgres"), "postgres server sent 9 more bytes after its STARTTLS go-ahead");
        }
    }

    @Test
    void case0594LdapExtendedOperationSuccessAndRefusal() throws Exception {
        byte[] request = HexFormat.of().parseHex("301d02010177188016" + HexFormat.of().formatHex(
                "1.3.6.1.4.1.1466.20037".getBytes(StandardCharsets.US_ASCII)));
        try (ScriptedStartTlsServer server = new ScriptedStartTlsServer(tls, c -> {
            if (java.util.Arrays.equals(c.bytes(request.length), request)) {
                c.send(HexFormat.of().parseHex("300c02010178070a010004000400"));
                c.tls();
            }
        })) {
            assertVerified(tlsGet(server, "ldap"));
        }
        byte[] message = "no TLS here".getBytes(StandardCharsets.US_ASCII);
        try (ScriptedStartTlsServer server = new ScriptedStartTlsServer(tls, c -> {
            c.bytes(request.length);
            c.send(HexFormat.of().parseHex("30170201017812" + "0a0134" + "0400" + "040b" + HexFormat.of().formatHex(message)));
        })) {
            assertRefused(tlsGet(server, "ldap"), "ldap server refused StartTLS: resultCode 52 (unavailable): no TLS here");
        }
        try (ScriptedStartTlsServer server = new ScriptedStartTlsServer(tls, c -> {
            c.bytes(request.length);
            c.send("garbage\r\n");
        })) {
            assertRefused(tlsGet(server, "ldap"), "ldap server is not speaking LDAP");
        }
    }

    @Test
    void case0595LmtpNntpAndSieve() throws Exception {
        try (ScriptedStartTlsServer server = new ScriptedStartTlsServer(tls, c -> {
            c.send("220 lmtp ready\r\n");
            c.line();
            c.send("250-lmtp\r\n250 STARTTLS\r\n");
            c.line();
            c.send("220 go\r\n");
            c.tls();
        })) {
            assertVerified(tlsGet(server, "lmtp"));
            assertTrue(server.received().get(0).startsWith("LHLO "), server.received().toString());
        }
        try (ScriptedStartTlsServer server = new ScriptedStartTlsServer(tls, c -> {
            c.send("200 news ready\r\n");
            c.line();
            c.send("382 Continue with TLS negotiation\r\n");
            c.tls();
        })) {
            assertVerified(tlsGet(server, "nntp"));
        }
        try (ScriptedStartTlsServer server = new ScriptedStartTlsServer(tls, c -> {
            c.send("\"IMPLEMENTATION\" \"test\"\r\n\"STARTTLS\"\r\nOK \"Ready.\"\r\n");
            c.line();
            c.send("OK \"Begin TLS negotiation now.\"\r\n");
            c.tls();
        })) {
            assertVerified(tlsGet(server, "sieve"));
        }
    }

    @Test
    void case0596TargetUrlsImplyTheProtocolAndVerboseShowsTheExchange() throws Exception {
        try (ScriptedStartTlsServer server = new ScriptedStartTlsServer(tls, c -> {
            c.send("+OK POP3 ready\r\n");
            c.line();
            c.send("+OK go\r\n");
            c.tls();
        })) {
            NkRun.Result r = NkRun.run("tls-get", "-v", "--cacert", ca, "pop3://127.0.0.1:" + server.port());
            assertVerified(r);
            assertTrue(r.stderr().contains("< +OK POP3 ready\n"), r.stderr());
            assertTrue(r.stderr().contains("> STLS\n"), r.stderr());
        }
    }

    @Test
    void case0597ConnectCarriesTheSessionInsideTlsAfterStarttls() throws Exception {
        try (ScriptedStartTlsServer server = new ScriptedStartTlsServer(tls, c -> {
            c.send("220 mail.test ESMTP\r\n");
            c.line();
            c.send("250 STARTTLS\r\n");
            c.line();
            c.send("220 go ahead\r\n");
            c.tls();
        })) {
            NkRun.Result r = NkRun.run("EHLO again\r\nQUIT\r\n".getBytes(StandardCharsets.US_ASCII), "connect", "--starttls", "smtp",
                    "--cacert", ca, "127.0.0.1:" + server.port());
            assertEquals(0, r.code(), r.toString());
            assertEquals("echo: EHLO again\r\necho: QUIT\r\n", r.out());
            assertEquals(java.util.List.of("EHLO again", "QUIT"), server.tlsReceived());
        }
        NkRun.Result listen = NkRun.run("connect", "-l", "--starttls", "smtp", "0");
        assertEquals(2, listen.code(), listen.toString());
    }

    @Test
    void case0598MonitorProbesStarttlsTargets() throws Exception {
        try (ScriptedStartTlsServer good = new ScriptedStartTlsServer(tls, c -> {
            c.send("+OK ready\r\n");
            c.line();
            c.send("+OK go\r\n");
            c.tls();
        });
                ScriptedStartTlsServer refusing = new ScriptedStartTlsServer(tls, c -> {
                    c.send("220 mail.test ESMTP\r\n");
                    c.line();
                    c.send("250 mail.test\r\n");
                    c.line();
                    c.send("454 4.7.0 TLS not available due to local problem\r\n");
                })) {
            NkRun.Result up = NkRun.run("monitor", "--once", "--cacert", ca, "pop3://127.0.0.1:" + good.port());
            assertEquals(0, up.code(), up.toString());
            NkRun.Result down = NkRun.run("monitor", "--once", "--json", "--cacert", ca, "smtp://127.0.0.1:" + refusing.port());
            assertEquals(7, down.code(), down.toString());
            assertTrue(down.out().contains("smtp server refused STARTTLS: 454 4.7.0 TLS not available due to local problem"), down.out());
        }
    }
}
