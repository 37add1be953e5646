package dev.netknife.tls.scan;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * What a server answers to a {@link ClientHello}, read from the plaintext records: an alert, a
 * ServerHello (or HelloRetryRequest), and before TLS 1.3 the Certificate, CertificateStatus and
 * ServerKeyExchange messages up to ServerHelloDone. Bounded: at most {@link #MAX_BYTES} are read.
 *
 * @param outcome what came back
 * @param version the version the server chose (from supported_versions for TLS 1.3)
 * @param suite the cipher suite it chose
 * @param extensions the ServerHello's extensions by type
 * @param certificates the Certificate message (before TLS 1.3), parsed where possible
 * @param stapled whether a CertificateStatus (OCSP) message came
 * @param serverKeyExchange the ServerKeyExchange message's body (before TLS 1.3), or null
 * @param alert the alert description when the outcome is ALERT
 */
public record ServerFlight(Outcome outcome, int version, int suite, int compression, Map<Integer, byte[]> extensions,
        List<X509Certificate> certificates, boolean stapled, byte[] serverKeyExchange, int alert) {

    public enum Outcome {
        /** A ServerHello: the offer was accepted. */
        HELLO,
        /** A TLS 1.3 HelloRetryRequest: accepted, the server wants a key share for {@link #selectedGroup()}. */
        RETRY,
        /** A fatal alert: nothing offered was acceptable (or the version is not spoken). */
        ALERT,
        /** The connection closed without an answer (how many servers refuse an old version). */
        CLOSED,
        /** Something that is not TLS came back. */
        NOT_TLS,
        /** An SSLv2 SERVER-HELLO. */
        SSLV2
    }

    static final int MAX_BYTES = 256 * 1024;
    private static final byte[] RETRY_RANDOM = HexFormat.of().parseHex("CF21AD74E59A6111BE1D8C021E65B891C2A211167ABB8C5E079E09E2C8A8339C");

    public boolean accepted() {
        return outcome == Outcome.HELLO || outcome == Outcome.RETRY;
    }

    /** The group named in a HelloRetryRequest's key_share, or -1. */
    public int selectedGroup() {
        byte[] share = extensions.get(51);
        return share != null && share.length >= 2 ? (share[0] & 0xff) << 8 | share[1] & 0xff : -1;
    }

    /** The ALPN protocol the server chose, or null. */
    public String alpn() {
        byte[] alpn = extensions.get(16);
        if (alpn == null || alpn.length < 4) {
            return null;
        }
        return new String(alpn, 3, Math.min(alpn[2] & 0xff, alpn.length - 3), StandardCharsets.US_ASCII);
    }

    /** Reads the server's answer from {@code in}. Timeouts and resets reach the caller as IOException. */
    public static ServerFlight read(InputStream in) throws IOException {
        Records records = new Records(in);
        int first;
        try {
            first = records.peekFirst();
        } catch (EOFException e) {
            return simple(Outcome.CLOSED, 0);
        }
        if ((first & 0x80) != 0) {
            return sslv2(records);
        }
        if (first != 21 && first != 22) {
            return simple(Outcome.NOT_TLS, 0);
        }
        ServerHello hello = null;
        List<X509Certificate> certificates = List.of();
        boolean stapled = false;
        byte[] keyExchange = null;
        while (true) {
            Handshake message;
            try {
                message = records.nextHandshake();
            } catch (EOFException e) {
                return hello == null ? simple(Outcome.CLOSED, 0) : flight(hello, certificates, stapled, keyExchange);
            }
            if (message == null) {
                return hello == null ? simple(Outcome.NOT_TLS, 0) : flight(hello, certificates, stapled, keyExchange);
            }
            if (message.alert() >= 0) {
                return hello != null ? flight(hello, certificates, stapled, keyExchange) : simple(Outcome.ALERT, message.alert());
            }
            ByteBuffer body = ByteBuffer.wrap(message.body());
            switch (message.type()) {
                case 2 -> {
                    hello = ServerHello.parse(body);
                    if (hello.version() == ClientHello.TLS13 || hello.retry()) {
                        return flight(hello, certificates, stapled, keyExchange); // the rest is encrypted
                    }
                }
                case 11 -> certificates = certificates(body);
                case 22 -> stapled = true;
                case 12 -> keyExchange = message.body();
                case 14 -> {
                    return hello == null ? simple(Outcome.NOT_TLS, 0) : flight(hello, certificates, stapled, keyExchange);
                }
                default -> { }
            }
        }
    }

    private static ServerFlight simple(Outcome outcome, int alert) {
        return new ServerFlight(outcome, 0, -1, 0, Map.of(), List.of(), false, null, alert);
    }

    private static ServerFlight flight(ServerHello h, List<X509Certificate> certificates, boolean stapled, byte[] keyExchange) {
        return new ServerFlight(h.retry() ? Outcome.RETRY : Outcome.HELLO, h.version(), h.suite(), h.compression(), h.extensions(),
                certificates, stapled, keyExchange, -1);
    }

    private static ServerFlight sslv2(Records records) throws IOException {
        byte[] head = records.raw(3);
        return head[2] == 4 ? new ServerFlight(Outcome.SSLV2, 0x0002, -1, 0, Map.of(), List.of(), false, null, -1) : simple(Outcome.NOT_TLS, 0);
    }

    /** The parts of a ServerHello a scan needs. */
    private record ServerHello(int version, boolean retry, int suite, int compression, Map<Integer, byte[]> extensions) {
        static ServerHello parse(ByteBuffer b) {
            int legacyVersion = u16(b);
            byte[] random = new byte[32];
            b.get(random);
            int sessionIdLength = b.get() & 0xff;
            b.position(b.position() + sessionIdLength);
            int suite = u16(b);
            int compression = b.get() & 0xff;
            Map<Integer, byte[]> extensions = new HashMap<>();
            if (b.remaining() >= 2) {
                int end = u16(b) + b.position();
                while (b.position() + 4 <= end) {
                    int type = u16(b);
                    byte[] data = new byte[u16(b)];
                    b.get(data);
                    extensions.put(type, data);
                }
            }
            int version = legacyVersion;
            byte[] supported = extensions.get(43);
            if (supported != null && supported.length == 2) {
                version = (supported[0] & 0xff) << 8 | supported[1] & 0xff;
            }
            return new ServerHello(version, java.util.Arrays.equals(random, RETRY_RANDOM), suite, compression, extensions);
        }
    }

    private static List<X509Certificate> certificates(ByteBuffer b) {
        List<X509Certificate> certs = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            int end = u24(b) + b.position();
            while (b.position() + 3 <= end) {
                byte[] der = new byte[u24(b)];
                b.get(der);
                certs.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
            }
        } catch (CertificateException | RuntimeException e) {
            // what parsed is kept; the report's own handshake shows the chain anyway
        }
        return certs;
    }

    /** An ECDHE ServerKeyExchange's named curve, or -1. */
    public int ecdheGroup() {
        byte[] b = serverKeyExchange;
        return b != null && b.length >= 3 && b[0] == 3 ? (b[1] & 0xff) << 8 | b[2] & 0xff : -1;
    }

    /** A DHE ServerKeyExchange's prime size in bits, or -1. */
    public int dhePrimeBits() {
        byte[] b = serverKeyExchange;
        if (b == null || b.length < 2) {
            return -1;
        }
        int length = (b[0] & 0xff) << 8 | b[1] & 0xff;
        return length > b.length - 2 ? -1 : new java.math.BigInteger(1, java.util.Arrays.copyOfRange(b, 2, 2 + length)).bitLength();
    }

    private static int u16(ByteBuffer b) {
        return (b.get() & 0xff) << 8 | b.get() & 0xff;
    }

    private static int u24(ByteBuffer b) {
        return (b.get() & 0xff) << 16 | u16(b);
    }

    /** One handshake message, or an alert ({@code alert} >= 0). */
    private record Handshake(int type, byte[] body, int alert) {
    }

    /** TLS records, reassembled into handshake messages; at most MAX_BYTES in all. */
    private static final class Records {
        private final InputStream in;
        private int read;
        private int peeked = -1;
        private byte[] pending = new byte[0];
        private int pendingOffset;

        Records(InputStream in) {
            this.in = in;
        }

        int peekFirst() throws IOException {
            peeked = readByte();
            return peeked;
        }

        byte[] raw(int n) throws IOException {
            byte[] b = new byte[n];
            int i = 0;
            if (peeked >= 0) {
                b[i++] = (byte) peeked;
                peeked = -1;
            }
            for (; i < n; i++) {
                b[i] = (byte) readByte();
            }
            return b;
        }

        private int readByte() throws IOException {
            if (++read > MAX_BYTES) {
                throw new IOException("the server's answer is larger than " + MAX_BYTES / 1024 + " KiB");
            }
            int b = in.read();
            if (b < 0) {
                throw new EOFException();
            }
            return b;
        }

        /** The next handshake message, an alert, or null when a record of another type comes. */
        Handshake nextHandshake() throws IOException {
            while (pending.length - pendingOffset < 4 || pending.length - pendingOffset < 4 + length(pendingOffset)) {
                byte[] header = raw(5);
                int type = header[0] & 0xff;
                int length = (header[3] & 0xff) << 8 | header[4] & 0xff;
                if (length > 18_432) {
                    return null;
                }
                byte[] fragment = raw(length);
                if (type == 21) {
                    return new Handshake(-1, null, length >= 2 ? fragment[1] & 0xff : 0);
                }
                if (type != 22) {
                    return null;
                }
                byte[] joined = new byte[pending.length - pendingOffset + length];
                System.arraycopy(pending, pendingOffset, joined, 0, pending.length - pendingOffset);
                System.arraycopy(fragment, 0, joined, pending.length - pendingOffset, length);
                pending = joined;
                pendingOffset = 0;
            }
            int type = pending[pendingOffset] & 0xff;
            int length = length(pendingOffset);
            byte[] body = java.util.Arrays.copyOfRange(pending, pendingOffset + 4, pendingOffset + 4 + length);
            pendingOffset += 4 + length;
            return new Handshake(type, body, -1);
        }

        private int length(int at) {
            return (pending[at + 1] & 0xff) << 16 | (pending[at + 2] & 0xff) << 8 | pending[at + 3] & 0xff;
        }
    }
}
