package dev.netknife.ws;

import java.io.IOException;

/** The peer broke RFC 6455; {@code closeCode} is what nk answers with (1002, 1007 or 1009). */
public final class WsProtocolException extends IOException {
    private final int closeCode;

    public WsProtocolException(int closeCode, String message) {
        super(message);
        this.closeCode = closeCode;
    }

    public int closeCode() {
        return closeCode;
    }
}
