package dev.netknife.cli;

import java.util.Map;

/**
 * What users of curl, nc and openssl s_client type that nk does not take, answered with the nk way in one line
 * instead of "did you mean". The options nk does take the peers' way (-k, -f, -s, -A, -w...) are
 * plain aliases in the commands' specs.
 */
final class PeerHabits {
    private static final Map<String, Map<String, String>> ANSWERS = Map.of(
            "http-get", Map.ofEntries(
                    Map.entry("-X", "nk http-get has no -X: it only GETs (and HEADs with -I)"),
                    Map.entry("--request", "nk http-get has no --request: it only GETs (and HEADs with -I)"),
                    Map.entry("-d", "nk http-get sends no body: it only GETs"),
                    Map.entry("--data", "nk http-get sends no body: it only GETs"),
                    Map.entry("--data-binary", "nk http-get sends no body: it only GETs"),
                    Map.entry("--data-raw", "nk http-get sends no body: it only GETs"),
                    Map.entry("-F", "nk http-get sends no body: it only GETs"),
                    Map.entry("--form", "nk http-get sends no body: it only GETs"),
                    Map.entry("-T", "nk http-get sends no body: it only GETs"),
                    Map.entry("--upload-file", "nk http-get sends no body: it only GETs"),
                    Map.entry("-w", "nk http-get has no -w: --json gives status, headers and timings (| jq), --timing the phases"),
                    Map.entry("--write-out", "nk http-get has no --write-out: --json gives status, headers and timings (| jq), --timing the phases"),
                    Map.entry("--retry", "nk http-get has no --retry: wait for a service with nk monitor --wait, or loop in the shell"),
                    Map.entry("-b", "nk http-get keeps no cookies: send one with -H 'Cookie: NAME=VALUE'"),
                    Map.entry("--cookie", "nk http-get keeps no cookies: send one with -H 'Cookie: NAME=VALUE'"),
                    Map.entry("-c", "nk http-get keeps no cookies: the response's Set-Cookie shows with -i"),
                    Map.entry("-e", "nk http-get has no -e: send -H 'Referer: URL'"),
                    Map.entry("--referer", "nk http-get has no --referer: send -H 'Referer: URL'")),
            "connect", Map.of(
                    "-u", "nk connect is TCP: for UDP use nk udp HOST PORT (nk udp --listen PORT to listen)",
                    "--udp", "nk connect is TCP: for UDP use nk udp HOST PORT (nk udp --listen PORT to listen)",
                    "-C", "nk connect sends what stdin has: for CRLF line ends convert them first (e.g. sed 's/$/\\r/')",
                    "--crlf", "nk connect sends what stdin has: for CRLF line ends convert them first (e.g. sed 's/$/\\r/')",
                    "-N", "nk connect always half-closes when stdin ends (nc -N's behaviour); drop -N",
                    "-e", "nk connect runs no program (-e/-c): pipe it, e.g. prog | nk connect HOST PORT",
                    "-c", "nk connect runs no program (-e/-c): pipe it, e.g. prog | nk connect HOST PORT"),
            "tls-get", Map.ofEntries(
                    Map.entry("-connect", "nk tls-get takes the target as its argument: nk tls-get HOST:PORT"),
                    Map.entry("-servername", "nk tls-get takes --servername NAME"),
                    Map.entry("-showcerts", "nk tls-get lists the whole chain in its report; --save-chain - adds it as PEM on stdout"),
                    Map.entry("-status", "nk tls-get takes --status (the stapled OCSP response)"),
                    Map.entry("-CAfile", "nk tls-get takes --cacert FILE"),
                    Map.entry("-CApath", "nk tls-get takes --cacert DIR"),
                    Map.entry("-alpn", "nk tls-get takes --alpn LIST"),
                    Map.entry("-cipher", "nk tls-get takes --ciphers LIST (suite names, IANA or OpenSSL; TLS 1.3 suites too)"),
                    Map.entry("-ciphersuites", "nk tls-get takes --ciphers LIST (suite names, IANA or OpenSSL; TLS 1.3 suites too)"),
                    Map.entry("-groups", "nk tls-get takes --groups LIST"),
                    Map.entry("-curves", "nk tls-get takes --groups LIST"),
                    Map.entry("-tls1_2", "nk tls-get takes --tls-min 1.2 --tls-max 1.2"),
                    Map.entry("-tls1_3", "nk tls-get takes --tls-min 1.3"),
                    Map.entry("-reconnect", "nk tls-get takes --repeat N (handshakes per second, sessions resumed)"),
                    Map.entry("-verify_return_error", "nk tls-get always fails on a verification error (exit 5) unless --insecure"),
                    Map.entry("-starttls", "nk tls-get takes --starttls PROTO (or a smtp://, imap://, postgres://... target)"),
                    Map.entry("-keylogfile", "nk tls-get takes --keylog FILE (and reads SSLKEYLOGFILE)")));

    private PeerHabits() {
    }

    /** The nk way for {@code option} (as typed, =VALUE allowed) in {@code command}, or null when there is none to tell. */
    static String answer(String command, String option) {
        Map<String, String> answers = command == null ? null : ANSWERS.get(command);
        if (answers == null) {
            return null;
        }
        int equals = option.indexOf('=');
        return answers.get(equals > 0 ? option.substring(0, equals) : option);
    }
}
