package dev.netknife.tls;

import dev.netknife.ExitCode;
import dev.netknife.NkException;
import dev.netknife.io.Conn;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * STARTTLS: the plaintext exchange a protocol needs before its TLS handshake, as {@code openssl s_client
 * -starttls} does it. When {@link #negotiate} returns, the server waits for our ClientHello.
 *
 * <p>The server's answers are read one byte at a time, so nothing past its go-ahead is ever read as
 * plaintext; bytes that are already waiting after the go-ahead were sent before the server saw our
 * request (a plaintext injection, CVE-2011-0411 and CVE-2021-23214 in PostgreSQL) and are refused. Every
 * line and the whole exchange are bounded; the caller's deadline bounds the time.
 *
 * @param transcript hears each line sent ({@code > }) and received ({@code < }), for -v
 */
public record StartTls(Protocol protocol, Consumer<String> transcript) {

    /** The protocols, their default ports and the scheme of their URLs ({@code smtp://HOST}). */
    public enum Protocol {
        SMTP(25), LMTP(24), IMAP(143), POP3(110), FTP(21), NNTP(119), SIEVE(4190), XMPP(5222), POSTGRES(5432), LDAP(389);

        private final int port;

        Protocol(int port) {
            this.port = port;
        }

        public int defaultPort() {
            return port;
        }

        public String scheme() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** {@code smtp}, {@code imap} ... (and {@code postgresql}, {@code pop}); null for anything else. */
        public static Protocol named(String name) {
            String lower = name.toLowerCase(Locale.ROOT);
            return switch (lower) {
                case "postgresql" -> POSTGRES;
                case "pop" -> POP3;
                default -> {
                    for (Protocol p : values()) {
                        if (p.scheme().equals(lower)) {
                            yield p;
                        }
                    }
                    yield null;
                }
            };
        }

        /** {@code --starttls NAME}: a usage error naming the known protocols for anything else. */
        public static Protocol parse(String name) {
            Protocol protocol = named(name);
            if (protocol == null) {
                throw NkException.usage("--starttls: unknown protocol '" + name + "' (" + names() + ")");
            }
            return protocol;
        }

        /** The names for help texts and errors: smtp, lmtp, imap ... */
        public static String names() {
            StringBuilder names = new StringBuilder();
            for (Protocol p : values()) {
                names.append(names.isEmpty() ? "" : ", ").append(p.scheme());
            }
            return names.toString();
        }
    }

    /** The longest line a server may answer with (RFC 5321 allows 512 octets; IMAP capability lines run longer). */
    static final int MAX_LINE = 8192;
    /** The most the plaintext part may read before TLS. */
    static final int MAX_EXCHANGE = 64 * 1024;

    private static final byte[] POSTGRES_SSL_REQUEST = {0, 0, 0, 8, 0x04, (byte) 0xd2, 0x16, 0x2f};
    private static final String LDAP_STARTTLS_OID = "1.3.6.1.4.1.1466.20037";

    /**
     * Runs the plaintext part over {@code conn}. {@code serverName} goes where the protocol names the
     * server (XMPP's stream header). A refusal or an answer outside the protocol is exit 6 naming the
     * server's reply; a server that closes is exit 6 too.
     */
    public void negotiate(Conn conn, String serverName) throws IOException {
        Exchange x = new Exchange(conn);
        switch (protocol) {
            case SMTP, LMTP -> smtp(x, protocol == Protocol.SMTP ? "EHLO " : "LHLO ", helloName(conn.localAddress()));
            case IMAP -> imap(x);
            case POP3 -> pop3(x);
            case FTP -> numericGoAhead(x, 220, "AUTH TLS", 234);
            case NNTP -> nntp(x);
            case SIEVE -> sieve(x);
            case XMPP -> xmpp(x, serverName);
            case POSTGRES -> postgres(x);
            case LDAP -> ldap(x);
        }
        if (conn.available() > 0) {
            throw refused("sent " + conn.available() + " more bytes after its STARTTLS go-ahead, before any TLS (a plaintext injection?)",
                    "starttls_injection");
        }
    }

    private void smtp(Exchange x, String hello, String name) throws IOException {
        Reply greeting = x.numericReply("greeting");
        if (greeting.code() != 220) {
            throw refused("greeted with " + greeting.text(), "starttls_refused");
        }
        x.send(hello + name);
        Reply capabilities = x.numericReply(hello.strip() + " answer");
        if (capabilities.code() != 250) {
            throw refused("answered " + hello.strip() + " with " + capabilities.text(), "starttls_refused");
        }
        x.send("STARTTLS");
        Reply answer = x.numericReply("STARTTLS answer");
        if (answer.code() != 220) {
            throw refused("refused STARTTLS: " + answer.text() + (offers(capabilities, "STARTTLS") ? "" : " (its "
                    + hello.strip() + " answer does not offer STARTTLS)"), "starttls_refused");
        }
    }

    private static boolean offers(Reply reply, String keyword) {
        for (String line : reply.text().split("\n")) {
            String word = line.length() > 4 ? line.substring(4).strip() : "";
            if (word.regionMatches(true, 0, keyword, 0, keyword.length())
                    && (word.length() == keyword.length() || word.charAt(keyword.length()) == ' ')) {
                return true;
            }
        }
        return false;
    }

    /** {@code code} greeting, then {@code command} answered by {@code goAhead} (FTP's AUTH TLS). */
    private void numericGoAhead(Exchange x, int greetingCode, String command, int goAhead) throws IOException {
        Reply greeting = x.numericReply("greeting");
        if (greeting.code() != greetingCode) {
            throw refused("greeted with " + greeting.text(), "starttls_refused");
        }
        x.send(command);
        Reply answer = x.numericReply(command + " answer");
        if (answer.code() != goAhead) {
            throw refused("refused " + command + ": " + answer.text(), "starttls_refused");
        }
    }

    private void nntp(Exchange x) throws IOException {
        Reply greeting = x.numericReply("greeting");
        if (greeting.code() != 200 && greeting.code() != 201) {
            throw refused("greeted with " + greeting.text(), "starttls_refused");
        }
        x.send("STARTTLS");
        Reply answer = x.numericReply("STARTTLS answer");
        if (answer.code() != 382) {
            throw refused("refused STARTTLS: " + answer.text(), "starttls_refused");
        }
    }

    private void imap(Exchange x) throws IOException {
        String greeting = x.line("greeting");
        if (startsWithIgnoreCase(greeting, "* PREAUTH")) {
            throw refused("greeted with PREAUTH, after which STARTTLS is not allowed (RFC 9051): " + greeting, "starttls_refused");
        }
        if (!startsWithIgnoreCase(greeting, "* OK")) {
            throw refused(greeting.startsWith("* ") ? "greeted with " + greeting : "is not an IMAP server: it greeted with "
                    + Exchange.quote(greeting), greeting.startsWith("* ") ? "starttls_refused" : "protocol");
        }
        x.send("nk1 STARTTLS");
        while (true) {
            String line = x.line("STARTTLS answer");
            if (startsWithIgnoreCase(line, "nk1 OK")) {
                return;
            }
            if (startsWithIgnoreCase(line, "nk1 ")) {
                throw refused("refused STARTTLS: " + line.substring(4), "starttls_refused");
            }
            if (startsWithIgnoreCase(line, "* BYE")) {
                throw refused("closed the session: " + line, "starttls_refused");
            }
            if (!line.startsWith("* ")) {
                throw refused("answered STARTTLS with " + Exchange.quote(line), "protocol");
            }
        }
    }

    private void pop3(Exchange x) throws IOException {
        String greeting = x.line("greeting");
        if (!startsWithIgnoreCase(greeting, "+OK")) {
            throw refused(startsWithIgnoreCase(greeting, "-ERR") ? "greeted with " + greeting
                    : "is not a POP3 server: it greeted with " + Exchange.quote(greeting), "starttls_refused");
        }
        x.send("STLS");
        String answer = x.line("STLS answer");
        if (!startsWithIgnoreCase(answer, "+OK")) {
            throw refused("refused STLS: " + answer, "starttls_refused");
        }
    }

    /** ManageSieve (RFC 5804): the greeting is the capability list, closed by an OK line. */
    private void sieve(Exchange x) throws IOException {
        String line;
        while (!startsWithIgnoreCase(line = x.line("greeting"), "OK")) {
            if (startsWithIgnoreCase(line, "NO") || startsWithIgnoreCase(line, "BYE")) {
                throw refused("greeted with " + line, "starttls_refused");
            }
        }
        x.send("STARTTLS");
        String answer = x.line("STARTTLS answer");
        if (!startsWithIgnoreCase(answer, "OK")) {
            throw refused("refused STARTTLS: " + answer, "starttls_refused");
        }
    }

    /** RFC 6120: open the stream, wait for the features, ask for TLS, wait for {@code <proceed/>}. */
    private void xmpp(Exchange x, String serverName) throws IOException {
        x.send("<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='"
                + xmlEscape(serverName) + "' version='1.0'>", false);
        String features = x.xmlUntil("features", "</stream:features>", "<stream:features/>", "</stream:stream>");
        if (!features.endsWith("</stream:features>") && !features.endsWith("<stream:features/>")) {
            throw refused("closed the stream: " + Exchange.quote(tail(features)), "starttls_refused");
        }
        if (features.contains("<stream:error")) {
            throw refused("sent a stream error: " + Exchange.quote(tail(features)), "starttls_refused");
        }
        boolean offered = features.contains("<starttls");
        x.send("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>", false);
        String answer = x.xmlUntil("STARTTLS answer", "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>",
                "<proceed xmlns=\"urn:ietf:params:xml:ns:xmpp-tls\"/>", "</failure>", "<failure xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>",
                "<failure xmlns=\"urn:ietf:params:xml:ns:xmpp-tls\"/>", "</stream:stream>");
        if (!answer.contains("<proceed")) {
            throw refused("refused STARTTLS: " + Exchange.quote(tail(answer)) + (offered ? "" : " (its stream features do not offer starttls)"),
                    "starttls_refused");
        }
    }

    private static String tail(String text) {
        return text.length() <= 200 ? text : "..." + text.substring(text.length() - 200);
    }

    /** The SSLRequest message; the server answers one byte: S (go ahead) or N (no SSL here). */
    private void postgres(Exchange x) throws IOException {
        x.sendBytes(POSTGRES_SSL_REQUEST, "SSLRequest");
        int answer = x.readByte("SSLRequest answer");
        x.heard(answer >= 0x20 && answer < 0x7f ? String.valueOf((char) answer) : String.format("0x%02x", answer));
        switch (answer) {
            case 'S' -> { }
            case 'N' -> throw refused("does not accept SSL: it answered N to the SSLRequest (ssl = off?)", "starttls_refused");
            case 'E' -> throw refused("answered the SSLRequest with an error message (a server older than 7.0?)", "starttls_refused");
            default -> throw refused("is not a PostgreSQL server: it answered the SSLRequest with " + String.format("0x%02x", answer), "protocol");
        }
    }

    /** The StartTLS extended operation (RFC 4511 4.14): one request, an ExtendedResponse whose resultCode 0 is the go-ahead. */
    private void ldap(Exchange x) throws IOException {
        byte[] oid = LDAP_STARTTLS_OID.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer request = ByteBuffer.allocate(7 + 2 + oid.length);
        request.put((byte) 0x30).put((byte) (5 + 2 + oid.length)) // LDAPMessage
                .put((byte) 0x02).put((byte) 1).put((byte) 1) // messageID 1
                .put((byte) 0x77).put((byte) (2 + oid.length)) // [APPLICATION 23] ExtendedRequest
                .put((byte) 0x80).put((byte) oid.length).put(oid); // [0] requestName
        x.sendBytes(request.array(), "ExtendedRequest StartTLS");
        LdapResult result = LdapResult.read(x);
        x.heard("ExtendedResponse resultCode " + result.code() + (result.message().isEmpty() ? "" : " " + result.message()));
        if (result.code() != 0) {
            throw refused("refused StartTLS: resultCode " + result.code() + " (" + LdapResult.name(result.code()) + ")"
                    + (result.message().isEmpty() ? "" : ": " + result.message()), "starttls_refused");
        }
    }

    private NkException refused(String what, String kind) {
        return new NkException(ExitCode.PROTOCOL, "starttls", kind, protocol.scheme() + " server " + what, null);
    }

    private static boolean startsWithIgnoreCase(String s, String prefix) {
        return s.regionMatches(true, 0, prefix, 0, prefix.length());
    }

    private static String xmlEscape(String s) {
        return s.replace("&", "&amp;").replace("'", "&apos;").replace("<", "&lt;");
    }

    /** EHLO's argument: our address as an address literal (RFC 5321 4.1.3), as clients without a name of their own send. */
    static String helloName(InetSocketAddress local) {
        if (local == null || local.getAddress() == null) {
            return "[127.0.0.1]";
        }
        String address = local.getAddress().getHostAddress();
        int zone = address.indexOf('%');
        address = zone < 0 ? address : address.substring(0, zone);
        return local.getAddress() instanceof Inet6Address ? "[IPv6:" + address + "]" : "[" + address + "]";
    }

    /** A numeric reply (SMTP, FTP, NNTP): its code and its lines joined by newlines. */
    record Reply(int code, String text) {
    }

    /** The plaintext conversation: unbuffered reads, bounded lines and total, every line to the transcript. */
    private final class Exchange {
        private final Conn conn;
        private final ByteBuffer one = ByteBuffer.allocate(1);
        private int read;

        Exchange(Conn conn) {
            this.conn = conn;
        }

        void send(String line) throws IOException {
            send(line, true);
        }

        void send(String text, boolean crlf) throws IOException {
            transcript.accept("> " + text);
            conn.write(ByteBuffer.wrap((crlf ? text + "\r\n" : text).getBytes(StandardCharsets.UTF_8)));
        }

        void sendBytes(byte[] bytes, String what) throws IOException {
            transcript.accept("> " + what);
            conn.write(ByteBuffer.wrap(bytes));
        }

        void heard(String what) {
            transcript.accept("< " + what);
        }

        NkException protocolError() {
            return refused("is not speaking " + protocol.scheme().toUpperCase(Locale.ROOT) + ": its answer is not an ExtendedResponse",
                    "protocol");
        }

        int readByte(String awaited) throws IOException {
            if (read++ >= MAX_EXCHANGE) {
                throw refused("sent more than " + MAX_EXCHANGE / 1024 + " KiB before its " + awaited, "protocol");
            }
            one.clear();
            int n;
            do {
                n = conn.read(one);
            } while (n == 0);
            if (n < 0) {
                throw refused("closed the connection before its " + awaited, "protocol");
            }
            return one.get(0) & 0xff;
        }

        /** One line without its CR LF (a bare LF ends it too). */
        String line(String awaited) throws IOException {
            byte[] bytes = new byte[64];
            int length = 0;
            while (true) {
                int b = readByte(awaited);
                if (b == '\n') {
                    break;
                }
                if (length == MAX_LINE) {
                    throw refused("sent a line longer than " + MAX_LINE + " bytes before its " + awaited, "protocol");
                }
                if (length == bytes.length) {
                    bytes = java.util.Arrays.copyOf(bytes, bytes.length * 2);
                }
                bytes[length++] = (byte) b;
            }
            if (length > 0 && bytes[length - 1] == '\r') {
                length--;
            }
            String text = new String(bytes, 0, length, StandardCharsets.UTF_8);
            heard(text);
            return text;
        }

        /** A reply of numbered lines: {@code 250-more}, then {@code 250 last}. */
        Reply numericReply(String awaited) throws IOException {
            StringBuilder text = new StringBuilder();
            while (true) {
                String line = line(awaited);
                if (line.length() < 3 || !Character.isDigit(line.charAt(0)) || !Character.isDigit(line.charAt(1))
                        || !Character.isDigit(line.charAt(2)) || (line.length() > 3 && line.charAt(3) != ' ' && line.charAt(3) != '-')) {
                    if (!text.isEmpty() && protocol == Protocol.FTP) {
                        text.append('\n').append(line); // FTP's multi-line replies may carry unnumbered lines
                        continue;
                    }
                    throw refused("is not speaking " + protocol.scheme().toUpperCase(Locale.ROOT) + ": its " + awaited + " was "
                            + quote(line), "protocol");
                }
                text.append(text.isEmpty() ? "" : "\n").append(line);
                if (line.length() == 3 || line.charAt(3) == ' ') {
                    return new Reply(Integer.parseInt(line.substring(0, 3)), text.toString());
                }
            }
        }

        /** Reads until the text read ends with one of {@code ends}; what was read. */
        String xmlUntil(String awaited, String... ends) throws IOException {
            StringBuilder text = new StringBuilder();
            byte[] pending = new byte[4];
            int pendingLength = 0;
            while (true) {
                int b = readByte(awaited);
                pending[pendingLength++] = (byte) b;
                if (b >= 0x80 && pendingLength < 4 && !complete(pending, pendingLength)) {
                    continue;
                }
                text.append(new String(pending, 0, pendingLength, StandardCharsets.UTF_8));
                pendingLength = 0;
                if (b == '>') {
                    for (String end : ends) {
                        if (text.toString().endsWith(end)) {
                            heard(text.toString());
                            return text.toString();
                        }
                    }
                }
            }
        }

        private static boolean complete(byte[] bytes, int length) {
            int lead = bytes[0] & 0xff;
            int need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
            return length >= need;
        }

        /** A line as the user should see it: control characters escaped, cut at 200 characters. */
        static String quote(String line) {
            StringBuilder out = new StringBuilder("'");
            for (int i = 0; i < line.length() && out.length() < 200; i++) {
                char c = line.charAt(i);
                out.append(c < 0x20 || c == 0x7f ? String.format("\\x%02x", (int) c) : String.valueOf(c));
            }
            return out.append(line.length() > 199 ? "...'" : "'").toString();
        }
    }

    /** The resultCode and diagnosticMessage of an LDAP ExtendedResponse (BER, definite lengths). */
    private record LdapResult(int code, String message) {

        static LdapResult read(Exchange x) throws IOException {
            String awaited = "ExtendedResponse";
            if (x.readByte(awaited) != 0x30) {
                throw x.protocolError();
            }
            byte[] message = new byte[length(x, awaited)];
            for (int i = 0; i < message.length; i++) {
                message[i] = (byte) x.readByte(awaited);
            }
            ByteBuffer in = ByteBuffer.wrap(message);
            try {
                skip(in, 0x02); // messageID (0 for a notice of disconnection)
                if ((in.get() & 0xff) != 0x78) {
                    throw x.protocolError();
                }
                length(in);
                int code = integer(in, 0x0a);
                skip(in, 0x04); // matchedDN
                String diagnostic = new String(octets(in, 0x04), StandardCharsets.UTF_8);
                return new LdapResult(code, diagnostic);
            } catch (java.nio.BufferUnderflowException | IllegalArgumentException e) {
                throw x.protocolError();
            }
        }

        static String name(int code) {
            return switch (code) {
                case 1 -> "operationsError";
                case 2 -> "protocolError";
                case 7 -> "authMethodNotSupported";
                case 52 -> "unavailable";
                case 53 -> "unwillingToPerform";
                case 80 -> "other";
                default -> "see RFC 4511";
            };
        }

        private static int length(Exchange x, String awaited) throws IOException {
            int first = x.readByte(awaited);
            if (first < 0x80) {
                return first;
            }
            int octets = first & 0x7f;
            if (octets == 0 || octets > 2) {
                throw x.protocolError();
            }
            int length = 0;
            for (int i = 0; i < octets; i++) {
                length = length << 8 | x.readByte(awaited);
            }
            return length;
        }

        private static int length(ByteBuffer in) {
            int first = in.get() & 0xff;
            if (first < 0x80) {
                return first;
            }
            int octets = first & 0x7f;
            if (octets == 0 || octets > 2) {
                throw new IllegalArgumentException("BER length");
            }
            int length = 0;
            for (int i = 0; i < octets; i++) {
                length = length << 8 | in.get() & 0xff;
            }
            if (length > in.remaining()) {
                throw new IllegalArgumentException("BER length");
            }
            return length;
        }

        private static byte[] octets(ByteBuffer in, int tag) {
            if ((in.get() & 0xff) != tag) {
                throw new IllegalArgumentException("BER tag");
            }
            byte[] value = new byte[length(in)];
            in.get(value);
            return value;
        }

        private static void skip(ByteBuffer in, int tag) {
            octets(in, tag);
        }

        private static int integer(ByteBuffer in, int tag) {
            byte[] value = octets(in, tag);
            if (value.length == 0 || value.length > 4) {
                throw new IllegalArgumentException("BER integer");
            }
            int v = 0;
            for (byte b : value) {
                v = v << 8 | b & 0xff;
            }
            return v;
        }
    }
}
