package dev.netknife.term;

import java.util.Map;

/** A terminal's size in character cells. */
public record TerminalSize(int columns, int rows) {

    public static final TerminalSize FALLBACK = new TerminalSize(80, 24);

    /** COLUMNS and LINES when set (as for ls and ps), otherwise what the terminal says, otherwise 80x24. */
    public static TerminalSize of(Map<String, String> env) {
        int columns = positive(env.get("COLUMNS"));
        int rows = positive(env.get("LINES"));
        if (columns == 0 || rows == 0) {
            TerminalSize asked = parse(Stty.run("size"));
            columns = columns != 0 ? columns : asked.columns();
            rows = rows != 0 ? rows : asked.rows();
        }
        return new TerminalSize(columns, rows);
    }

    /** stty size's "ROWS COLUMNS"; the fallback for anything else (no terminal, or one that says 0 0). */
    static TerminalSize parse(String sttySize) {
        String[] words = sttySize == null ? new String[0] : sttySize.strip().split("\\s+");
        if (words.length == 2 && positive(words[0]) > 0 && positive(words[1]) > 0) {
            return new TerminalSize(positive(words[1]), positive(words[0]));
        }
        return FALLBACK;
    }

    private static int positive(String text) {
        if (text == null || !text.matches("[0-9]{1,5}")) {
            return 0;
        }
        return Integer.parseInt(text);
    }
}
