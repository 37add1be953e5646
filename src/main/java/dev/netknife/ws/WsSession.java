package dev.netknife.ws;

import dev.netknife.http.HttpInput;
import dev.netknife.term.Sanitizer;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * One WebSocket connection after the opening handshake: whole messages in and out. Receiving
 * answers pings, reassembles fragments, enforces {@code maxMessage} before allocating, checks that
 * text is UTF-8, and runs the closing handshake. A protocol violation by the peer is answered with
 * the matching close frame (1002, 1007, 1009) and thrown as {@link WsProtocolException}.
 *
 * <p>One thread receives; any thread may send (sends are serialized).
 */
public final class WsSession {
    private static final int KEEP_BUFFER = 64 * 1024;

    /** {@code maxFrame} 0 = send each message as one frame. */
    public record Options(long maxMessage, int maxFrame) {
        public static final long DEFAULT_MAX_MESSAGE = 16L << 20;
    }

    /**
     * The close frame the peer sent: its code (1005 when it had none, 1006 when there was no close frame) and reason, as sent;
     * {@link #toString()}, for messages, escapes the reason's control characters (it is remote text).
     */
    public record Close(int code, String reason) {
        public boolean normal() {
            return code == CloseCodes.NORMAL || code == CloseCodes.GOING_AWAY || code == CloseCodes.NO_STATUS;
        }

        @Override
        public String toString() {
            return CloseCodes.describe(code) + (reason == null || reason.isEmpty() ? "" : " (" + Sanitizer.clean(reason) + ")");
        }
    }

    private final HttpInput in;
    private final FrameReader reader;
    private final FrameWriter writer;
    private final Options options;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private final byte[] control = new byte[125];
    /** Received messages are read into this array, reused while it fits: a message is valid until the next receive. */
    private byte[] buffer = new byte[0];
    private final Object sendLock = new Object();
    private boolean closeSent;
    private volatile boolean closedFirst;
    private volatile Close peerClose;
    private volatile Consumer<byte[]> pongListener;

    /** {@code client}: this end masks what it sends and expects unmasked frames. */
    public WsSession(HttpInput in, OutputStream out, boolean client, Options options) {
        this.in = in;
        this.reader = new FrameReader(in, !client);
        this.writer = new FrameWriter(out, client);
        this.options = options;
    }

    /**
     * The next data message, valid until the next call (its array is reused); null once the peer closed (its close frame was answered; see
     * {@link #peerClose()}) or the connection ended without one (code 1006).
     */
    public Message receive() throws IOException {
        try {
            return next();
        } catch (WsProtocolException e) {
            closeQuietly(e.closeCode(), e.getMessage());
            throw e;
        } catch (EOFException e) {
            peerClose = new Close(CloseCodes.ABNORMAL, "");
            throw e;
        }
    }

    private Message next() throws IOException {
        byte[] message = null;
        int length = 0;
        boolean text = false;
        while (true) {
            FrameReader.Header frame = reader.next();
            if (frame == null) {
                if (message != null) {
                    throw new EOFException("the connection closed in the middle of a fragmented message");
                }
                peerClose = new Close(CloseCodes.ABNORMAL, "");
                return null;
            }
            int opcode = frame.opcode();
            if (Opcodes.isControl(opcode)) {
                int n = (int) frame.length();
                reader.payload(frame, control, 0, n, 0);
                if (opcode == Opcodes.PING) {
                    synchronized (sendLock) {
                        if (!closeSent) {
                            writer.frame(true, Opcodes.PONG, control, 0, n);
                            writer.flush();
                        }
                    }
                } else if (opcode == Opcodes.CLOSE) {
                    synchronized (sendLock) {
                        closedFirst = closeSent;
                    }
                    peerClose = parseClose(n);
                    int answer = peerClose.code() == CloseCodes.NO_STATUS ? CloseCodes.NORMAL : peerClose.code();
                    closeQuietly(answer, "");
                    return null;
                }
                if (opcode == Opcodes.PONG && pongListener != null) {
                    pongListener.accept(Arrays.copyOf(control, n));
                }
                continue;
            }
            if (opcode == Opcodes.CONTINUATION) {
                if (message == null) {
                    throw new WsProtocolException(CloseCodes.PROTOCOL_ERROR, "continuation frame with no message to continue");
                }
            } else {
                if (message != null) {
                    throw new WsProtocolException(CloseCodes.PROTOCOL_ERROR, "a new message began before the fragmented one ended");
                }
                text = opcode == Opcodes.TEXT;
                if (buffer.length > KEEP_BUFFER && frame.fin() && frame.length() <= KEEP_BUFFER) {
                    buffer = new byte[0]; // after a big message, do not hold its array for small ones
                }
                message = buffer;
            }
            // compared as a difference: length + a claimed 2^63-1 would overflow and pass the check
            if (frame.length() > options.maxMessage() - length) {
                throw new WsProtocolException(CloseCodes.MESSAGE_TOO_BIG, "message larger than --max-message " + options.maxMessage() + " bytes");
            }
            long total = length + frame.length();
            if (total > message.length) {
                // a single-frame message gets its exact size; fragments grow the array geometrically
                long size = frame.fin() && length == 0 ? total : Math.min(options.maxMessage(), Math.max(total, message.length * 2L));
                message = length == 0 ? new byte[(int) size] : Arrays.copyOf(message, (int) size);
                buffer = message;
            }
            reader.payload(frame, message, length, (int) frame.length(), 0);
            length = (int) total;
            if (frame.fin()) {
                if (text && !Utf8.valid(message, 0, length)) {
                    throw new WsProtocolException(CloseCodes.INVALID_PAYLOAD, "text message is not valid UTF-8");
                }
                return new Message(text, message, length);
            }
        }
    }

