package dev.netknife.ws;

import java.nio.charset.StandardCharsets;

/** One whole (reassembled) data message; a text message's bytes are valid UTF-8. */
public record Message(boolean text, byte[] payload, int length) {

    public String asText() {
        return new String(payload, 0, length, StandardCharsets.UTF_8);
    }
}
