package dev.netknife.io;

import dev.netknife.NkException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Looks for a regular expression in a byte stream. Bytes are read as ISO-8859-1 (one char per
 * byte, so binary input cannot break decoding), and non-ASCII text in the pattern is turned into
 * its UTF-8 bytes the same way, so {@code --expect 'héllo'} still matches UTF-8 input. Only the
 * last {@code window} bytes are kept, which bounds the work per chunk.
 */
public final class ExpectMatcher implements Tap {
    private static final int DEFAULT_WINDOW = 64 * 1024;

    private final Pattern pattern;
    private final int window;
    private final StringBuilder seen = new StringBuilder();
    private volatile boolean matched;

    public ExpectMatcher(String regex) {
        this(regex, DEFAULT_WINDOW);
    }

    ExpectMatcher(String regex, int window) {
        try {
            this.pattern = Pattern.compile(new String(regex.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1),
                    Pattern.MULTILINE);
        } catch (PatternSyntaxException e) {
            throw NkException.usage("bad regular expression '" + regex + "': " + e.getDescription());
        }
        this.window = window;
    }

    @Override
    public synchronized void bytes(ByteBuffer data) {
        if (matched) {
            return;
        }
        while (data.hasRemaining()) {
            seen.append((char) (data.get() & 0xff));
        }
        Matcher m = pattern.matcher(seen);
        if (m.find()) {
            matched = true;
            seen.setLength(0);
        } else if (seen.length() > window) {
            seen.delete(0, seen.length() - window);
        }
    }

    /** Matches one message on its own (a datagram), without the bytes seen before; remembers a match. */
    public boolean test(ByteBuffer message) {
        StringBuilder text = new StringBuilder(message.remaining());
        while (message.hasRemaining()) {
            text.append((char) (message.get() & 0xff));
        }
        boolean found = pattern.matcher(text).find();
        if (found) {
            matched = true;
        }
        return found;
    }

    public boolean matched() {
        return matched;
    }

    public String pattern() {
        return new String(pattern.pattern().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }
}
