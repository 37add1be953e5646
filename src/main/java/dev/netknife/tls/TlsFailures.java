package dev.netknife.tls;

import dev.netknife.ExitCode;
import dev.netknife.NkException;
import java.io.EOFException;
import java.io.IOException;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsFatalAlertReceived;

/** Turns what a failed handshake threw into one clear line and a kind (exit 5, phase tls). */
final class TlsFailures {
    private TlsFailures() {
    }

    static NkException classify(Throwable e, CertCheck.Problem certProblem, String target) {
        if (certProblem != null) { // with -v the validator's own words show as the cause
            Throwable cause = certProblem.detail() == null ? e : new java.security.cert.CertificateException(certProblem.detail(), e);
            return tls(certProblem.kind(), certProblem.message() + " (" + target + ")", cause);
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TlsFatalAlertReceived received) {
                return received(received.getAlertDescription(), target, e);
            }
            if (t instanceof TlsFatalAlert raised && raised.getAlertDescription() != AlertDescription.internal_error) {
                return raised(raised.getAlertDescription(), target, e);
            }
            if (t instanceof EOFException) {
                return tls("peer_closed", "the peer closed the connection during the TLS handshake (" + target + ")", e);
            }
        }
        String message = plainMessage(e);
        if (e instanceof IOException && message.contains("reset")) {
            return tls("peer_closed", "the peer reset the connection during the TLS handshake (" + target + ")", e);
        }
        if (message.contains("Handshake message length exceeds the maximum")) {
            return tls("too_large", "the server's handshake message (its certificate chain) is larger than nk's limit of "
                    + TlsProvider.MAX_HANDSHAKE_MESSAGE_BYTES / 1024 + " KiB (" + target + ")", e);
        }
        return tls("handshake", "TLS handshake failed: " + message + " (" + target + ")", e);
    }

    /**
     * The most specific message in the cause chain, without the Java class names that exceptions made
     * from a cause put in front of it ("org.bouncycastle...TlsCryptoException: unable to decode certificate").
     */
    static final String NO_REASON = "no reason given";

    static String plainMessage(Throwable e) {
        String message = null;
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                message = t.getMessage();
            }
        }
        if (message == null) {
            return NO_REASON;
        }
        return message.replaceAll("(?:[a-z][\\w$]*\\.)+[A-Z][\\w$]*: ", "").strip();
    }

    private static NkException received(short alert, String target, Throwable e) {
        String name = AlertDescription.getName(alert);
        return switch (alert) {
            case AlertDescription.protocol_version -> tls("protocol_version",
                    "no TLS version in common with the server (it sent " + name + "; see --tls-min/--tls-max) (" + target + ")", e);
            case AlertDescription.handshake_failure, AlertDescription.insufficient_security -> tls("no_common_cipher",
                    "no cipher suite or parameters in common with the server (it sent " + name + ") (" + target + ")", e);
            case AlertDescription.no_application_protocol -> tls("alpn",
                    "the server accepts none of the offered ALPN protocols (" + target + ")", e);
            case AlertDescription.certificate_required -> tls("client_certificate_required",
                    "the server requires a client certificate (--cert/--key) (" + target + ")", e);
            case AlertDescription.bad_certificate, AlertDescription.unknown_ca, AlertDescription.certificate_unknown -> tls("client_certificate_rejected",
                    "the server rejected the handshake: " + name + " (" + target + ")", e);
            case AlertDescription.unrecognized_name -> tls("unrecognized_name",
                    "the server does not know the name sent in SNI (see --servername) (" + target + ")", e);
            default -> tls("handshake", "the server ended the handshake with alert " + name + " (" + target + ")", e);
        };
    }

    private static NkException raised(short alert, String target, Throwable e) {
        String name = AlertDescription.getName(alert);
        return switch (alert) {
            case AlertDescription.protocol_version -> tls("protocol_version",
                    "no TLS version in common with the server (see --tls-min/--tls-max) (" + target + ")", e);
            case AlertDescription.handshake_failure, AlertDescription.insufficient_security -> tls("no_common_cipher",
                    "no cipher suite or parameters in common with the server (" + target + ")", e);
            case AlertDescription.decode_error, AlertDescription.unexpected_message, AlertDescription.record_overflow -> tls("not_tls",
                    "the peer does not speak TLS (" + name + ") (" + target + ")", e);
            default -> tls("handshake", "TLS handshake failed: " + name + " (" + target + ")", e);
        };
    }

    static NkException tls(String kind, String message, Throwable cause) {
        return new NkException(ExitCode.TLS, "tls", kind, message, cause);
    }
}
