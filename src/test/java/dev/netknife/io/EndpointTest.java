package dev.netknife.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.netknife.ExitCode;
import dev.netknife.NkException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EndpointTest {

    @ParameterizedTest
    @CsvSource({
        "example.com:80, example.com, 80",
        "127.0.0.1:0, 127.0.0.1, 0",
        "[::1]:8080, ::1, 8080",
        "[fe80::1%lo]:22, fe80::1%lo, 22",
        "localhost:65535, localhost, 65535",
    })
    void parsesHostColonPort(String text, String host, int port) {
        assertEquals(new Endpoint(host, port), Endpoint.parse(text));
    }

    @Test
    void takesHostAndPortAsTwoArguments() {
        assertEquals(new Endpoint("::1", 443), Endpoint.of("[::1]", "443"));
        assertEquals(new Endpoint("::1", 443), Endpoint.of("::1", "443"));
        assertEquals(new Endpoint("h", 1), Endpoint.of("h:1", null));
    }

    @Test
    void printsIpv6WithBrackets() {
        assertEquals("[::1]:80", new Endpoint("::1", 80).toString());
        assertEquals("a.b:80", new Endpoint("a.b", 80).toString());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "host                | missing port in 'host': expected HOST:PORT or HOST PORT",
        "host:http           | bad port 'http': expected a number from 0 to 65535",
        "host:65536          | bad port '65536': expected a number from 0 to 65535",
        "host:-1             | bad port '-1': expected a number from 0 to 65535",
        ":80                 | missing host in ':80'",
        "::1:80              | bad address '::1:80': write IPv6 addresses as [v6addr]:PORT",
        "[::1]80             | bad address '[::1]80': expected [v6addr]:PORT",
        "[::1:80             | bad address '[::1:80': expected [v6addr]:PORT",
        "ho st:80            | bad host 'ho st:80': unexpected character ' '",
        "h/x:80              | bad host 'h/x:80': unexpected character '/'",
    })
    void rejectsBadInputWithAClearMessage(String text, String message) {
        NkException e = assertThrows(NkException.class, () -> Endpoint.parse(text));
        assertEquals(ExitCode.USAGE, e.exitCode());
        assertEquals(message, e.getMessage());
    }

    @Test
    void portRanges() {
        assertEquals(new Ports.Range(20, 30), Ports.parseRange("20-30"));
        assertEquals(new Ports.Range(22, 22), Ports.parseRange("22"));
        assertEquals(11, Ports.parseRange("20-30").size());
        assertEquals("bad port range '30-20': 30 is above 20",
                assertThrows(NkException.class, () -> Ports.parseRange("30-20")).getMessage());
        assertEquals("bad port '0-5': expected 1 to 65535, or a range FROM-TO",
                assertThrows(NkException.class, () -> Ports.parseRange("0-5")).getMessage());
        assertEquals("bad port '1-x': expected 1 to 65535, or a range FROM-TO",
                assertThrows(NkException.class, () -> Ports.parseRange("1-x")).getMessage());
        assertEquals("bad port '65536': expected 1 to 65535, or a range FROM-TO",
                assertThrows(NkException.class, () -> Ports.parseRange("65536")).getMessage(), "the same words for every bad port of -z");
    }

    @ParameterizedTest
    @CsvSource({
        "::1, ::1",
        "::, ::",
        "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
        "2001:db8:1:2:3:4:5:6, 2001:db8:1:2:3:4:5:6",
        "fe80:0:0:0:0:0:0:1, fe80::1",
        "1:0:0:2:0:0:0:3, 1:0:0:2::3",
        "127.0.0.1, 127.0.0.1",
    })
    void printsAddressesShort(String address, String text) throws Exception {
        assertEquals(text, Endpoint.text(java.net.InetAddress.getByName(address)));
    }
}
