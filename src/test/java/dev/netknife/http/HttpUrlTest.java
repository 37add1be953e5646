package dev.netknife.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.netknife.ExitCode;
import dev.netknife.NkException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HttpUrlTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "http://example.com                  | http  | example.com | 80   | /",
        "https://EXAMPLE.com:8443/a/b?c=d#frag | https | example.com | 8443 | /a/b?c=d",
        "http://[::1]:8080/x                 | http  | ::1         | 8080 | /x",
        "http://h/a b/ü                      | http  | h           | 80   | /a%20b/%C3%BC",
        "http://h?q=1                        | http  | h           | 80   | /?q=1",
        "http://h/%2F%41                     | http  | h           | 80   | /%2F%41",
    })
    void parses(String text, String scheme, String host, int port, String target) {
        HttpUrl url = HttpUrl.parse(text.strip());
        assertEquals(scheme, url.scheme());
        assertEquals(host, url.host());
        assertEquals(port, url.port());
        assertEquals(target, url.target());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "example.com                 | expected http:// or https://",
        "ftp://h/                    | unsupported scheme 'ftp' (http and https are)",
        "http:///x                   | no host",
        "http://h:0/                 | bad port '0'",
        "http://h:99999/             | bad port '99999'",
        "http://h:8x/                | bad port '8x'",
        "http://[::1/                | unclosed [ in the host",
        "http://[h]/                 | brackets are only for IPv6 addresses",
        "http://h%2Fx/               | bad character '%' in the host",
        "http://a..b/                | empty label in the host",
        "http://h/%4                 | bad percent-encoding (% must be followed by two hex digits)",
        "http://[::g]/               | bad IPv6 address '::g'",
        "http://[::1::2]/            | bad IPv6 address '::1::2'",
        "http://[::1%25lo]/          | bad IPv6 address '::1%25lo'",
        "http://h:1:2/               | bad character ':' in the host (an IPv6 address goes in brackets)",
        "http://u:%0a@h/             | control character in the user info",
        "http://u:p w@h/             | bad character ' ' in the user info (percent-encode it)",
    })
    void rejects(String text, String why) {
        NkException e = assertThrows(NkException.class, () -> HttpUrl.parse(text.strip()));
        assertEquals(ExitCode.USAGE, e.exitCode());
        assertEquals("bad URL '" + text.strip() + "': " + why, e.getMessage());
    }

    @Test
    void rejectsControlCharacters() {
        assertEquals("bad URL 'http://h/\\x0d\\x0aX: y': control character in URL",
                assertThrows(NkException.class, () -> HttpUrl.parse("http://h/\r\nX: y")).getMessage());
    }

    @Test
    void userInfoMayHoldRfc3986Characters() {
        assertEquals("a-._~!$&'()*+,;=:%40", HttpUrl.parse("http://a-._~!$&'()*+,;=:%40@h/").userInfo());
    }

    @Test
    void userInfoIsKeptApartFromTheHost() {
        HttpUrl url = HttpUrl.parse("http://user:p%40ss@h.example/");
        assertEquals("h.example", url.host());
        assertEquals("user:p%40ss", url.userInfo());
    }

    @Test
    void resolvesLocations() {
        HttpUrl base = HttpUrl.parse("https://h.example:8443/a/b/c?q");
        assertEquals("https://h.example:8443/x", base.resolve("/x").toString());
        assertEquals("https://h.example:8443/a/b/y", base.resolve("y").toString());
        assertEquals("https://h.example:8443/a/b/c?z", base.resolve("?z").toString());
        assertEquals("https://other/", base.resolve("//other/").toString());
        assertEquals("http://other:81/p", base.resolve("http://other:81/p").toString());
        assertEquals("https://h.example:8443", base.origin());
        assertEquals("h.example:8443", base.hostHeader());
        assertEquals("c", base.fileName());
    }
}
