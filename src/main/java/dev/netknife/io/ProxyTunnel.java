package dev.netknife.io;

import dev.netknife.ExitCode;
import dev.netknife.NkException;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

/**
 * Asks a proxy, over a connection to it, for a tunnel to the target: SOCKS4 and 4a, SOCKS5 (RFC 1928,
 * with RFC 1929 user/password) and HTTP CONNECT (RFC 9110 9.3.6, Basic credentials). The proxy's
 * answer is read a byte at a time so that nothing past it is taken from the tunnel; HTTP lines are
 * bounded to 8 KiB and the answer to 64 KiB. A refusal names the proxy's own reason: exit 4 when the
 * proxy could not reach the target, 6 for every other refusal or a broken answer (phase "proxy").
 */
final class ProxyTunnel {
    private static final int MAX_LINE = 8 * 1024;
    private static final int MAX_HEADER = 64 * 1024;

    private final Conn conn;
    private final Proxy proxy;
    private final Endpoint target;

    ProxyTunnel(Conn conn, Proxy proxy, Endpoint target) {
        this.conn = conn;
        this.proxy = proxy;
        this.target = target;
    }

    /** Opens the tunnel; {@code address} is the target's address when nk resolved it (socks4, socks5), else null. */
    void open(InetAddress address) throws IOException {
        switch (proxy.kind()) {
            case SOCKS4, SOCKS4A -> socks4(address);
            case SOCKS5, SOCKS5H -> socks5(address);
            case HTTP, HTTPS -> connect();
        }
    }

    private void socks4(InetAddress address) throws IOException {
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.write(4);
        request.write(1); // CONNECT
        request.write(target.port() >> 8);
        request.write(target.port());
        if (address != null) {
            if (!(address instanceof Inet4Address)) {
                throw refused(ExitCode.PROTOCOL, "SOCKS4 carries IPv4 addresses only, and " + target.host() + " is " + Endpoint.text(address)
                        + ": use socks4a:// or socks5://");
            }
            request.writeBytes(address.getAddress());
        } else {
            request.writeBytes(new byte[] {0, 0, 0, 1}); // SOCKS4a: "resolve the name that follows"
        }
        request.writeBytes(ascii(proxy.user() == null ? "" : proxy.user()));
        request.write(0);
        if (address == null) {
            request.writeBytes(ascii(target.host()));
            request.write(0);
        }
        send(request.toByteArray());
        byte[] reply = read(8, "SOCKS4");
        if (reply[0] != 0) {
            throw broken("its answer is not SOCKS4 (first byte " + describe(reply[0] & 0xff) + ")");
        }
        int status = reply[1] & 0xff;
        switch (status) {
            case 90 -> { }
            case 91 -> throw refused(ExitCode.REFUSED, "request rejected or failed (SOCKS4 reply 91)");
            case 92 -> throw refused(ExitCode.PROTOCOL, "it cannot reach nk's identd (SOCKS4 reply 92)");
            case 93 -> throw refused(ExitCode.PROTOCOL, "the user id does not match identd's (SOCKS4 reply 93)");
            default -> throw broken("unknown SOCKS4 reply " + status);
        }
    }

    private void socks5(InetAddress address) throws IOException {
        socks5(1, address, "CONNECT");
    }

    /**
     * SOCKS5 UDP ASSOCIATE (RFC 1928 7): over this TCP connection, which must stay open while the
     * association lasts; returns where to send the datagrams (the proxy's relay).
     */
    InetSocketAddress associateUdp() throws IOException {
        return socks5(3, InetAddress.ofLiteral("0.0.0.0"), "UDP ASSOCIATE");
    }

