package dev.netknife.term;

/** A JSON object written in one pass, keys in insertion order; enough for nk's result lines. */
public final class Json {
    private final StringBuilder text = new StringBuilder("{");

    public static Json object() {
        return new Json();
    }

    public Json put(String key, String value) {
        key(key);
        if (value == null) {
            text.append("null");
        } else {
            quote(text, value);
        }
        return this;
    }

    /** A number, or null when there is none. */
    public Json put(String key, Long value) {
        return value == null ? put(key, (String) null) : put(key, value.longValue());
    }

    public Json put(String key, long value) {
        key(key);
        text.append(value);
        return this;
    }

    /** A double as a plain decimal. */
    public Json put(String key, double value) {
        key(key);
        text.append(value);
        return this;
    }

    /** Doubles as plain decimals; negative values (a phase that did not happen) become null. */
    public Json putMillis(String key, double value) {
        key(key);
        if (value < 0) {
            text.append("null");
        } else {
            text.append(value);
        }
        return this;
    }

    public Json put(String key, boolean value) {
        key(key);
        text.append(value);
        return this;
    }

    /** true, false or null (not known). */
    public Json put(String key, Boolean value) {
        key(key);
        text.append(value == null ? "null" : value.toString());
        return this;
    }

    public Json put(String key, Json value) {
        key(key);
        text.append(value == null ? "null" : value.toString());
        return this;
    }

    /** An array of strings or {@link Json} objects. */
    public Json put(String key, java.util.List<?> values) {
        key(key);
        text.append('[');
        boolean first = true;
        for (Object v : values) {
            if (!first) {
                text.append(',');
            }
            first = false;
            if (v instanceof Json json) {
                text.append(json);
            } else if (v == null) {
                text.append("null");
            } else {
                quote(text, v.toString());
            }
        }
        text.append(']');
        return this;
    }

    private void key(String key) {
        if (text.length() > 1) {
            text.append(',');
        }
        quote(text, key);
        text.append(':');
    }

    @Override
    public String toString() {
        return text + "}";
    }

    static void quote(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (escaped(s, i)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /**
     * Controls, and what changes how a line reads on a terminal (bidi controls, separators, invisibles, lone
     * surrogates): written as escapes, which a JSON reader turns back into the same text.
     */
    private static boolean escaped(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))
                || Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(s.charAt(i - 1))) {
            return false;
        }
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) || Sanitizer.hidden(c);
    }
}
