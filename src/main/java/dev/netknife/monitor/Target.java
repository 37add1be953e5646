package dev.netknife.monitor;

import dev.netknife.NkException;
import dev.netknife.http.HttpUrl;
import dev.netknife.io.Endpoint;
import dev.netknife.tls.StartTls;
import dev.netknife.tls.TlsTarget;
import java.util.List;
import java.util.Locale;

/**
 * What to probe: {@code HOST:PORT} or {@code tcp://HOST:PORT}, {@code http(s)://...}, {@code tls://HOST:PORT},
 * {@code udp://HOST:PORT}, a STARTTLS URL ({@code smtp://HOST}, {@code imap://}, {@code postgres://} ...: a TLS probe after
 * the plaintext part) or an implicit-TLS one ({@code smtps://}, {@code imaps://} ...).
 *
 * @param startTls for TLS targets, the plaintext protocol before TLS, or null
 */
public record Target(Kind kind, String text, Endpoint endpoint, HttpUrl url, StartTls.Protocol startTls) {

    public enum Kind { TCP, HTTP, TLS, UDP }

    /** The targets of the command line (at least one); an {@code @FILE} left as it is means picocli could not read it. */
    public static List<Target> parseAll(List<String> texts) {
        List<Target> targets = new java.util.ArrayList<>();
        for (String text : texts) {
            if (text.startsWith("@")) {
                throw NkException.usage("cannot read the targets file " + text.substring(1));
            }
            targets.add(parse(text));
        }
        if (targets.isEmpty()) {
            throw NkException.usage("no target (HOST:PORT or a URL)");
        }
        return targets;
    }

    public static Target parse(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            HttpUrl url = HttpUrl.parse(text);
            return new Target(Kind.HTTP, text, url.endpoint(), url, null);
        }
        if (lower.startsWith("tls://")) {
            return new Target(Kind.TLS, text, endpoint(text.substring(6), 443), null, null);
        }
        if (lower.startsWith("udp://")) {
            return new Target(Kind.UDP, text, endpoint(text.substring(6), -1), null, null);
        }
        if (lower.startsWith("tcp://")) {
            return new Target(Kind.TCP, text, endpoint(text.substring(6), -1), null, null);
        }
        if (text.contains("://")) {
            if (!TlsTarget.knownScheme(lower.substring(0, lower.indexOf("://")))) {
                throw NkException.usage("unsupported target '" + text + "' (HOST:PORT, tcp://, http://, https://, tls://, udp://, "
                        + StartTls.Protocol.names().replace(",", "://,") + "://, smtps://, imaps://, pop3s://, ftps://, ldaps://)");
            }
            TlsTarget tls = TlsTarget.parse(text, null);
            return new Target(Kind.TLS, text, tls.endpoint(), null, tls.startTls());
        }
        return new Target(Kind.TCP, text, endpoint(text, -1), null, null);
    }

    private static Endpoint endpoint(String hostPort, int defaultPort) {
        String bare = hostPort.endsWith("/") ? hostPort.substring(0, hostPort.length() - 1) : hostPort;
        boolean hasPort = bare.startsWith("[") ? bare.contains("]:") : bare.contains(":") && bare.indexOf(':') == bare.lastIndexOf(':');
        if (!hasPort) {
            if (defaultPort < 0) {
                throw NkException.usage("target '" + hostPort + "' needs a port (HOST:PORT)");
            }
            return Endpoint.parse(bare.contains(":") ? "[" + bare + "]:" + defaultPort : bare + ":" + defaultPort);
        }
        return Endpoint.parse(bare);
    }
}
