package dev.netknife.cli;

import dev.netknife.term.Json;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/** A received payload in a JSON line: {@code text} when it is UTF-8, otherwise (or when asked) {@code hex}. */
final class Payloads {
    private Payloads() {
    }

    /** Adds the payload's field to {@code json}; does not move {@code payload}'s position. */
    static Json describe(Json json, ByteBuffer payload, boolean hex) {
        if (!hex) {
            String text = utf8(payload.duplicate());
            if (text != null) {
                return json.put("text", text);
            }
        }
        byte[] bytes = new byte[payload.remaining()];
        payload.duplicate().get(bytes);
        return json.put("hex", HexFormat.of().formatHex(bytes));
    }

    /** The payload as text when it is valid UTF-8, else null. */
    static String utf8(ByteBuffer payload) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(payload).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
