package dev.netknife.term;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * A one-line editor for a terminal in non-canonical mode (the caller sets it up with stty): it
 * echoes what is typed after a prompt, handles backspace, Ctrl-U and Ctrl-D, ignores cursor keys,
 * and lets other threads print whole lines above the line being typed without garbling it.
 */
public final class LineEditor {
    private final InputStream in;
    private final PrintStream out;
    private final String prompt;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    public LineEditor(InputStream in, PrintStream out, String prompt) {
        this.in = in;
        this.out = out;
        this.prompt = prompt;
    }

    /** Prints {@code text} (one or more lines) above the prompt, then redraws the prompt and what was typed so far. */
    public synchronized void printAbove(String text) {
        out.print("\r\u001b[K" + text + "\n" + prompt + current());
        out.flush();
    }

    /** The next line typed (without its ending); null on Ctrl-D at an empty line or at the end of input. */
    public String readLine() throws IOException {
        synchronized (this) {
            out.print(prompt);
            out.flush();
        }
        while (true) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            synchronized (this) {
                switch (b) {
                    case '\r', '\n' -> {
                        String typed = current();
                        line.reset();
                        out.print("\r\u001b[K");
                        out.flush();
                        return typed;
                    }
                    case 0x04 -> {
                        if (line.size() == 0) {
                            out.print("\r\u001b[K");
                            out.flush();
                            return null;
                        }
                    }
                    case 0x7f, 0x08 -> backspace();
                    case 0x15 -> {
                        line.reset();
                        redraw();
                    }
                    case 0x1b -> skipEscape();
                    default -> {
                        if (b >= 0x20 || b == '\t') {
                            line.write(b);
                            out.write(b); // a UTF-8 character shows once its last byte is written
                            out.flush();
                        }
                    }
                }
            }
        }
    }

    private String current() {
        return line.toString(StandardCharsets.UTF_8);
    }

    private void backspace() {
        byte[] bytes = line.toByteArray();
        int end = bytes.length;
        if (end == 0) {
            return;
        }
        end--;
        while (end > 0 && (bytes[end] & 0xc0) == 0x80) {
            end--; // the start of the last UTF-8 character
        }
        line.reset();
        line.write(bytes, 0, end);
        redraw();
    }

    private void redraw() {
        out.print("\r\u001b[K" + prompt + current());
        out.flush();
    }

    /** Cursor keys and the like arrive as ESC [ ... final: read and drop them. */
    private void skipEscape() throws IOException {
        int next = in.read();
        if (next == '[' || next == 'O') {
            for (int c = in.read(); c >= 0 && !(c >= 0x40 && c <= 0x7e); c = in.read()) {
                // parameter bytes
            }
        }
    }
}