    /** Greets, authenticates, sends {@code command} for the target (by {@code address}, or by name when null); the bound address. */
    private InetSocketAddress socks5(int command, InetAddress address, String name) throws IOException {
        greet5();
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.writeBytes(new byte[] {5, (byte) command, 0});
        int port = command == 3 ? 0 : target.port();
        if (address == null) {
            byte[] host = ascii(target.host());
            if (host.length > 255) {
                throw refused(ExitCode.USAGE, "a SOCKS5 host name is at most 255 bytes");
            }
            request.write(3);
            request.write(host.length);
            request.writeBytes(host);
        } else {
            request.write(address instanceof Inet6Address ? 4 : 1);
            request.writeBytes(address.getAddress());
        }
        request.write(port >> 8);
        request.write(port);
        send(request.toByteArray());
        byte[] head = read(4, "SOCKS5"); // version, reply, reserved, address type; then the bound address and port
        if (head[0] != 5) {
            throw broken("its answer to " + name + " is not SOCKS5 (first byte " + describe(head[0] & 0xff) + ")");
        }
        int reply = head[1] & 0xff;
        int type = head[3] & 0xff;
        byte[] bound = switch (type) {
            case 1 -> read(4 + 2, "SOCKS5");
            case 4 -> read(16 + 2, "SOCKS5");
            case 3 -> read((read(1, "SOCKS5")[0] & 0xff) + 2, "SOCKS5");
            default -> throw broken("unknown address type " + type + " in its SOCKS5 reply");
        };
        if (reply != 0) {
            if (command == 3 && reply == 7) {
                throw refused(ExitCode.PROTOCOL, "it does not relay UDP (SOCKS5 reply 7: command not supported)");
            }
            throw socks5Refusal(reply);
        }
        int boundPort = ((bound[bound.length - 2] & 0xff) << 8) | (bound[bound.length - 1] & 0xff);
        if (type == 3) {
            return InetSocketAddress.createUnresolved(new String(bound, 0, bound.length - 2, StandardCharsets.US_ASCII), boundPort);
        }
        return new InetSocketAddress(InetAddress.getByAddress(java.util.Arrays.copyOf(bound, bound.length - 2)), boundPort);
    }

    private void greet5() throws IOException {
        boolean credentials = proxy.user() != null;
        send(credentials ? new byte[] {5, 2, 0, 2} : new byte[] {5, 1, 0});
        byte[] choice = read(2, "SOCKS5");
        if (choice[0] != 5) {
            throw broken("its answer is not SOCKS5 (first byte " + describe(choice[0] & 0xff) + ")");
        }
        int method = choice[1] & 0xff;
        if (method == 2 && credentials) {
            authenticate();
        } else if (method == 0xff) {
            throw refused(ExitCode.PROTOCOL, credentials ? "it accepts neither no authentication nor a user name and password"
                    : "it wants authentication: give user:password@ in the proxy URL");
        } else if (method != 0) {
            throw broken("it chose authentication method " + method + ", which nk did not offer");
        }
    }

    private void authenticate() throws IOException {
        byte[] user = proxy.user().getBytes(StandardCharsets.UTF_8);
        byte[] password = proxy.password().getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.write(1);
        request.write(user.length);
        request.writeBytes(user);
        request.write(password.length);
        request.writeBytes(password);
        send(request.toByteArray());
        int status = read(2, "SOCKS5 authentication")[1] & 0xff; // after the sub-negotiation's version: 1, though some proxies send 5
        if (status != 0) {
            throw refused(ExitCode.PROTOCOL, "it refused the user name and password (RFC 1929 status " + status + ")");
        }
    }

    private NkException socks5Refusal(int reply) {
        String reason = switch (reply) {
            case 1 -> "general SOCKS server failure";
            case 2 -> "connection not allowed by its rules";
            case 3 -> "network unreachable";
            case 4 -> "host unreachable";
            case 5 -> "connection refused by the target";
            case 6 -> "TTL expired";
            case 7 -> "command not supported";
            case 8 -> "address type not supported";
            default -> "unknown failure";
        };
        ExitCode code = reply >= 3 && reply <= 6 ? ExitCode.REFUSED : ExitCode.PROTOCOL;
        return refused(code, reason + " (SOCKS5 reply " + reply + ")");
    }

