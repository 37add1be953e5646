package dev.netknife.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netknife.support.Background;
import dev.netknife.support.NginxServer;
import dev.netknife.support.NkRun;
import dev.netknife.support.Peers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --unix-socket / -U: clients over a Unix domain socket (curl --unix-socket, ncat -U), and echo-server and connect -l listening on one. */
class UnixSocketTest {
    @TempDir
    Path dir;

    @Test
    void echoServerAndConnectOverAUnixSocket() throws Exception {
        Path socket = dir.resolve("echo.sock");
        try (Background echo = Background.start("echo-server", "--unix-socket", socket.toString())) {
            assertEquals("unix:" + socket, echo.address());
            NkRun.Result r = NkRun.run("hello over unix\n".getBytes(StandardCharsets.US_ASCII), "connect", "-U", socket.toString());
            assertEquals(0, r.code(), r.toString());
            assertEquals("hello over unix\n", r.out());
            NkRun.Result again = NkRun.run("x".getBytes(StandardCharsets.US_ASCII), "--json", "connect", "--unix-socket", socket.toString(), "localhost", "80");
            assertEquals(0, again.code(), again.toString());
            NkRun.Result busy = NkRun.run("echo-server", "-U", socket.toString());
            assertEquals(1, busy.code(), busy.toString());
            assertEquals("nk: echo-server: cannot listen on unix:" + socket + ": a server already listens there\n", busy.stderr());
        }
        for (int i = 0; i < 100 && Files.exists(socket); i++) {
            Thread.sleep(20);
        }
        assertFalse(Files.exists(socket), "the socket file goes when the server stops");
    }

    @Test
    void aStaleSocketFileIsReplacedAndOtherFilesAreNot() throws Exception {
        Path socket = dir.resolve("stale.sock");
        try (var channel = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            channel.bind(java.net.UnixDomainSocketAddress.of(socket)); // then closed without removing the file: stale
        }
        assertTrue(Files.exists(socket));
        try (Background echo = Background.start("echo-server", "-U", socket.toString())) {
            NkRun.Result r = NkRun.run("ok\n".getBytes(StandardCharsets.US_ASCII), "connect", "-U", socket.toString());
            assertEquals("ok\n", r.out(), r.toString());
        }
        Path plain = Files.writeString(dir.resolve("notes.txt"), "keep me");
        NkRun.Result refused = NkRun.run("echo-server", "-U", plain.toString());
        assertEquals(1, refused.code(), refused.toString());
        assertTrue(refused.stderr().contains("it exists and is not a socket"), refused.stderr());
        assertEquals("keep me", Files.readString(plain));
    }

