package dev.netknife.http;

/** Sees each request head sent and response head received (for -v). */
public interface RequestLog {
    RequestLog NONE = new RequestLog() {
    };

    default void request(String head) {
    }

    default void response(ResponseHead head) {
    }
}
