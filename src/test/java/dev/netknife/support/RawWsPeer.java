package dev.netknife.support;

import dev.netknife.ws.Handshake;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One end of a WebSocket spoken by hand, for tests that must put on the wire what no correct
 * peer would: either side of the opening handshake, crafted frames out (any first byte, any
 * length form, a length never followed by its payload), and frames in with every header detail,
 * so a test can check how nk framed what it sent. Reads time out after 5 s.
 */
public final class RawWsPeer implements AutoCloseable {
    /** The masking key from RFC 6455 5.7; a test has no use for a random one. */
    private static final byte[] MASK = {0x37, (byte) 0xfa, 0x21, 0x3d};
    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";

    public final DataInputStream in;
    public final OutputStream out;
    private final Socket socket;

    /** A frame as it came: {@code lengthBytes} is 0, 2 or 8 (the 7-, 16- or 64-bit length form); the payload is unmasked. */
    public record Frame(boolean fin, int rsv, int opcode, boolean masked, int lengthBytes, byte[] payload) {
        /** The close code (1005 when the close frame had none). */
        public int closeCode() {
            return payload.length < 2 ? 1005 : (payload[0] & 0xff) << 8 | (payload[1] & 0xff);
        }

        /** True when the length took the fewest bytes RFC 6455 5.2 allows. */
        public boolean minimalLength() {
            int n = payload.length;
            return lengthBytes == (n <= 125 ? 0 : n <= 0xffff ? 2 : 8);
        }
    }

    private RawWsPeer(Socket s) throws IOException {
        s.setSoTimeout(5000);
        s.setTcpNoDelay(true); // so a test's chopped writes reach the peer as separate segments
        this.socket = s;
        this.in = new DataInputStream(s.getInputStream());
        this.out = s.getOutputStream();
    }

    public static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed during the head");
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /** The Sec-WebSocket-Key of an upgrade request's head. */
    public static String keyOf(String head) throws IOException {
        return head.lines().filter(l -> l.toLowerCase().startsWith("sec-websocket-key:")).findFirst()
                .orElseThrow(() -> new IOException("no Sec-WebSocket-Key in " + head)).substring(18).strip();
    }

    /** Be the server: read a client's upgrade request and accept it. */
    public static RawWsPeer serverHandshake(Socket s) throws IOException {
        RawWsPeer peer = new RawWsPeer(s);
        String key = keyOf(readHead(s.getInputStream()));
        peer.send(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: "
                + Handshake.accept(key) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        return peer;
    }

    /** Be the client on a connected socket: upgrade, and fail unless the answer is a correct 101. */
    public static RawWsPeer clientHandshake(Socket s) throws IOException {
        RawWsPeer peer = new RawWsPeer(s);
        peer.send(("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + KEY + "\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        String head = readHead(s.getInputStream());
        if (!head.startsWith("HTTP/1.1 101") || !head.contains(Handshake.accept(KEY))) {
            throw new AssertionError("not a WebSocket upgrade: " + head);
        }
        return peer;
    }

    /** Connects to a WebSocket server on 127.0.0.1 and upgrades. */
    public static RawWsPeer connect(int port) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        try {
            return clientHandshake(s);
        } catch (IOException | RuntimeException | Error e) {
            s.close();
            throw e;
        }
    }

    public void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Sends {@code bytes} in writes of at most {@code chop} bytes each (as Autobahn's "chopped" cases do). */
    public void send(byte[] bytes, int chop) throws IOException {
        for (int off = 0; off < bytes.length; off += chop) {
            out.write(bytes, off, Math.min(chop, bytes.length - off));
            out.flush();
        }
    }

    public Frame readFrame() throws IOException {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        long len = b1 & 0x7f;
        int lengthBytes = 0;
        if (len == 126) {
            len = in.readUnsignedShort();
            lengthBytes = 2;
        } else if (len == 127) {
            len = in.readLong();
            lengthBytes = 8;
        }
        if (len < 0 || len > 64 << 20) {
            throw new IOException("a frame of " + len + " bytes: more than a test peer takes");
        }
        byte[] mask = new byte[4];
        boolean masked = (b1 & 0x80) != 0;
        if (masked) {
            in.readFully(mask);
        }
        byte[] payload = new byte[(int) len];
        in.readFully(payload);
        for (int i = 0; i < payload.length; i++) {
            payload[i] ^= mask[i & 3];
        }
        return new Frame((b0 & 0x80) != 0, (b0 >> 4) & 7, b0 & 0x0f, masked, lengthBytes, payload);
    }

    /** Frames up to and including the first close frame (at most {@code max} frames). */
    public List<Frame> readUntilClose(int max) throws IOException {
        List<Frame> frames = new ArrayList<>();
        while (frames.size() < max) {
            Frame f = readFrame();
            frames.add(f);
            if (f.opcode() == 8) {
                return frames;
            }
        }
        throw new AssertionError("no close frame within " + max + " frames");
    }

    public int readCloseCode() throws IOException {
        return readUntilClose(10).getLast().closeCode();
    }

    /** True when the peer closed the connection (end of stream or reset) before sending another byte. */
    public boolean closedByPeer() throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true; // reset: the peer closed with our unread bytes in its buffer
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** A frame with the shortest length form; {@code b0} is FIN, RSV and opcode as they go on the wire. */
    public static byte[] frame(int b0, byte[] payload, boolean mask) {
        int n = payload.length;
        return frame(b0, payload, mask, n <= 125 ? 0 : n <= 0xffff ? 2 : 8);
    }

    /** A frame whose length takes {@code lengthBytes} (0, 2 or 8) extra bytes, minimal or not. */
    public static byte[] frame(int b0, byte[] payload, boolean mask, int lengthBytes) {
        ByteArrayOutputStream f = new ByteArrayOutputStream(payload.length + 14);
        f.writeBytes(header(b0, payload.length, mask, lengthBytes));
        for (int i = 0; i < payload.length; i++) {
            f.write(mask ? payload[i] ^ MASK[i & 3] : payload[i]);
        }
        return f.toByteArray();
    }

    /** Only a header (with its masking key), claiming {@code length} payload bytes in the 64-bit form: for lengths never sent. */
    public static byte[] header(int b0, long length, boolean mask) {
        return header(b0, length, mask, 8);
    }

    private static byte[] header(int b0, long length, boolean mask, int lengthBytes) {
        ByteArrayOutputStream h = new ByteArrayOutputStream(14);
        h.write(b0);
        int maskBit = mask ? 0x80 : 0;
        switch (lengthBytes) {
            case 0 -> h.write(maskBit | (int) length);
            case 2 -> {
                h.write(maskBit | 126);
                h.write((int) (length >>> 8));
                h.write((int) length);
            }
            case 8 -> {
                h.write(maskBit | 127);
                for (int shift = 56; shift >= 0; shift -= 8) {
                    h.write((int) (length >>> shift));
                }
            }
            default -> throw new IllegalArgumentException("length bytes: 0, 2 or 8");
        }
        if (mask) {
            h.writeBytes(MASK);
        }
        return h.toByteArray();
    }
}
