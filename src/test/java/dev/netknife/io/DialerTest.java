package dev.netknife.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netknife.ExitCode;
import dev.netknife.NkException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DialerTest {
    private final Dialer dialer = new Dialer(DialOptions.defaults());

    @Test
    void connectsAndRecordsTimings() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                Conn conn = dialer.dial(new Endpoint("127.0.0.1", server.getLocalPort()))) {
            assertEquals(server.getLocalPort(), conn.remoteAddress().getPort());
            assertTrue(conn.timings().connectNanos() > 0);
            assertEquals(-1, conn.timings().dnsNanos(), "an address literal asks no resolver: no dns phase");
        }
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                Conn conn = dialer.dial(new Endpoint("localhost", server.getLocalPort()))) {
            assertTrue(conn.timings().dnsNanos() >= 0, "a name has one");
        }
    }

    @Test
    void refusedPortIsExit4() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        NkException e = assertThrows(NkException.class, () -> dialer.dial(new Endpoint("127.0.0.1", port)));
        assertEquals(ExitCode.REFUSED, e.exitCode());
        assertEquals("connect", e.phase());
        assertEquals("connection refused (127.0.0.1:" + port + ")", e.getMessage());
    }

    @Test
    void localhostAndNamesUnderItAreTheLoopbackWithoutALookup() {
        // RFC 6761 6.3, as curl: whatever /etc/hosts or DNS would say
        for (String name : List.of("localhost", "LocalHost.", "api.localhost", "a.b.localhost")) {
            assertTrue(Dialer.isLocalhost(name), name);
            List<InetAddress> addresses = dialer.resolve(new Endpoint(name, 80), System.nanoTime() + 1_000_000_000L);
            assertTrue(addresses.stream().allMatch(InetAddress::isLoopbackAddress), name + ": " + addresses);
            assertEquals("127.0.0.1", addresses.getFirst().getHostAddress(), name);
        }
        for (String name : List.of("localhost.example", "notlocalhost", "localhostx", "example.com")) {
            assertFalse(Dialer.isLocalhost(name), name);
        }
    }

    @Test
    void unresolvableNameIsExit3() {
        NkException e = assertThrows(NkException.class, () -> dialer.dial(new Endpoint("no-such-host.invalid", 80)));
        assertEquals(ExitCode.UNKNOWN_HOST, e.exitCode());
        assertEquals("dns", e.phase());
        assertEquals("could not resolve host no-such-host.invalid", e.getMessage());
    }

    @Test
    void connectTimeoutIsExit124InPhaseConnect() throws Exception {
        // A listener that never accepts, with its backlog full: the kernel drops further SYNs.
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Socket> fillers = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    Socket s = new Socket();
                    try {
                        s.connect(server.getLocalSocketAddress(), 200);
                        fillers.add(s);
                    } catch (java.io.IOException full) {
                        s.close();
                        break;
                    }
                }
                Dialer quick = new Dialer(new DialOptions(300, IpVersion.ANY));
                long start = System.nanoTime();
                NkException e = assertThrows(NkException.class, () -> quick.dial(new Endpoint("127.0.0.1", server.getLocalPort())));
                long tookMillis = (System.nanoTime() - start) / 1_000_000;
                assertEquals(ExitCode.TIMEOUT, e.exitCode());
                assertEquals("connect", e.phase());
                assertTrue(tookMillis >= 250 && tookMillis < 3000, "took " + tookMillis + " ms");
            } finally {
                for (Socket s : fillers) {
                    s.close();
                }
            }
        }
    }

    @Test
    void ipVersionFiltersAddresses() {
        Dialer v6 = new Dialer(new DialOptions(1000, IpVersion.V6));
        NkException e = assertThrows(NkException.class, () -> v6.dial(new Endpoint("127.0.0.1", 1)));
        assertEquals(ExitCode.USAGE, e.exitCode());
        assertEquals("127.0.0.1 is not an IPv6 address", e.getMessage());
    }

    @Test
    void dialsIpv6Loopback() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getByName("::1"));
                Conn conn = new Dialer(new DialOptions(2000, IpVersion.V6)).dial(new Endpoint("::1", server.getLocalPort()))) {
            assertEquals(InetAddress.getByName("::1"), conn.remoteAddress().getAddress());
        }
    }
}
