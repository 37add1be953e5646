package dev.netknife.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.netknife.NkException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class DatagramSourceTest {

    private static String text(ByteBuffer b) {
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void linesWithoutTheirEndingsAndALastLineWithoutOne() throws IOException {
        DatagramSource lines = DatagramSource.lines(new ByteArrayInputStream("a\r\nbb\n\nccc".getBytes(StandardCharsets.UTF_8)), 10);
        assertEquals("a", text(lines.next()));
        assertEquals("bb", text(lines.next()));
        assertEquals("", text(lines.next()));
        assertEquals("ccc", text(lines.next()));
        assertNull(lines.next());
    }

    @Test
    void aLineLongerThanTheLimitIsAnErrorNotASplit() throws IOException {
        DatagramSource lines = DatagramSource.lines(new ByteArrayInputStream("12345\n123456\n".getBytes(StandardCharsets.UTF_8)), 5);
        assertEquals("12345", text(lines.next()));
        NkException e = assertThrows(NkException.class, lines::next);
        assertEquals(1, e.exitCode().code());
    }

    @Test
    void sendTextsInOrder() throws IOException {
        DatagramSource texts = DatagramSource.of(List.of("x".getBytes(StandardCharsets.UTF_8), "y".getBytes(StandardCharsets.UTF_8)));
        assertEquals("x", text(texts.next()));
        assertEquals("y", text(texts.next()));
        assertNull(texts.next());
    }
}
