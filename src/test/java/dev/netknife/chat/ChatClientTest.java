package dev.netknife.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netknife.ExitCode;
import dev.netknife.NkException;
import dev.netknife.io.Conn;
import dev.netknife.io.DialOptions;
import dev.netknife.io.Dialer;
import dev.netknife.io.Endpoint;
import dev.netknife.io.IpVersion;
import dev.netknife.io.Rate;
import dev.netknife.io.Server;
import dev.netknife.support.Accept;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The chat client's connection against the chat server and against peers that are not one: no command line. */
class ChatClientTest {

    /** A member on a plain socket. */
    private record Watcher(Socket socket, BufferedReader in) implements AutoCloseable {
        static Watcher join(int port, String nick) throws IOException {
            Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
            s.setSoTimeout(10_000);
            Watcher w = new Watcher(s, new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)));
            OutputStream out = s.getOutputStream();
            out.write((nick + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            w.await("* you are " + nick);
            return w;
        }

        String await(String prefix) throws IOException {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.startsWith(prefix)) {
                    return line;
                }
            }
            throw new AssertionError("closed before a line starting with " + prefix);
        }

        /** Every chat line ({@code <nick> ...}) until {@code nick} left. */
        List<String> linesUntilLeft(String nick) throws IOException {
            List<String> lines = new ArrayList<>();
            for (String line = in.readLine(); line != null && !line.equals("* " + nick + " left"); line = in.readLine()) {
                if (line.startsWith("<")) {
                    lines.add(line);
                }
            }
            return lines;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static Conn dial(int port) {
        return new Dialer(new DialOptions(5_000, IpVersion.ANY)).dial(Endpoint.of("127.0.0.1", String.valueOf(port)));
    }

    private static ChatClient.Input lines(List<String> lines) {
        Iterator<String> it = lines.iterator();
        return () -> it.hasNext() ? it.next() : null;
    }

    @Test
    void pipedLinesAllArriveAndTheServersGoodbyeComesAfterTheInputEnds() throws Exception {
        try (RunningChat running = RunningChat.start(Rate.parse("20/s")); Watcher watcher = Watcher.join(running.port(), "watcher")) {
            List<String> heard = new CopyOnWriteArrayList<>();
            List<String> sent = new CopyOnWriteArrayList<>();
            try (Conn conn = dial(running.port())) {
                ChatClient.run(conn, "chat", "alice", lines(List.of("build 42 ok", "second", "/me waves")), new ChatClient.Listener() {
                    @Override
                    public void line(String line) {
                        heard.add(line);
                    }

                    @Override
                    public void sent(String nick, String line) {
                        sent.add(nick + ": " + line);
                    }
                });
            }
            assertEquals(List.of("<alice> build 42 ok", "<alice> second"), watcher.linesUntilLeft("alice"));
            assertTrue(heard.stream().anyMatch(l -> l.startsWith("* you are alice")), heard.toString());
            assertEquals(List.of("alice: build 42 ok", "alice: second", "alice: /me waves"), sent);
        }
    }

    @Test
    void aRefusedNicknameFailsWithSevenAndNoInputLineIsTakenForANickname() throws Exception {
        try (RunningChat running = RunningChat.start(null); Watcher alice = Watcher.join(running.port(), "alice")) {
            List<String> input = new ArrayList<>(List.of("deployed"));
            try (Conn conn = dial(running.port())) {
                NkException e = assertThrows(NkException.class, () -> ChatClient.run(conn, "chat", "alice", lines(input), line -> { }));
                assertEquals(ExitCode.ASSERTION, e.exitCode());
                assertEquals("the server refused the nickname alice: the nickname alice is taken", e.getMessage());
            }
            assertEquals(1, running.chat().members(), "'deployed' did not join as a nickname");
        }
    }

    @Test
    void moreLinesThanTheRateAllowsArePacedAndNoneIsDropped() throws Exception {
        try (RunningChat running = RunningChat.start(Rate.parse("40/s")); Watcher watcher = Watcher.join(running.port(), "watcher")) {
            List<String> input = IntStream.rangeClosed(1, 100).mapToObj(i -> "line " + i).toList();
            long start = System.nanoTime();
            try (Conn conn = dial(running.port())) {
                ChatClient.run(conn, "chat", "bulk", lines(input), line -> { });
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals(input.stream().map(l -> "<bulk> " + l).toList(), watcher.linesUntilLeft("bulk"));
            assertTrue(millis >= 2_000, "paced: 100 lines at 40/s take 2.5 s, took " + millis + " ms");
        }
    }

    @Test
    void aKickIsAFailureNotExitZero() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Accept.once(listener, s -> {
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                OutputStream out = s.getOutputStream();
                out.write("* welcome to nk chat; send your nickname\n".getBytes(StandardCharsets.UTF_8));
                in.readLine();
                out.write("* you are bulk; 0 other(s) here\n".getBytes(StandardCharsets.UTF_8));
                in.readLine();
                out.write("* disconnected: more than 2/m messages\n".getBytes(StandardCharsets.UTF_8));
            });
            try (Conn conn = dial(listener.getLocalPort())) {
                NkException e = assertThrows(NkException.class, () -> ChatClient.run(conn, "chat", "bulk", lines(List.of("a", "b", "c")), line -> { }));
                assertEquals(ExitCode.FAILURE, e.exitCode());
                assertEquals("the server disconnected nk: more than 2/m messages", e.getMessage());
            }
        }
    }

    @Test
    void peersThatAreNotChatServersAreExitSix() throws Exception {
        assertEquals("127.0.0.1:P is not a chat server: it answered like an HTTP server: 'HTTP/1.1 400 Bad Request'",
                notAChatServer("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("127.0.0.1:P is not a chat server: it answered with binary data (a TLS server? try --tls)",
                notAChatServer(new byte[] {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x32})); // a TLS alert
        assertEquals("127.0.0.1:P is not a chat server: it closed the connection without a word (a TLS server? try --tls)",
                notAChatServer(new byte[0]));
    }

    private static String notAChatServer(byte[] answer) throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Accept.once(listener, s -> {
                new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
                s.getOutputStream().write(answer);
            });
            try (Conn conn = dial(listener.getLocalPort())) {
                NkException e = assertThrows(NkException.class, () -> ChatClient.run(conn, "127.0.0.1:P", "alice", lines(List.of("lost?")), line -> { }));
                assertEquals(ExitCode.PROTOCOL, e.exitCode());
                return e.getMessage();
            }
        }
    }

    @Test
    void aServerThatGoesAwayIsNoticedAtOnceWhileTheInputWaits() throws Exception {
        RunningChat running = RunningChat.start(null);
        CountDownLatch never = new CountDownLatch(1);
        try (Conn conn = dial(running.port())) {
            Thread stopper = Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(300);
                    running.close();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            long start = System.nanoTime();
            NkException e = assertThrows(NkException.class, () -> ChatClient.run(conn, "chat", "alice", () -> {
                try {
                    never.await(); // a terminal where nobody types
                } catch (InterruptedException stopped) {
                    Thread.currentThread().interrupt();
                }
                return null;
            }, line -> { }));
            assertEquals(ExitCode.PROTOCOL, e.exitCode());
            assertEquals("the server closed the connection (* the server is shutting down)", e.getMessage());
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "noticed at once");
            stopper.join();
        }
    }

    @Test
    void aChatServerThatDoesNotGreetStillGetsTheLines() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<String> got = new CopyOnWriteArrayList<>();
            CountDownLatch done = new CountDownLatch(1);
            Accept.once(listener, s -> { // as ncat --chat: silent until someone speaks
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    got.add(line);
                }
                done.countDown();
            });
            try (Conn conn = dial(listener.getLocalPort())) {
                ChatClient.run(conn, "chat", "alice", lines(List.of("hello")), line -> { });
            }
            assertTrue(done.await(5, TimeUnit.SECONDS));
            assertEquals(List.of("alice", "hello"), got);
        }
    }

    @Test
    void aServerThatSaysItsLinesAndClosesLosesNothingWhenThereWasNothingToSend() throws Exception {
        for (int round = 0; round < 20; round++) { // the close may come before the sender saw the input's end
            try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                Accept.once(listener, s -> {
                    new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
                    s.getOutputStream().write("<bob> hi\n* bob joined\n".getBytes(StandardCharsets.UTF_8));
                });
                List<String> heard = new CopyOnWriteArrayList<>();
                try (Conn conn = dial(listener.getLocalPort())) {
                    ChatClient.run(conn, "chat", "alice", lines(List.of()), heard::add);
                }
                assertEquals(List.of("<bob> hi", "* bob joined"), heard);
            }
        }
    }

    @Test
    void nicknamesFollowTheServersRules() {
        assertEquals("alice", ChatClient.nick("alice", "root"));
        assertEquals("j_doe-2", ChatClient.nick(null, "j.doe-2"));
        assertEquals("guest", ChatClient.nick(null, null));
        assertEquals(32, ChatClient.nick(null, "x".repeat(40)).length());
        NkException e = assertThrows(NkException.class, () -> ChatClient.nick("bad nick", null));
        assertEquals(ExitCode.USAGE, e.exitCode());
        assertFalse(ChatClient.nick(null, "a b").contains(" "));
    }
}
