package dev.netknife.ws;

import dev.netknife.http.HttpInput;
import java.io.EOFException;
import java.io.IOException;

/**
 * Reads frame headers and payloads from a connection's buffered input, enforcing the per-frame
 * rules of RFC 6455 5.2-5.5: reserved bits clear (nk negotiates no extension), known opcodes,
 * control frames unfragmented and at most 125 bytes, 64-bit lengths with the top bit clear, and
 * masking the right way round (clients mask, servers do not).
 */
final class FrameReader {

    /** One frame's header; the payload follows on the wire. */
    record Header(boolean fin, int opcode, long length, boolean masked, int mask) {
    }

    private final HttpInput in;
    private final boolean fromClient;
    private final byte[] head = new byte[8];

    /** {@code fromClient}: this end is the server, so every frame must be masked. */
    FrameReader(HttpInput in, boolean fromClient) {
        this.in = in;
        this.fromClient = fromClient;
    }

    /** The next frame's header; null when the connection ended cleanly between frames. */
    Header next() throws IOException {
        int n = in.read(head, 0, 2);
        if (n < 0) {
            return null;
        }
        if (n < 2) {
            readFully(head, n, 2 - n);
        }
        int b0 = head[0] & 0xff;
        int b1 = head[1] & 0xff;
        boolean fin = (b0 & 0x80) != 0;
        int opcode = b0 & 0x0f;
        if ((b0 & 0x70) != 0) {
            throw new WsProtocolException(CloseCodes.PROTOCOL_ERROR, "reserved bits set in a frame (no extension was agreed)");
        }
        if (!Opcodes.isKnown(opcode)) {
            throw new WsProtocolException(CloseCodes.PROTOCOL_ERROR, "unknown opcode 0x" + Integer.toHexString(opcode));
        }
        boolean masked = (b1 & 0x80) != 0;
        if (masked != fromClient) {
            throw new WsProtocolException(CloseCodes.PROTOCOL_ERROR, fromClient
                    ? "unmasked frame from the client (RFC 6455 5.1)" : "masked frame from the server (RFC 6455 5.1)");
        }
        long length = b1 & 0x7f;
        if (length == 126) {
            readFully(head, 0, 2);
            length = (head[0] & 0xff) << 8 | (head[1] & 0xff);
        } else if (length == 127) {
            readFully(head, 0, 8);
            length = 0;
            for (int i = 0; i < 8; i++) {
                length = length << 8 | (head[i] & 0xff);
            }
            if (length < 0) {
                throw new WsProtocolException(CloseCodes.PROTOCOL_ERROR, "frame length with the most significant bit set");
            }
        }
        if (Opcodes.isControl(opcode)) {
            if (!fin) {
                throw new WsProtocolException(CloseCodes.PROTOCOL_ERROR, "fragmented control frame");
            }
            if (length > 125) {
                throw new WsProtocolException(CloseCodes.PROTOCOL_ERROR, "control frame of " + length + " bytes (at most 125)");
            }
        }
        int mask = 0;
        if (masked) {
            readFully(head, 0, 4);
            mask = (head[0] & 0xff) << 24 | (head[1] & 0xff) << 16 | (head[2] & 0xff) << 8 | (head[3] & 0xff);
        }
        return new Header(fin, opcode, length, masked, mask);
    }

    /** Reads {@code len} payload bytes of {@code frame} into {@code into}, unmasked; {@code position} counts the frame's bytes read before. */
    void payload(Header frame, byte[] into, int off, int len, long position) throws IOException {
        readFully(into, off, len);
        if (frame.masked()) {
            Masking.apply(into, off, len, frame.mask(), position);
        }
    }

    private void readFully(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            int n = in.read(b, off, len);
            if (n < 0) {
                throw new EOFException("the connection closed in the middle of a frame");
            }
            off += n;
            len -= n;
        }
    }
}
