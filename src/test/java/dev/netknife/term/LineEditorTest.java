package dev.netknife.term;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The chat client's line editor fed with what a terminal in non-canonical mode sends. */
class LineEditorTest {

    @Test
    void editsLinesAndIgnoresCursorKeys() throws IOException {
        byte[] typed = "ab\u007fc\u001b[Ddef\u0015xy\rcaf\u00e9\u007f\u007fe\n\u0004".getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream screen = new ByteArrayOutputStream();
        LineEditor editor = new LineEditor(new ByteArrayInputStream(typed), new PrintStream(screen, true, StandardCharsets.UTF_8), "> ");
        assertEquals("xy", editor.readLine(), "backspace, an arrow key, then Ctrl-U cleared 'acdef'");
        assertEquals("cae", editor.readLine(), "backspace removes a whole UTF-8 character");
        assertNull(editor.readLine(), "Ctrl-D on an empty line");
    }

    @Test
    void incomingLinesGoAboveWhatIsBeingTyped() throws Exception {
        ByteArrayOutputStream screen = new ByteArrayOutputStream();
        java.io.PipedOutputStream keys = new java.io.PipedOutputStream();
        LineEditor editor = new LineEditor(new java.io.PipedInputStream(keys), new PrintStream(screen, true, StandardCharsets.UTF_8), "> ");
        Thread typing = Thread.ofVirtual().start(() -> {
            try {
                editor.readLine();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        keys.write("hel".getBytes(StandardCharsets.US_ASCII));
        keys.flush();
        Thread.sleep(200);
        editor.printAbove("<bob> hi");
        keys.write('\n');
        keys.flush();
        typing.join(2000);
        String shown = screen.toString(StandardCharsets.UTF_8);
        assertTrue(shown.contains("\r\u001b[K<bob> hi\n> hel"), shown.replace("\u001b", "ESC"));
    }
}
