package dev.netknife.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netknife.ExitCode;
import dev.netknife.NkException;
import dev.netknife.http.HttpUrl;
import dev.netknife.io.Conn;
import dev.netknife.io.DialOptions;
import dev.netknife.io.IpVersion;
import dev.netknife.io.Server;
import dev.netknife.io.Timings;
import dev.netknife.support.Accept;
import dev.netknife.support.RawWsPeer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The echo server and the client's connection, used as the packages offer them: no command line. */
class WsEchoServerTest {
    private static final WsSession.Options SESSION = new WsSession.Options(1 << 20, 0);

    /** An echo server on an ephemeral loopback port; {@code stops} gets each connection's failure (null when it ended well). */
    private record Running(Server server, WsEchoServer echo, Thread loop, List<String> log, CopyOnWriteArrayList<String> stops)
            implements AutoCloseable {
        static Running start(List<String> subprotocols) {
            List<String> log = new CopyOnWriteArrayList<>();
            CopyOnWriteArrayList<String> stops = new CopyOnWriteArrayList<>();
            WsEchoServer echo = new WsEchoServer(new WsEchoServer.Config(subprotocols, SESSION), new WsEchoServer.Events() {
                @Override
                public void upgraded(InetSocketAddress client, String target, String subprotocol) {
                    log.add("upgraded " + target + " " + subprotocol);
                }

                @Override
                public void message(InetSocketAddress client, Message message) {
                    log.add((message.text() ? "text " : "binary ") + message.length());
                }

                @Override
                public void closed(InetSocketAddress client, WsSession.Close close) {
                    log.add("closed " + close.code());
                }
            });
            Server server = Server.bind(new Server.Config(InetAddress.getLoopbackAddress(), 0, 0, 0, null), echo::serve, new Server.Events() {
                @Override
                public void closed(Conn conn, Throwable failure, boolean idle) {
                    stops.add(failure == null ? "ok" : String.valueOf(failure.getMessage()));
                }
            });
            return new Running(server, echo, Thread.ofVirtual().start(server::serve), log, stops);
        }

        int port() {
            return server.address().getPort();
        }

        @Override
        public void close() throws InterruptedException {
            loop.interrupt();
            server.close();
            loop.join();
        }
    }

    @Test
    void theClientSessionGetsEveryMessageBackAndBothEndsCloseNormally() throws Exception {
        try (Running running = Running.start(List.of("chat"))) {
            List<String> received = new CopyOnWriteArrayList<>();
            List<String> events = new CopyOnWriteArrayList<>();
            HttpUrl url = HttpUrl.parseWebSocket("ws://127.0.0.1:" + running.port() + "/room");
            WsClientSession.Config config = new WsClientSession.Config(
                    new Handshake.ClientRequest(url, List.of(), List.of("chat"), null, "nk/test"), new DialOptions(5_000, IpVersion.ANY), null, 0,
                    SESSION, new WsClient.Options(0, null, CloseCodes.NORMAL, 0, 0, WsClient.CLOSE_WAIT_MILLIS), System.nanoTime());
            WsClientSession.Outcome outcome = WsClientSession.run(config,
                    WsClient.texts(List.of("one".getBytes(StandardCharsets.UTF_8), "two".getBytes(StandardCharsets.UTF_8))),
                    listener(received), new WsClientSession.Events() {
                        @Override
                        public void timings(Timings timings) {
                            events.add("timings");
                        }

                        @Override
                        public void upgraded(Handshake.Accepted accepted, String tlsProtocol) {
                            events.add("upgraded " + accepted.subprotocol() + " " + tlsProtocol);
                        }
                    });
            assertEquals(List.of("one", "two"), received);
            assertEquals(List.of("timings", "timings", "upgraded chat null"), events);
            assertEquals(2, outcome.result().sent());
            assertEquals(2, outcome.result().received());
            assertNull(outcome.sendFailure());
            WsEnding ending = WsEnding.of(outcome.result(), outcome.session(), null, 0, null, 0, 0);
            assertEquals(ExitCode.OK, ending.code());
            assertTrue(outcome.timings().firstByteNanos() > 0);
            awaitSize(running.log(), 4);
            assertEquals(List.of("upgraded /room chat", "text 3", "text 3", "closed 1000"), running.log());
        }
    }

