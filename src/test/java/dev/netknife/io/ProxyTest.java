package dev.netknife.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netknife.ExitCode;
import dev.netknife.NkException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProxyTest {

    @Test
    void parsesCurlsProxyUrls() {
        Proxy p = Proxy.parse("socks5h://bob:p%40ss%3Aword@proxy.example:1081", "--proxy");
        assertEquals(Proxy.Kind.SOCKS5H, p.kind());
        assertEquals(new Endpoint("proxy.example", 1081), p.endpoint());
        assertEquals("bob", p.user());
        assertEquals("p@ss:word", p.password());
        assertEquals("socks5h://proxy.example:1081", p.toString(), "credentials never show");
        assertEquals(new Endpoint("10.0.0.1", 1080), Proxy.parse("10.0.0.1", "--proxy").endpoint(), "no scheme: HTTP on 1080, as curl");
        assertEquals(Proxy.Kind.HTTP, Proxy.parse("10.0.0.1:3128/", "--proxy").kind());
        assertEquals(new Endpoint("proxy", 443), Proxy.parse("https://proxy", "--proxy").endpoint());
        assertEquals(new Endpoint("::1", 1080), Proxy.parse("socks4a://[::1]", "--proxy").endpoint());
        assertEquals(new Endpoint("::1", 9050), Proxy.parse("socks5://[::1]:9050", "--proxy").endpoint());
        assertEquals("", Proxy.parse("http://user@h:1", "--proxy").password());
        assertFalse(Proxy.Kind.SOCKS5.remoteDns());
        assertTrue(Proxy.Kind.SOCKS5H.remoteDns());
        assertFalse(Proxy.Kind.SOCKS4.remoteDns());
        assertTrue(Proxy.Kind.SOCKS4A.remoteDns());
    }

    @Test
    void badUrlsAreUsageErrors() {
        for (String bad : new String[] {"ftp://h:1", "socks5://", "http://h:99999", "http://h:1/path", "http://bad host:1", "socks5://h:x"}) {
            NkException e = assertThrows(NkException.class, () -> Proxy.parse(bad, "--proxy"), bad);
            assertEquals(ExitCode.USAGE, e.exitCode(), bad);
            assertTrue(e.getMessage().startsWith("--proxy: "), e.getMessage());
        }
        assertEquals("http://u:****@h:1", Proxy.redacted("http://u:secret@h:1"));
    }

    @Test
    void noProxyFollowsCurlsRules() {
        NoProxy list = NoProxy.parse(" example.com, .internal.test,10.1.2.3 ,192.168.0.0/16, [::1], fd00::/8,LOCALHOST.");
        assertTrue(list.matches("example.com"));
        assertTrue(list.matches("www.example.com"));
        assertTrue(list.matches("WWW.Example.COM."));
        assertFalse(list.matches("badexample.com"));
        assertTrue(list.matches("a.internal.test"));
        assertTrue(list.matches("internal.test"));
        assertTrue(list.matches("10.1.2.3"));
        assertFalse(list.matches("10.1.2.4"));
        assertTrue(list.matches("192.168.44.5"));
        assertFalse(list.matches("192.169.0.1"));
        assertTrue(list.matches("::1"));
        assertTrue(list.matches("0:0:0:0:0:0:0:1"));
        assertTrue(list.matches("fd12:3456::1"));
        assertFalse(list.matches("fe80::1"));
        assertTrue(list.matches("localhost"));
        assertFalse(list.matches("example.org"));
        assertTrue(NoProxy.parse("*").matches("anything.at.all"));
        assertFalse(NoProxy.parse("").matches("example.com"));
        assertFalse(NoProxy.parse("*.example.com").matches("www.example.com"), "curl takes no wildcards but * alone");
    }

    @Test
    void theVariablesChooseByScheme() {
        Proxies env = Proxies.of(null, null, Map.of("http_proxy", "http://h1:1", "https_proxy", "socks5h://h2:2", "no_proxy", "skip.test"), true);
        Endpoint target = new Endpoint("example.com", 443);
        assertEquals("http://h1:1", env.select(target, false).toString());
        assertEquals("socks5h://h2:2", env.select(target, true).toString());
        assertNull(env.select(new Endpoint("a.skip.test", 80), false));
        Proxies all = Proxies.of(null, null, Map.of("ALL_PROXY", "socks5://h3:3", "HTTP_PROXY", "http://ignored:1"), true);
        assertEquals("socks5://h3:3", all.select(target, false).toString(), "HTTP_PROXY is ignored, as curl does");
        assertEquals("socks5://h3:3", all.select(target, true).toString());
        assertNull(Proxies.of(null, null, Map.of("all_proxy", "socks5://h3:3"), false).select(target, false), "connect and tls-get read no variables");
        assertNull(Proxies.of("", null, Map.of("all_proxy", "socks5://h3:3"), true).select(target, false), "--proxy '' turns them off");
        Proxies explicit = Proxies.of("socks4://h4:4", "example.com", Map.of("all_proxy", "socks5://h3:3"), true);
        assertNull(explicit.select(target, false), "--noproxy applies to --proxy too");
        assertEquals("socks4://h4:4", explicit.select(new Endpoint("other.test", 1), false).toString());
        NkException bad = assertThrows(NkException.class, () -> Proxies.of(null, null, Map.of("HTTPS_PROXY", "gopher://x"), true));
        assertEquals("the HTTPS_PROXY variable: unknown proxy scheme 'gopher' in gopher://x (socks4, socks4a, socks5, socks5h, http, https)",
                bad.getMessage());
    }
}
