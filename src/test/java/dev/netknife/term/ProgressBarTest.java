package dev.netknife.term;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressBarTest {

    @Test
    void countsWhatPassesAndEndsAtTheTotal() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        ProgressBar bar = new ProgressBar(new PrintStream(err, true, StandardCharsets.UTF_8), "file.bin", 2048);
        try (OutputStream out = bar.counting(sink)) {
            out.write(new byte[1024]);
            out.write(new byte[1024]);
        }
        bar.finish();
        assertEquals(2048, sink.size(), "bytes pass through unchanged");
        String text = err.toString(StandardCharsets.UTF_8);
        assertTrue(text.startsWith("\rfile.bin ["), text);
        assertTrue(text.contains("] 100% 2.0 KiB / 2.0 KiB  "), text);
        assertTrue(text.endsWith("\u001b[K" + System.lineSeparator()), text);
    }

    @Test
    void sanitizerDefusesEscapes() {
        assertEquals("a\\x1b]0;owned\\x07b", Sanitizer.clean("a\u001b]0;owned\u0007b"));
        assertEquals("x\\u{202e}y", Sanitizer.clean("x\u202ey"));
        assertEquals("plain text", Sanitizer.clean("plain text"));
    }
}
