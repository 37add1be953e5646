package dev.netknife.ws;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netknife.http.HttpInput;
import dev.netknife.io.StreamConn;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The frame codec on its own: masking in pieces, every length encoding, and the limits checked before allocating. */
class FrameCodecTest {

    private static HttpInput input(byte[] wire) {
        return new HttpInput(new StreamConn(new ByteArrayInputStream(wire), new ByteArrayOutputStream()));
    }

    @Test
    void maskingInPiecesEqualsMaskingAtOnce() {
        byte[] data = new byte[1000];
        new Random(2).nextBytes(data);
        int mask = 0x12345678;
        byte[] whole = data.clone();
        Masking.apply(whole, 0, whole.length, mask, 0);
        byte[] pieces = data.clone();
        for (int off = 0, step = 1; off < pieces.length; off += step, step = step % 13 + 1) {
            int n = Math.min(step, pieces.length - off);
            Masking.apply(pieces, off, n, mask, off);
        }
        assertArrayEquals(whole, pieces);
        for (int i = 0; i < data.length; i++) {
            assertEquals((byte) (data[i] ^ (mask >>> (24 - 8 * (i & 3)))), whole[i], "byte " + i);
        }
    }

    @Test
    void clientFramesOfEveryLengthEncodingReadBackOnTheServerSide() throws IOException {
        for (int size : new int[] {0, 1, 125, 126, 65_535, 65_536, 200_000}) {
            byte[] payload = new byte[size];
            new Random(size).nextBytes(payload);
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            FrameWriter writer = new FrameWriter(wire, true);
            writer.frame(true, Opcodes.BINARY, payload, 0, size);
            writer.flush();
            FrameReader reader = new FrameReader(input(wire.toByteArray()), true);
            FrameReader.Header h = reader.next();
            assertEquals(size, h.length());
            assertTrue(h.masked() && h.fin());
            byte[] back = new byte[size];
            reader.payload(h, back, 0, size, 0);
            assertArrayEquals(payload, back, "size " + size);
        }
    }

    @Test
    void aHugeLengthIsRefusedBeforeAnyAllocation() {
        byte[] wire = {(byte) 0x82, 127, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff};
        WsSession session = new WsSession(input(wire), new ByteArrayOutputStream(), true, new WsSession.Options(1 << 20, 0));
        WsProtocolException e = assertThrows(WsProtocolException.class, session::receive);
        assertEquals(CloseCodes.MESSAGE_TOO_BIG, e.closeCode());
    }

    @Test
    void textSplitInTheMiddleOfACharacterAcrossFragmentsIsValid() throws IOException {
        byte[] euro = "\u20ac".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        FrameWriter writer = new FrameWriter(wire, false);
        writer.frame(false, Opcodes.TEXT, euro, 0, 1);
        writer.frame(false, Opcodes.CONTINUATION, euro, 1, 1);
        writer.frame(true, Opcodes.CONTINUATION, euro, 2, 1);
        WsSession session = new WsSession(input(wire.toByteArray()), new ByteArrayOutputStream(), true, new WsSession.Options(100, 0));
        Message m = session.receive();
        assertEquals("\u20ac", m.asText());
    }

    @Test
    void fragmentsBeyondTheMessageLimitCloseWith1009() throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        FrameWriter writer = new FrameWriter(wire, false);
        byte[] chunk = new byte[60];
        writer.frame(false, Opcodes.BINARY, chunk, 0, 60);
        writer.frame(true, Opcodes.CONTINUATION, chunk, 0, 60);
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        WsSession session = new WsSession(input(wire.toByteArray()), answer, true, new WsSession.Options(100, 0));
        WsProtocolException e = assertThrows(WsProtocolException.class, session::receive);
        assertEquals(1009, e.closeCode());
        byte[] close = answer.toByteArray();
        assertEquals((byte) 0x88, close[0], "a close frame went back");
    }
}
