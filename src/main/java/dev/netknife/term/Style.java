package dev.netknife.term;

import java.util.Map;

/**
 * Colour on or off, decided once per run: {@code --color=always|never}, or for {@code auto} a
 * terminal on stdout, {@code NO_COLOR} unset or empty, and {@code TERM} not {@code dumb}.
 * Escape sequences come from Jansi's {@code Ansi} builder, which loads no native code.
 */
public final class Style {
    public enum Mode { AUTO, ALWAYS, NEVER }

    private final boolean color;

    public Style(boolean color) {
        this.color = color;
    }

    public static Style decide(Mode mode, Map<String, String> env, boolean stdoutIsTerminal) {
        return new Style(switch (mode) {
            case ALWAYS -> true;
            case NEVER -> false;
            case AUTO -> stdoutIsTerminal
                    && (env.get("NO_COLOR") == null || env.get("NO_COLOR").isEmpty())
                    && !"dumb".equals(env.get("TERM"));
        });
    }

    public boolean color() {
        return color;
    }

    public String green(String s) {
        return paint(s, org.fusesource.jansi.Ansi.Color.GREEN);
    }

    public String red(String s) {
        return paint(s, org.fusesource.jansi.Ansi.Color.RED);
    }

    public String yellow(String s) {
        return paint(s, org.fusesource.jansi.Ansi.Color.YELLOW);
    }

    /** {@code s} in a colour chosen by {@code key}, the same for the same key in every run (nicknames). */
    public String stable(String key, String s) {
        org.fusesource.jansi.Ansi.Color[] palette = {org.fusesource.jansi.Ansi.Color.RED, org.fusesource.jansi.Ansi.Color.GREEN,
            org.fusesource.jansi.Ansi.Color.YELLOW, org.fusesource.jansi.Ansi.Color.BLUE, org.fusesource.jansi.Ansi.Color.MAGENTA,
            org.fusesource.jansi.Ansi.Color.CYAN};
        return paint(s, palette[Math.floorMod(key.hashCode(), palette.length)]);
    }

    public String bold(String s) {
        return color ? org.fusesource.jansi.Ansi.ansi().bold().a(s).boldOff().toString() : s;
    }

    private String paint(String s, org.fusesource.jansi.Ansi.Color c) {
        return color ? org.fusesource.jansi.Ansi.ansi().fg(c).a(s).reset().toString() : s;
    }
}
