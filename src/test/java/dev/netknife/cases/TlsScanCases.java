package dev.netknife.cases;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netknife.support.Accept;
import dev.netknife.support.NkRun;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code tls-get --scan} against servers scripted byte by byte: versions no runtime of ours can speak (SSLv3,
 * SSLv2) found and flagged, and servers that answer a ClientHello with garbage, a suite never offered, an
 * endless flight or silence: the scan ends, bounded, with one line and its exit code. Cases 0572-0579.
 */
class TlsScanCases {

    /** How a scripted server answers one ClientHello: {@code hello} is the record's body. */
    @FunctionalInterface
    interface Answer {
        void answer(int recordVersion, byte[] hello, OutputStream out) throws IOException;
    }

    /** A server that reads one record (TLS or SSLv2) per connection and answers it as scripted, then closes. */
    private static ServerSocket serve(Answer answer) throws IOException {
        ServerSocket server = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
        Accept.each(server, 5000, client -> {
            DataInputStream in = new DataInputStream(client.getInputStream());
            int first = in.readUnsignedByte();
            if ((first & 0x80) != 0) { // SSLv2 CLIENT-HELLO
                byte[] rest = new byte[((first & 0x7f) << 8 | in.readUnsignedByte())];
                in.readFully(rest);
                answer.answer(0x0002, rest, client.getOutputStream());
            } else {
                int version = in.readUnsignedShort();
                byte[] body = new byte[in.readUnsignedShort()];
                in.readFully(body);
                answer.answer(version, body, client.getOutputStream());
            }
            client.getOutputStream().flush();
            drain(client.getInputStream());
        });
        return server;
    }

    private static void drain(InputStream in) throws IOException {
        while (in.read() >= 0) {
            // until the scanner closes
        }
    }

    /** The offered client_version and suite codes of a ClientHello body. */
    private record Hello(int version, Set<Integer> suites) {
        static Hello parse(byte[] body) {
            ByteBuffer b = ByteBuffer.wrap(body);
            b.position(4);
            int version = b.getShort() & 0xffff;
            b.position(b.position() + 32);
            int sessionIdLength = b.get() & 0xff;
            b.position(b.position() + sessionIdLength);
            Set<Integer> suites = new HashSet<>();
            int length = b.getShort() & 0xffff;
            for (int i = 0; i < length / 2; i++) {
                suites.add(b.getShort() & 0xffff);
            }
            return new Hello(version, suites);
        }
    }

    private static byte[] record(int type, int version, byte[] body) {
        return ByteBuffer.allocate(5 + body.length).put((byte) type).putShort((short) version).putShort((short) body.length).put(body).array();
    }

    /** ServerHello (version, suite, no extensions) and ServerHelloDone, in one record. */
    private static byte[] serverHello(int version, int suite) {
        ByteBuffer hello = ByteBuffer.allocate(4 + 2 + 32 + 1 + 2 + 1 + 4);
        hello.put((byte) 2).put((byte) 0).putShort((short) 38).putShort((short) version).put(new byte[32]).put((byte) 0)
                .putShort((short) suite).put((byte) 0);
        hello.put((byte) 14).put((byte) 0).putShort((short) 0);
        return record(22, version, hello.array());
    }

    private static final byte[] HANDSHAKE_FAILURE = HexFormat.of().parseHex("15030000020228");

    @Test
    void case0572Sslv3OnlyServerIsFoundAndFlaggedWithItsSuitesInItsOrder() throws Exception {
        try (ServerSocket server = serve((recordVersion, body, out) -> {
            if (recordVersion == 0x0002) {
                out.write(HexFormat.of().parseHex("00020228"));
                return;
            }
            Hello hello = Hello.parse(body);
            int pick = hello.suites().contains(0x000a) ? 0x000a : hello.suites().contains(0x002f) ? 0x002f : -1;
            out.write(hello.version() == 0x0300 && pick > 0 ? serverHello(0x0300, pick) : HANDSHAKE_FAILURE);
        })) {
            NkRun.Result r = NkRun.run("--json", "tls-get", "--scan", "--connect-timeout", "2s", "127.0.0.1:" + server.getLocalPort());
            assertEquals(7, r.code(), r.toString());
            assertTrue(r.out().contains("{\"version\":\"SSLv3\",\"enabled\":true,\"server_order\":true,\"suites\":[{\"name\":"
                    + "\"TLS_RSA_WITH_3DES_EDE_CBC_SHA\",\"openssl\":\"DES-CBC3-SHA\",\"code\":\"0x000A\""), r.out());
            assertTrue(r.out().contains("\"name\":\"TLS_RSA_WITH_AES_128_CBC_SHA\""), r.out());
            assertTrue(r.out().contains("\"weak\":[\"SSLv3 enabled (POODLE)\",\"neither TLSv1.2 nor TLSv1.3\","
                    + "\"3DES (64-bit blocks: Sweet32): DES-CBC3-SHA\",\"CBC suites with TLSv1.0 or older (BEAST): DES-CBC3-SHA, AES128-SHA\""),
                    r.out());
            assertTrue(r.out().contains("{\"version\":\"TLSv1.2\",\"enabled\":false"), r.out());
        }
    }

