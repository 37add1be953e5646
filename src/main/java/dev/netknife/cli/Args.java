package dev.netknife.cli;

import dev.netknife.NkException;
import dev.netknife.io.Durations;
import dev.netknife.io.Ports;
import dev.netknife.io.Rate;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import picocli.CommandLine.ParseResult;

/** Typed, validated access to a subcommand's parsed arguments; bad values become usage errors naming the option. */
public final class Args {
    private final ParseResult result;

    Args(ParseResult result) {
        this.result = result;
    }

    public boolean flag(String name) {
        return result.hasMatchedOption(name);
    }

    /** A usage error naming the first of {@code options} that was given: {@code "OPTION why"} (they do not fit this mode). */
    public void refuse(List<String> options, String why) {
        for (String option : options) {
            if (flag(option)) {
                throw NkException.usage(option + " " + why);
            }
        }
    }

    public String string(String name) {
        return result.matchedOptionValue(name, null);
    }

    /** The file an output option names; null when it is absent or names stdout ({@code -} or {@code /dev/stdout}, as with curl). */
    public String outputFile(String name) {
        String file = string(name);
        return file == null || file.equals("-") || file.equals("/dev/stdout") ? null : file;
    }

    public String[] strings(String name) {
        return result.matchedOptionValue(name, new String[0]);
    }

    /** What followed {@code --} on the command line (a command to run), or an empty list. */
    public List<String> afterDoubleDash() {
        List<String> original = result.originalArgs();
        int dashes = original.indexOf("--");
        return dashes < 0 ? List.of() : List.copyOf(original.subList(dashes + 1, original.size()));
    }

    /** All positional values (for a 0..* positional). */
    public String[] strings0() {
        // matchedPositionals() lists a spec once per value it took: each spec's values once, in order
        return result.matchedPositionals().stream().distinct().flatMap(p -> p.stringValues().stream()).toArray(String[]::new);
    }

    public String positional(int index) {
        return result.matchedPositionalValue(index, null);
    }

    public long millis(String name, long defaultMillis) {
        String text = string(name);
        if (text == null) {
            return defaultMillis;
        }
        try {
            return Durations.parseMillis(text);
        } catch (NkException e) {
            throw NkException.usage(name + ": " + e.getMessage());
        }
    }

    /** A timeout: a duration above zero (zero would fail every attempt at once). */
    public long positiveMillis(String name, long defaultMillis) {
        long millis = millis(name, defaultMillis);
        if (millis <= 0) {
            throw NkException.usage(name + " must be more than 0");
        }
        return millis;
    }

    /** A port given with an option ({@code --stats PORT}); a bad one is a usage error naming the option. */
    public int port(String name) {
        try {
            return Ports.parse(string(name));
        } catch (NkException e) {
            throw NkException.usage(name + ": " + e.getMessage());
        }
    }

    public int integer(String name, int defaultValue, int min, int max) {
        String text = string(name);
        if (text == null) {
            return defaultValue;
        }
        String s = text.strip();
        if (s.isEmpty() || s.length() > 10 || !s.chars().allMatch(Character::isDigit)
                || Long.parseLong(s) < min || Long.parseLong(s) > max) {
            throw NkException.usage(name + ": bad number '" + text + "': expected " + min + " to " + max);
        }
        return Integer.parseInt(s);
    }

    /**
     * A byte count as users type it: digits, optionally with K, M or G (binary multiples, as curl's suffixes; "KiB", "MiB",
     * "GiB" and a trailing "B" are taken too): 4096, 64K, 16MiB.
     */
    public int bytes(String name, int defaultValue, int min, int max) {
        return (int) bytes(name, (long) defaultValue, min, max);
    }

    /** As above, for sizes past 2 GiB. */
    public long bytes(String name, long defaultValue, long min, long max) {
        String text = string(name);
        if (text == null) {
            return defaultValue;
        }
        long value = dev.netknife.io.Sizes.parse(text);
        if (value < min || value > max) {
            throw NkException.usage(name + ": bad size '" + text + "': expected " + min + " to " + max + " bytes (or with K, M, G)");
        }
        return value;
    }

    public Rate rate(String name) {
        String text = string(name);
        if (text == null) {
            return null;
        }
        try {
            return Rate.parse(text);
        } catch (NkException e) {
            throw NkException.usage(name + ": " + e.getMessage());
        }
    }

    /** A local address to bind; {@code defaultHost} when the option is absent. */
    public InetAddress bindAddress(String name, String defaultHost) {
        String text = string(name);
        return address(name, text == null ? defaultHost : text);
    }

    /** An address to listen on, as given ({@code [v6]} brackets allowed); {@code what} names it in the error. */
    static InetAddress address(String what, String text) {
        String host = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw NkException.usage(what + ": cannot resolve bind address '" + host + "'");
        }
    }
}
