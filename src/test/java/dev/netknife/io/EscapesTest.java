package dev.netknife.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netknife.NkException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EscapesTest {

    @Test
    void decodesEscapes() {
        assertArrayEquals("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII), Escapes.decode("GET / HTTP/1.0\\r\\n\\r\\n"));
        assertArrayEquals(new byte[] {0, (byte) 0xff, '\t', '\\'}, Escapes.decode("\\0\\xff\\t\\\\"));
        assertArrayEquals("héllo".getBytes(StandardCharsets.UTF_8), Escapes.decode("héllo"));
    }

    @Test
    void rejectsBadEscapes() {
        assertEquals("unknown escape '\\q' in 'a\\q' (use \\\\ for a backslash)",
                assertThrows(NkException.class, () -> Escapes.decode("a\\q")).getMessage());
        assertEquals("bad escape '\\x' in '\\x4': expected two hex digits",
                assertThrows(NkException.class, () -> Escapes.decode("\\x4")).getMessage());
        assertEquals("bad escape at the end of 'a\\'", assertThrows(NkException.class, () -> Escapes.decode("a\\")).getMessage());
    }

    @Test
    void expectMatchesAcrossChunks() {
        ExpectMatcher m = new ExpectMatcher("PO+NG");
        m.bytes(ByteBuffer.wrap("+PO".getBytes(StandardCharsets.US_ASCII)));
        assertFalse(m.matched());
        m.bytes(ByteBuffer.wrap("OONG\r\n".getBytes(StandardCharsets.US_ASCII)));
        assertTrue(m.matched());
    }

    @Test
    void expectMatchesUtf8TextAndSurvivesBinary() {
        ExpectMatcher m = new ExpectMatcher("grüße");
        m.bytes(ByteBuffer.wrap(new byte[] {(byte) 0xff, (byte) 0xfe, 0}));
        m.bytes(ByteBuffer.wrap("viele grüße".getBytes(StandardCharsets.UTF_8)));
        assertTrue(m.matched());
        assertEquals("grüße", m.pattern());
    }

    @Test
    void expectKeepsOnlyAWindow() {
        ExpectMatcher m = new ExpectMatcher("^A.*B$", 8);
        m.bytes(ByteBuffer.wrap("A".getBytes(StandardCharsets.US_ASCII)));
        m.bytes(ByteBuffer.wrap("xxxxxxxxxxxx".getBytes(StandardCharsets.US_ASCII)));
        m.bytes(ByteBuffer.wrap("B".getBytes(StandardCharsets.US_ASCII)));
        assertFalse(m.matched(), "the A fell out of the 8-byte window");
    }

    @Test
    void badRegexIsAUsageError() {
        assertTrue(assertThrows(NkException.class, () -> new ExpectMatcher("(")).getMessage().startsWith("bad regular expression '('"));
    }
}