    @Test
    void case0573Sslv2ServerIsFoundAndFlagged() throws Exception {
        try (ServerSocket server = serve((recordVersion, body, out) -> {
            if (recordVersion == 0x0002) {
                out.write(HexFormat.of().parseHex("800e" + "04" + "00" + "01" + "0002" + "0000" + "0003" + "0000" + "010080"));
                return;
            }
            out.write(HANDSHAKE_FAILURE);
        })) {
            NkRun.Result r = NkRun.run("--json", "tls-get", "--scan", "--connect-timeout", "2s", "127.0.0.1:" + server.getLocalPort());
            assertEquals(7, r.code(), r.toString());
            assertTrue(r.out().contains("{\"version\":\"SSLv2\",\"enabled\":true"), r.out());
            assertTrue(r.out().contains("\"SSLv2 enabled (DROWN)\""), r.out());
        }
    }

    @Test
    void case0574AServerThatIsNotTlsAtAll() throws Exception {
        try (ServerSocket server = serve((recordVersion, body, out) -> out.write("HTTP/1.1 400 Bad Request\r\n\r\n".getBytes()))) {
            NkRun.Result r = NkRun.run("tls-get", "--scan", "--connect-timeout", "2s", "127.0.0.1:" + server.getLocalPort());
            assertEquals(5, r.code(), r.toString());
            assertTrue(r.stderr().endsWith("nk: tls-get: no SSL or TLS version was accepted (127.0.0.1:" + server.getLocalPort() + ")\n"),
                    r.stderr());
        }
    }

    @Test
    void case0575ASuiteNeverOfferedEndsThatVersionsEnumeration() throws Exception {
        try (ServerSocket server = serve((recordVersion, body, out) -> {
            Hello hello = recordVersion == 0x0002 ? null : Hello.parse(body);
            out.write(hello != null && hello.version() == 0x0303 ? serverHello(0x0303, 0xfefe) : HANDSHAKE_FAILURE);
        })) {
            long start = System.nanoTime();
            NkRun.Result r = NkRun.run("--json", "tls-get", "--scan", "--connect-timeout", "2s", "127.0.0.1:" + server.getLocalPort());
            assertTrue((System.nanoTime() - start) / 1_000_000 < 10_000);
            assertTrue(r.out().contains("\"code\":\"0xFEFE\""), r.out());
            assertTrue(r.out().contains("{\"version\":\"TLSv1.2\",\"enabled\":true,\"server_order\":null,\"suites\":[{"), r.out());
        }
    }

    @Test
    void case0576AnEndlessFlightIsCutAtItsBound() throws Exception {
        try (ServerSocket server = serve((recordVersion, body, out) -> {
            byte[] certificateChunk = record(22, 0x0303, new byte[16_000]);
            for (int i = 0; i < 200; i++) { // 3 MB of handshake bytes that never finish a message
                out.write(certificateChunk);
            }
        })) {
            long start = System.nanoTime();
            NkRun.Result r = NkRun.run("tls-get", "--scan", "--connect-timeout", "2s", "127.0.0.1:" + server.getLocalPort());
            assertEquals(5, r.code(), r.toString());
            assertTrue((System.nanoTime() - start) / 1_000_000 < 15_000);
        }
    }

    @Test
    void case0577ASilentServerIsATimeoutNamingTheTlsPhase() throws Exception {
        try (ServerSocket server = serve((recordVersion, body, out) -> drain(InputStream.nullInputStream()))) {
            NkRun.Result r = NkRun.run("--json", "tls-get", "--scan", "--connect-timeout", "1s", "127.0.0.1:" + server.getLocalPort());
            assertEquals(124, r.code(), r.toString());
            assertTrue(r.out().contains("\"kind\":\"timeout\",\"phase\":\"tls\""), r.out());
        }
    }
}