    @Test
    void connectListensOnAUnixSocket() throws Exception {
        Path socket = dir.resolve("listen.sock");
        java.util.concurrent.CompletableFuture<NkRun.Result> listening = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> NkRun.run(new byte[0], "connect", "-l", "-U", socket.toString()));
        for (int i = 0; i < 250 && !Files.exists(socket); i++) {
            Thread.sleep(20);
        }
        try (var client = java.nio.channels.SocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            client.connect(java.net.UnixDomainSocketAddress.of(socket));
            client.write(java.nio.ByteBuffer.wrap("from the client\n".getBytes(StandardCharsets.US_ASCII)));
            client.shutdownOutput();
            while (client.read(java.nio.ByteBuffer.allocate(64)) >= 0) {
                // until nk closes (its stdin is empty)
            }
        }
        NkRun.Result served = listening.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(0, served.code(), served.toString());
        assertEquals("from the client\n", served.out());
        assertFalse(Files.exists(socket), "the socket file goes once the client is in");
        NkRun.Result missing = NkRun.run("connect", "-U", dir.resolve("none.sock").toString());
        assertEquals(4, missing.code(), missing.toString());
        assertTrue(missing.stderr().startsWith("nk: connect: no Unix socket at "), missing.stderr());
        NkRun.Result both = NkRun.run("connect", "-U", socket.toString(), "--proxy", "socks5://127.0.0.1:1", "h", "1");
        assertEquals(2, both.code(), both.toString());
    }

    @Test
    void balanceForwardsToUnixSocketBackends() throws Exception {
        Path socket = dir.resolve("backend.sock");
        try (Background echo = Background.start("echo-server", "-U", socket.toString());
                Background balance = Background.start("balance", "0", "unix:" + socket)) {
            NkRun.Result r = NkRun.run("through the balancer\n".getBytes(StandardCharsets.US_ASCII), "connect", "127.0.0.1", String.valueOf(balance.port()));
            assertEquals(0, r.code(), r.toString());
            assertEquals("through the balancer\n", r.out());
        }
        NkRun.Result bad = NkRun.run("balance", "0", "unix:");
        assertEquals(2, bad.code(), bad.toString());
    }

    /** Linux abstract names (@name), as socat's ABSTRACT-LISTEN and ABSTRACT-CONNECT have them. */
    @Test
    void abstractSocketNames() throws Exception {
        String socat = Peers.require("socat", "socat");
        String name = "nk-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        Process echo = new ProcessBuilder(socat, "ABSTRACT-LISTEN:" + name + ",fork", "EXEC:cat").redirectErrorStream(true).start();
        try {
            NkRun.Result r = null;
            for (int i = 0; i < 100; i++) {
                r = NkRun.run("hello abstract\n".getBytes(StandardCharsets.US_ASCII), "connect", "-U", "@" + name);
                if (r.code() != 4) {
                    break;
                }
                Thread.sleep(20); // socat is still starting
            }
            assertEquals(0, r.code(), r.toString());
            assertEquals("hello abstract\n", r.out());
        } finally {
            echo.destroy();
            echo.waitFor();
        }
        NkRun.Result nobody = NkRun.run("connect", "-U", "@" + name + "-nobody");
        assertEquals(4, nobody.code(), nobody.toString());
        assertTrue(nobody.stderr().startsWith("nk: connect: connection refused: nothing listens on unix:@" + name + "-nobody"), nobody.stderr());
        java.util.concurrent.CompletableFuture<NkRun.Result> listening = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> NkRun.run(new byte[0], "connect", "-l", "-U", "@" + name + "-l"));
        Process client = null;
        for (int i = 0; i < 250; i++) {
            Process attempt = new ProcessBuilder(socat, "-", "ABSTRACT-CONNECT:" + name + "-l").redirectErrorStream(true).start();
            attempt.getOutputStream().write("from socat\n".getBytes(StandardCharsets.US_ASCII));
            attempt.getOutputStream().close();
            if (attempt.waitFor() == 0) {
                client = attempt;
                break;
            }
            Thread.sleep(20);
        }
        assertTrue(client != null, "socat reached nk's abstract listener");
        NkRun.Result served = listening.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals("from socat\n", served.out(), served.toString());
        try (Background server = Background.start("echo-server", "-U", "@" + name + "-echo")) {
            assertEquals("unix:@" + name + "-echo", server.address());
            for (int i = 0; i < 3; i++) { // one client after another, and each served whole
                Process peer = new ProcessBuilder(socat, "-", "ABSTRACT-CONNECT:" + name + "-echo").start();
                peer.getOutputStream().write(("echo " + i + "\n").getBytes(StandardCharsets.US_ASCII));
                peer.getOutputStream().close();
                assertEquals("echo " + i + "\n", new String(peer.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
                assertEquals(0, peer.waitFor());
            }
            NkRun.Result busy = NkRun.run("echo-server", "-U", "@" + name + "-echo");
            assertEquals(1, busy.code(), busy.toString());
            assertEquals("nk: echo-server: cannot listen on unix:@" + name + "-echo: the name is in use\n", busy.stderr());
        }
    }

    /** The classic: curl --unix-socket /var/run/docker.sock http://localhost/version, here against nginx on a socket. */
    @Test
    void httpGetOverAUnixSocketKeepsTheUrlsHost() throws Exception {
        Path socket = dir.resolve("nginx.sock");
        try (NginxServer nginx = NginxServer.start(dir, "listen 127.0.0.1:PORT; listen unix:" + socket + "; location / { return 200 \"host=$host uri=$uri\\n\"; }")) {
            NkRun.Result r = NkRun.run("http-get", "-s", "--unix-socket", socket.toString(), "http://api.internal/version");
            assertEquals(0, r.code(), r.toString());
            assertEquals("host=api.internal uri=/version\n", r.out());
        }
    }

    @Test
    void wsClientOverAUnixSocketThroughSocat() throws Exception {
        String socat = Peers.require("socat", "socat");
        Path socket = dir.resolve("ws.sock");
        try (Background ws = Background.start("ws", "--listen", "0")) {
            Process relay = new ProcessBuilder(socat, "UNIX-LISTEN:" + socket + ",fork", "TCP:127.0.0.1:" + ws.port()).redirectErrorStream(true).start();
            try {
                for (int i = 0; i < 100 && !Files.exists(socket); i++) {
                    Thread.sleep(20);
                }
                NkRun.Result r = NkRun.run("hello ws\n".getBytes(StandardCharsets.US_ASCII), "ws", "--unix-socket", socket.toString(), "ws://localhost/");
                assertEquals(0, r.code(), r.toString());
                assertEquals("hello ws\n", r.out());
            } finally {
                relay.destroy();
                relay.waitFor();
            }
        }
    }
}