    @Test
    void aClientThatBreaksTheProtocolGetsItsCloseCodeAndTheServerGoesOn() throws Exception {
        try (Running running = Running.start(List.of())) {
            try (RawWsPeer bad = RawWsPeer.connect(running.port())) {
                bad.send(RawWsPeer.frame(0x81, "unmasked".getBytes(StandardCharsets.UTF_8), false)); // a client must mask
                assertEquals(CloseCodes.PROTOCOL_ERROR, bad.readCloseCode());
            }
            awaitSize(running.stops(), 1);
            assertTrue(running.stops().getFirst().contains("closed with 1002"), running.stops().toString());
            try (RawWsPeer good = RawWsPeer.connect(running.port())) {
                good.send(RawWsPeer.frame(0x81, "still here".getBytes(StandardCharsets.UTF_8), true));
                assertEquals("still here", new String(good.readFrame().payload(), StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void stoppingSaysGoingAwayToEachClient() throws Exception {
        try (Running running = Running.start(List.of());
             RawWsPeer a = RawWsPeer.connect(running.port());
             RawWsPeer b = RawWsPeer.connect(running.port())) {
            a.send(RawWsPeer.frame(0x81, "hi".getBytes(StandardCharsets.UTF_8), true));
            assertEquals("hi", new String(a.readFrame().payload(), StandardCharsets.UTF_8));
            b.send(RawWsPeer.frame(0x81, "hi".getBytes(StandardCharsets.UTF_8), true));
            assertEquals("hi", new String(b.readFrame().payload(), StandardCharsets.UTF_8)); // both upgraded and live
            running.echo().sayGoingAway();
            assertEquals(CloseCodes.GOING_AWAY, a.readCloseCode());
            assertEquals(CloseCodes.GOING_AWAY, b.readCloseCode());
        }
    }

    @Test
    void aServerThatNeverAnswersTheUpgradeIsATimeoutWithinTheConnectTimeout() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            Accept.once(listener, s -> done.get(10, TimeUnit.SECONDS)); // accepts, reads nothing, answers nothing
            HttpUrl url = HttpUrl.parseWebSocket("ws://127.0.0.1:" + listener.getLocalPort() + "/");
            WsClientSession.Config config = new WsClientSession.Config(new Handshake.ClientRequest(url, List.of(), List.of(), null, "nk/test"),
                    new DialOptions(300, IpVersion.ANY), null, 0, SESSION,
                    new WsClient.Options(0, null, CloseCodes.NORMAL, 0, 0, WsClient.CLOSE_WAIT_MILLIS), System.nanoTime());
            long start = System.nanoTime();
            NkException e = assertThrows(NkException.class, () -> WsClientSession.run(config, WsClient.texts(List.of()), listener(List.of()),
                    new WsClientSession.Events() {
                        @Override
                        public void timings(Timings timings) {
                        }

                        @Override
                        public void upgraded(Handshake.Accepted accepted, String tlsProtocol) {
                        }
                    }));
            done.complete(null);
            assertEquals(ExitCode.TIMEOUT, e.exitCode());
            assertTrue(e.getMessage().contains("no answer to the WebSocket upgrade within"), e.getMessage());
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5));
        }
    }

    /** A client listener that collects the text of each message received (WsClientTest uses it too). */
    static WsClient.Listener listener(List<String> received) {
        return new WsClient.Listener() {
            @Override
            public void message(boolean incoming, boolean text, ByteBuffer payload) {
                if (incoming) {
                    received.add(StandardCharsets.UTF_8.decode(payload).toString());
                }
            }

            @Override
            public void flush() {
            }
        };
    }

    private static void awaitSize(List<String> list, int size) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (list.size() < size && System.nanoTime() < until) {
            Thread.sleep(10);
        }
    }
}