    private void connect() throws IOException {
        String authority = Endpoint.format(target.host(), target.port());
        StringBuilder request = new StringBuilder()
                .append("CONNECT ").append(authority).append(" HTTP/1.1\r\n")
                .append("Host: ").append(authority).append("\r\n");
        if (proxy.user() != null) {
            String token = Base64.getEncoder().encodeToString((proxy.user() + ":" + proxy.password()).getBytes(StandardCharsets.UTF_8));
            request.append("Proxy-Authorization: Basic ").append(token).append("\r\n");
        }
        request.append("\r\n");
        send(request.toString().getBytes(StandardCharsets.UTF_8));
        int total = 0;
        String status;
        do {
            status = line(total);
            total += status.length() + 2;
            if (!status.startsWith("HTTP/1.") || status.length() < 12 || status.charAt(8) != ' ' || !Character.isDigit(status.charAt(9))) {
                throw broken("its answer to CONNECT is not HTTP: " + printable(status));
            }
            String header;
            do { // the headers: a 2xx answer's Content-Length and Transfer-Encoding mean nothing (RFC 9110 9.3.6)
                header = line(total);
                total += header.length() + 2;
            } while (!header.isEmpty());
        } while (status.charAt(9) == '1');
        int code = Integer.parseInt(status.substring(9, 12));
        if (code / 100 == 2) {
            return;
        }
        String said = printable(status.substring(9));
        if (code == 407) {
            throw refused(ExitCode.PROTOCOL, proxy.user() == null ? "it wants authentication (" + said + "): give user:password@ in the proxy URL"
                    : "it refused the user name and password (" + said + ")");
        }
        throw refused(code == 502 || code == 503 || code == 504 ? ExitCode.REFUSED : ExitCode.PROTOCOL, said);
    }

    /** One CRLF- (or LF-) terminated line, without it. */
    private String line(int sofar) throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            int b = readByte("HTTP CONNECT");
            if (b == '\n') {
                int end = line.length();
                return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
            }
            line.append((char) b);
            if (line.length() > MAX_LINE || sofar + line.length() > MAX_HEADER) {
                throw broken("its answer to CONNECT has a line over " + MAX_LINE / 1024 + " KiB or is over " + MAX_HEADER / 1024 + " KiB");
            }
        }
    }

    private void send(byte[] bytes) throws IOException {
        conn.write(ByteBuffer.wrap(bytes));
    }

    private final ByteBuffer one = ByteBuffer.allocate(1);

    private int readByte(String during) throws IOException {
        one.clear();
        int n = conn.read(one);
        if (n < 0) {
            throw new EOFException("the proxy closed the connection during the " + during + " handshake");
        }
        return one.get(0) & 0xff;
    }

    /** Exactly {@code count} bytes: SOCKS answers have known lengths, so nothing past them is read. */
    private byte[] read(int count, String during) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(count);
        while (buffer.hasRemaining()) {
            if (conn.read(buffer) < 0) {
                throw new EOFException("the proxy closed the connection during the " + during + " handshake");
            }
        }
        return buffer.array();
    }

    private NkException refused(ExitCode code, String reason) {
        return new NkException(code, "proxy", "the proxy " + proxy + " refused: " + reason + " (" + target + ")", null);
    }

    private NkException broken(String reason) {
        return new NkException(ExitCode.PROTOCOL, "proxy", "the proxy " + proxy + " broke the protocol: " + reason + " (" + target + ")", null);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static String describe(int b) {
        return String.format(Locale.ROOT, "0x%02x", b) + (b >= 0x20 && b < 0x7f ? " '" + (char) b + "'" + (b == 'H' ? ", an HTTP answer" : "") : "");
    }

    private static String printable(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length() && out.length() < 200; i++) {
            char c = s.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return out.toString();
    }
}
