package dev.netknife.ws;

import dev.netknife.ExitCode;
import dev.netknife.NkException;
import dev.netknife.io.Durations;
import dev.netknife.io.ExpectMatcher;

/**
 * How a WebSocket client's run ends: its exit code and, unless that is 0, the one-line failure. What stopped nk's own
 * sending (stdin broke a limit) comes first; then --expect and --count, timeouts, and the peer's close code.
 */
public record WsEnding(ExitCode code, NkException failure) {

    /** {@code sendFailure} null when sending went well; the durations are as the command line set them, for messages. */
    public static WsEnding of(WsClient.Result result, WsSession session, ExpectMatcher expect, int count, NkException sendFailure,
                       long idleMillis, long pongTimeoutMillis) {
        if (sendFailure != null) {
            return new WsEnding(sendFailure.exitCode(), sendFailure);
        }
        WsClient.Outcome outcome = result.outcome();
        WsSession.Close close = session.peerClose();
        ExitCode code = switch (outcome) {
            case MATCHED, COUNT_REACHED -> expect != null && !expect.matched() ? ExitCode.ASSERTION : ExitCode.OK;
            case IDLE -> expect != null ? ExitCode.ASSERTION : ExitCode.TIMEOUT;
            case NO_PONG -> ExitCode.TIMEOUT;
            case NO_CLOSE_ANSWER -> ExitCode.PROTOCOL;
            default -> expect != null && !expect.matched() ? ExitCode.ASSERTION
                    : close != null && (close.normal() || session.closedFirst() && answerCodeFine(close.code()))
                    ? (result.received() < count ? ExitCode.ASSERTION : ExitCode.OK) : ExitCode.PROTOCOL;
        };
        long received = result.received();
        NkException failure = null;
        if (code == ExitCode.ASSERTION && expect == null) { // --count not reached: a smoke check that got less than it asked for
            failure = new NkException(code, null, "the server closed after " + received + " of " + count + " messages (--count " + count
                    + "; closed: " + close + ")", null);
        } else if (code == ExitCode.ASSERTION) {
            failure = new NkException(code, null, "no message matched '" + expect.pattern() + "' (" + received
                    + (received == 1 ? " message" : " messages") + ", " + (outcome == WsClient.Outcome.IDLE
                    ? "idle for " + Durations.format(idleMillis) : "closed: " + close) + ")", null);
        } else if (outcome == WsClient.Outcome.NO_PONG) {
            failure = NkException.timeout("idle", "no pong within " + Durations.format(pongTimeoutMillis) + " of a ping: the server stopped answering");
        } else if (code == ExitCode.TIMEOUT) {
            failure = NkException.timeout("idle", "idle for " + Durations.format(idleMillis));
        } else if (outcome == WsClient.Outcome.NO_CLOSE_ANSWER) {
            failure = new NkException(code, null, "the server did not answer nk's close frame (silent for "
                    + Durations.format(WsClient.CLOSE_WAIT_MILLIS) + ")", null);
        } else if (code == ExitCode.PROTOCOL) {
            failure = new NkException(code, null, close == null || close.code() == CloseCodes.ABNORMAL
                    ? "the connection ended without a close frame" : "the server closed with " + close, null);
        }
        return new WsEnding(code, failure);
    }

    /** The connection broke under the exchange (a reset, most often): the peer ended it outside the protocol, exit 6. */
    public static NkException broken(java.io.IOException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new NkException(ExitCode.PROTOCOL, null, message.toLowerCase(java.util.Locale.ROOT).contains("reset")
                ? "the server reset the connection" : "the connection broke: " + message, e);
    }

    /** An answer to our own close may carry another code (ours echoed, an application's), but not one that reports an error. */
    private static boolean answerCodeFine(int code) {
        return code != CloseCodes.ABNORMAL && !CloseCodes.reportsError(code);
    }
}