    private Close parseClose(int n) throws WsProtocolException {
        if (n == 0) {
            return new Close(CloseCodes.NO_STATUS, "");
        }
        if (n == 1) {
            throw new WsProtocolException(CloseCodes.PROTOCOL_ERROR, "close frame with a 1-byte payload");
        }
        int code = (control[0] & 0xff) << 8 | (control[1] & 0xff);
        if (!CloseCodes.validOnTheWire(code)) {
            throw new WsProtocolException(CloseCodes.PROTOCOL_ERROR, "close frame with the invalid code " + code);
        }
        String reason = checkUtf8(Arrays.copyOfRange(control, 2, n), n - 2, "close reason");
        return new Close(code, reason);
    }

    private String checkUtf8(byte[] bytes, int length, String what) throws WsProtocolException {
        try {
            return utf8.reset().decode(ByteBuffer.wrap(bytes, 0, length)).toString();
        } catch (CharacterCodingException e) {
            throw new WsProtocolException(CloseCodes.INVALID_PAYLOAD, what + " is not valid UTF-8");
        }
    }

    /** True when received bytes are waiting (so another message may follow at once). */
    public boolean hasBuffered() {
        return in.hasBuffered();
    }

    /** Sends one message, in frames of at most {@code maxFrame} bytes when that is set. */
    public void send(boolean text, byte[] data, int off, int len) throws IOException {
        int frameSize = options.maxFrame() > 0 ? options.maxFrame() : Math.max(len, 1);
        synchronized (sendLock) {
            if (closeSent) {
                throw new IOException("the WebSocket is closing");
            }
            int opcode = text ? Opcodes.TEXT : Opcodes.BINARY;
            int done = 0;
            do {
                int n = Math.min(frameSize, len - done);
                writer.frame(done + n == len, done == 0 ? opcode : Opcodes.CONTINUATION, data, off + done, n);
                done += n;
            } while (done < len);
        }
    }

    /** Sends a ping; false when this end is closing (no ping may follow a close frame). */
    public boolean ping(byte[] payload) throws IOException {
        synchronized (sendLock) {
            if (closeSent) {
                return false;
            }
            writer.frame(true, Opcodes.PING, payload, 0, Math.min(payload.length, 125));
            writer.flush();
            return true;
        }
    }

    /** {@code listener} gets each pong's payload, on the receiving thread. */
    public void onPong(Consumer<byte[]> listener) {
        this.pongListener = listener;
    }

    public void flush() throws IOException {
        synchronized (sendLock) {
            writer.flush();
        }
    }

    /** Sends the close frame (once); the peer's answer then arrives through {@link #receive()}. */
    public void close(int code, String reason) throws IOException {
        synchronized (sendLock) {
            if (closeSent) {
                return;
            }
            closeSent = true;
            byte[] text = reason.getBytes(StandardCharsets.UTF_8);
            int n = Math.min(text.length, 123);
            byte[] payload = new byte[2 + n];
            payload[0] = (byte) (code >>> 8);
            payload[1] = (byte) code;
            System.arraycopy(text, 0, payload, 2, n);
            writer.frame(true, Opcodes.CLOSE, payload, 0, payload.length);
            writer.flush();
        }
    }

    private void closeQuietly(int code, String reason) {
        try {
            close(code, reason);
        } catch (IOException ignored) {
            // the connection is gone; nothing more to say
        }
    }

    public boolean closeSent() {
        synchronized (sendLock) {
            return closeSent;
        }
    }

    /** True when this end sent its close frame before the peer's arrived (the peer's is then an answer). */
    public boolean closedFirst() {
        return closedFirst;
    }

    /** The peer's close, once it came (or the connection ended); null before. */
    public Close peerClose() {
        return peerClose;
    }
}
