package dev.netknife.support;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Inputs for a parser fuzz test, deterministic for a given seed: first the seed inputs as they
 * are, then every truncation of the short ones, then seeds changed by a stack of one to four
 * mutations (bit flips, byte insert/delete/duplicate, splices of two seeds, tokens from the
 * parser's dictionary, interesting numbers and bytes, CR/LF/NUL, non-ASCII digits and controls,
 * and long runs of one byte at the lengths around the parser's limit). No coverage feedback: the
 * seeds and the dictionary are what lead it into the parser.
 */
public final class ByteMutator {
    /** Seeds up to this long are also tried cut at every length. */
    private static final int TRUNCATE_UP_TO = 96;

    private static final List<byte[]> NUMBERS = ascii("0", "-1", "1", "127", "128", "255", "256", "32767", "65535", "65536",
            "2147483647", "2147483648", "-2147483648", "4294967295", "4294967296", "9223372036854775807", "9223372036854775808",
            "18446744073709551616", "99999999999999999999999999999", "1e308", "0x7fffffff", "fffffffffffffff", "ffffffffffffffff",
            "7fffffffffffffff", "-0", "00000000000000000001", ".", "1.5", "NaN", "Infinity");
    private static final List<byte[]> BYTES = List.of(new byte[] {0}, new byte[] {(byte) 0xff}, new byte[] {0x7f},
            new byte[] {(byte) 0x80}, new byte[] {(byte) 0xff, (byte) 0xff}, new byte[] {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff},
            new byte[] {(byte) 0x80, 0, 0, 0}, new byte[] {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff},
            new byte[] {(byte) 0x80, 0, 0, 0, 0, 0, 0, 0}, new byte[] {0, 0, 0, 0, (byte) 0x80, 0, 0, 0});
    private static final List<byte[]> BREAKS = ascii("\r", "\n", "\r\n", "\0", "\n\n", "\r\n\r\n", "\r\r\n", " \r\n", "\t");
    /** Non-ASCII digits and letters, Unicode spaces, bidi overrides, escapes, and malformed UTF-8. */
    private static final List<byte[]> ODD_TEXT = List.of(utf8("\u0663"), utf8("\uff11"), utf8("\u00b2"), utf8("\u0969"),
            utf8("\u00a0"), utf8("\u2028"), utf8("\u2003"), utf8("\u202e"), utf8("\u001b[31m"), utf8("\u001b]0;title\u0007"),
            utf8("\u009b"), utf8("\u00e9"), utf8("\ud83d\ude00"), utf8("\u0130"), new byte[] {(byte) 0xc0, (byte) 0x80},
            new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, new byte[] {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
            new byte[] {(byte) 0xe2, (byte) 0x82}, new byte[] {(byte) 0xfe});
    private static final byte[] RUN_BYTES = {'a', '0', '9', 'f', ' ', '\n', '\r', 0, (byte) 0xff, ':', '%', '/', '=', '-'};

    private final long seed;
    private final Random random;
    private final List<byte[]> seeds;
    private final List<byte[]> dictionary;
    private final int maxLength;
    private final int[] runLengths;
    private final List<byte[]> start = new ArrayList<>();
    private int next;

    /**
     * {@code dictionary}: the parser's own tokens; {@code maxLength}: no input is longer;
     * {@code runLengths}: lengths a run of one byte is tried at (the parser's limit and its neighbours).
     */
    public ByteMutator(long seed, List<byte[]> seeds, List<byte[]> dictionary, int maxLength, int... runLengths) {
        this.seed = seed;
        this.random = new Random(seed);
        this.seeds = List.copyOf(seeds);
        this.dictionary = List.copyOf(dictionary);
        this.maxLength = maxLength;
        this.runLengths = runLengths.clone();
        start.addAll(this.seeds);
        for (byte[] s : this.seeds) {
            if (s.length <= TRUNCATE_UP_TO) {
                for (int n = 0; n < s.length; n++) {
                    start.add(Arrays.copyOf(s, n));
                }
            }
        }
    }

    public long seed() {
        return seed;
    }

    public List<byte[]> seeds() {
        return seeds;
    }

    /** The next input. */
    public byte[] next() {
        if (next < start.size()) {
            return start.get(next++);
        }
        next++;
        byte[] data = pick(seeds);
        int stack = 1 + random.nextInt(random.nextInt(8) == 0 ? 8 : 4);
        for (int i = 0; i < stack; i++) {
            data = mutate(data);
        }
        return data.length > maxLength ? Arrays.copyOf(data, maxLength) : data;
    }

    private byte[] mutate(byte[] d) {
        int op = random.nextInt(40);
        if (d.length == 0) {
            return op == 35 ? run() : insert(d, 0, pick(op < 20 && !dictionary.isEmpty() ? dictionary : op < 30 ? NUMBERS : BYTES));
        }
        return switch (op) {
            case 0, 1, 2 -> flipBit(d);
            case 3, 4 -> set(d, random.nextInt(d.length), (byte) random.nextInt(256));
            case 5, 6, 7 -> remove(d, random.nextInt(d.length), 1 + random.nextInt(Math.min(d.length, random.nextBoolean() ? 2 : 16)));
            case 8, 9 -> duplicate(d);
            case 10, 11 -> truncate(d);
            case 12, 13 -> insert(d, random.nextInt(d.length + 1), new byte[] {(byte) random.nextInt(256)});
            case 14, 15 -> overwrite(d, pick(dictionary.isEmpty() ? NUMBERS : dictionary));
            case 16, 17, 18, 19, 20, 21 -> insert(d, random.nextInt(d.length + 1), pick(dictionary.isEmpty() ? NUMBERS : dictionary));
            case 22, 23 -> splice(d, pick(seeds));
            case 24, 25, 26 -> numberInPlace(d);
            case 27, 28 -> insert(d, random.nextInt(d.length + 1), pick(BYTES));
            case 29 -> overwrite(d, pick(BYTES));
            case 30, 31, 32 -> insert(d, random.nextInt(d.length + 1), pick(BREAKS));
            case 33, 34 -> insert(d, random.nextInt(d.length + 1), pick(ODD_TEXT));
            case 35 -> insert(d, random.nextInt(d.length + 1), run());
            case 36 -> overwrite(d, pick(ODD_TEXT));
            case 37 -> set(d, random.nextInt(d.length), (byte) (d[random.nextInt(d.length)] + (random.nextBoolean() ? 1 : -1)));
            default -> insert(d, random.nextInt(d.length + 1), pick(NUMBERS));
        };
    }

    /** Replaces the first run of ASCII digits (or a random spot) with an interesting number. */
    private byte[] numberInPlace(byte[] d) {
        int from = random.nextInt(d.length);
        while (from < d.length && !Character.isDigit(d[from])) {
            from++;
        }
        if (from == d.length) {
            return insert(d, random.nextInt(d.length + 1), pick(NUMBERS));
        }
        int to = from;
        while (to < d.length && Character.isLetterOrDigit(d[to])) {
            to++;
        }
        byte[] number = pick(NUMBERS);
        return insert(remove(d, from, to - from), from, number);
    }

    private byte[] run() {
        int length = runLengths.length > 0 && random.nextBoolean()
                ? runLengths[random.nextInt(runLengths.length)] + random.nextInt(3) - 1
                : 1 + random.nextInt(random.nextBoolean() ? 64 : 4096);
        byte[] r = new byte[Math.max(1, Math.min(length, maxLength))];
        Arrays.fill(r, RUN_BYTES[random.nextInt(RUN_BYTES.length)]);
        return r;
    }

    private byte[] flipBit(byte[] d) {
        byte[] c = d.clone();
        int i = random.nextInt(c.length);
        c[i] ^= (byte) (1 << random.nextInt(8));
        return c;
    }

    private static byte[] set(byte[] d, int at, byte value) {
        byte[] c = d.clone();
        c[at] = value;
        return c;
    }

    private static byte[] remove(byte[] d, int at, int n) {
        int count = Math.min(n, d.length - at);
        byte[] c = new byte[d.length - count];
        System.arraycopy(d, 0, c, 0, at);
        System.arraycopy(d, at + count, c, at, d.length - at - count);
        return c;
    }

    private static byte[] insert(byte[] d, int at, byte[] what) {
        byte[] c = new byte[d.length + what.length];
        System.arraycopy(d, 0, c, 0, at);
        System.arraycopy(what, 0, c, at, what.length);
        System.arraycopy(d, at, c, at + what.length, d.length - at);
        return c;
    }

    private byte[] overwrite(byte[] d, byte[] what) {
        byte[] c = d.clone();
        int at = random.nextInt(c.length);
        System.arraycopy(what, 0, c, at, Math.min(what.length, c.length - at));
        return c;
    }

    private byte[] duplicate(byte[] d) {
        int from = random.nextInt(d.length);
        int n = 1 + random.nextInt(Math.min(d.length - from, 64));
        int times = random.nextInt(10) == 0 ? 2 + random.nextInt(30) : 1;
        ByteArrayOutputStream copies = new ByteArrayOutputStream();
        for (int i = 0; i < times; i++) {
            copies.write(d, from, n);
        }
        return insert(d, random.nextInt(d.length + 1), copies.toByteArray());
    }

    private byte[] truncate(byte[] d) {
        return Arrays.copyOf(d, random.nextInt(d.length));
    }

    private byte[] splice(byte[] a, byte[] b) {
        int cutA = random.nextInt(a.length + 1);
        int cutB = b.length == 0 ? 0 : random.nextInt(b.length + 1);
        byte[] c = Arrays.copyOf(a, cutA + b.length - cutB);
        System.arraycopy(b, cutB, c, cutA, b.length - cutB);
        return c;
    }

    private byte[] pick(List<byte[]> from) {
        return from.get(random.nextInt(from.size()));
    }

    public static List<byte[]> ascii(String... texts) {
        List<byte[]> all = new ArrayList<>();
        for (String t : texts) {
            all.add(t.getBytes(StandardCharsets.ISO_8859_1));
        }
        return all;
    }

    public static List<byte[]> utf8(String... texts) {
        List<byte[]> all = new ArrayList<>();
        for (String t : texts) {
            all.add(utf8(t));
        }
        return all;
    }

    public static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The input as one line for a failure message: printable ASCII as is, the rest as \xNN, at most {@code max} bytes shown. */
    public static String describe(byte[] input, int max) {
        StringBuilder s = new StringBuilder("\"");
        for (int i = 0; i < Math.min(input.length, max); i++) {
            int b = input[i] & 0xff;
            if (b >= 0x20 && b < 0x7f && b != '"' && b != '\\') {
                s.append((char) b);
            } else {
                s.append(String.format("\\x%02x", b));
            }
        }
        s.append('"');
        if (input.length > max) {
            s.append(" ... (").append(input.length - max).append(" more bytes)");
        }
        return s.toString();
    }
}
