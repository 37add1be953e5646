package dev.netknife.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netknife.support.Background;
import dev.netknife.support.NkRun;
import dev.netknife.support.Peers;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** nk chat serve with raw socket clients (as nc and telnet users are), nk's own client, ncat and nc. */
class ChatCommandTest {

    /** A chat participant on a plain socket. */
    static final class Peer implements AutoCloseable {
        final Socket socket;
        final BufferedReader in;
        final OutputStream out;

        Peer(int port, String nick) throws IOException {
            this(port, nick, 0);
        }

        /** {@code receiveBuffer} 0 = the default. */
        Peer(int port, String nick, int receiveBuffer) throws IOException {
            socket = new Socket();
            if (receiveBuffer > 0) {
                socket.setReceiveBufferSize(receiveBuffer);
            }
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", port));
            socket.setSoTimeout(5000);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            out = socket.getOutputStream();
            if (nick != null) {
                say(nick);
                await("* you are " + nick);
            }
        }

        void say(String line) throws IOException {
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        void sayRaw(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        /** Reads until a line starting with {@code prefix}; returns it. */
        String await(String prefix) throws IOException {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.startsWith(prefix)) {
                    return line;
                }
            }
            throw new AssertionError("closed before a line starting with " + prefix);
        }

        /** True if nothing arrives for {@code millis} (other than lines starting with {@code ignored}). */
        boolean quietFor(long millis) throws IOException {
            socket.setSoTimeout((int) millis);
            try {
                return in.readLine() == null;
            } catch (SocketTimeoutException e) {
                return true;
            } finally {
                socket.setSoTimeout(5000);
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Test
    void broadcastActionsWhoRenameAndPrivateMessages() throws Exception {
        try (Background server = Background.start("chat", "serve", "0");
             Peer alice = new Peer(server.port(), "alice");
             Peer bob = new Peer(server.port(), "bob");
             Peer carol = new Peer(server.port(), "carol")) {
            alice.await("* bob joined");
            alice.await("* carol joined");
            bob.say("hello everyone");
            assertEquals("<bob> hello everyone", alice.await("<"));
            assertEquals("<bob> hello everyone", carol.await("<"));
            bob.say("/me waves");
            assertEquals("* bob waves", alice.await("* bob"));
            alice.say("/who");
            assertEquals("* here (3): alice, bob, carol", alice.await("* here"));
            alice.say("/msg bob just between us");
            assertEquals("-> <bob> just between us", alice.await("->"));
            assertEquals("[private] <alice> just between us", bob.await("[private]"));
            carol.say("/nick Caroline");
            assertEquals("* carol is now Caroline", bob.await("* carol"));
            alice.say("/dance");
            assertEquals("* unknown command /dance (try /help)", alice.await("* unknown"));
            bob.say("after");
            for (String line = carol.in.readLine(); !line.equals("<bob> after"); line = carol.in.readLine()) {
                assertFalse(line.contains("just between us"), "carol saw the private message: " + line);
            }
        }
    }

    @Test
    void nicknamesAreValidatedAndUnique() throws Exception {
        try (Background server = Background.start("chat", "serve", "0");
             Peer first = new Peer(server.port(), "Neo");
             Peer second = new Peer(server.port(), null)) {
            second.say("neo");
            assertEquals("* the nickname neo is taken; send another", second.await("* the nickname"));
            second.say("no spaces allowed");
            assertTrue(second.await("* nicknames are").startsWith("* nicknames are 1 to 32 letters"));
            second.say("/nick trinity");
            second.await("* you are trinity");
            first.await("* trinity joined");
        }
    }

    @Test
    void escapesAreStrippedAndBadLinesRefused() throws Exception {
        try (Background server = Background.start("chat", "serve", "--max-line", "64", "0");
             Peer mallory = new Peer(server.port(), "mallory");
             Peer victim = new Peer(server.port(), "victim")) {
            mallory.say("\u001b]0;pwned\u0007hi\u001b[31m there\u001b[0m\u0007\u202e!");
            assertEquals("<mallory> hi there!", victim.await("<"));
            mallory.say("x".repeat(65));
            assertTrue(mallory.await("* that line is longer than 64 bytes").endsWith("not sent"));
            mallory.sayRaw(new byte[] {'b', 'a', 'd', (byte) 0xc3, 0x28, '\n'});
            assertEquals("* that line is not UTF-8; not sent", mallory.await("* that line is not"));
            mallory.say("still ok");
            assertEquals("<mallory> still ok", victim.await("<"), "nothing from the refused lines reached the others");
        }
    }

    @Test
    void twoHundredClientsEachGetEveryMessageInOrderPerSender() throws Exception {
        int clients = 200;
        int messages = 5;
        try (Background server = Background.start("chat", "serve", "--rate", "1000/s", "0")) {
            List<Peer> peers = new ArrayList<>();
            try {
                for (int i = 0; i < clients; i++) {
                    peers.add(new Peer(server.port(), "user" + i));
                }
                Map<Integer, Map<String, Integer>> seen = new ConcurrentHashMap<>();
                List<Thread> readers = new ArrayList<>();
                int expected = (clients - 1) * messages;
                for (int i = 0; i < clients; i++) {
                    Peer p = peers.get(i);
                    int me = i;
                    readers.add(Thread.ofVirtual().start(() -> {
                        Map<String, Integer> last = new HashMap<>();
                        int got = 0;
                        try {
                            while (got < expected) {
                                String line = p.await("<");
                                String sender = line.substring(1, line.indexOf('>'));
                                int n = Integer.parseInt(line.substring(line.lastIndexOf(' ') + 1));
                                if (n != last.getOrDefault(sender, -1) + 1) {
                                    throw new AssertionError("out of order from " + sender + ": " + line);
                                }
                                last.put(sender, n);
                                got++;
                            }
                        } catch (IOException e) {
                            throw new AssertionError(e);
                        }
                        seen.put(me, last);
                    }));
                }
                for (int m = 0; m < messages; m++) {
                    for (int i = 0; i < clients; i++) {
                        peers.get(i).say("message " + m);
                    }
                }
                for (Thread t : readers) {
                    t.join(TimeUnit.SECONDS.toMillis(30));
                }
                assertEquals(clients, seen.size(), "every client got all " + expected + " messages, in order per sender");
            } finally {
                for (Peer p : peers) {
                    p.close();
                }
            }
        }
    }

    @Test
    void aClientThatNeverReadsIsDroppedAndSlowsNoOne() throws Exception {
        try (Background server = Background.start("--json", "chat", "serve", "--rate", "100000/s", "0");
             Peer stalled = new Peer(server.port(), "stalled", 4096);
             Peer talker = new Peer(server.port(), "talker");
             Peer listener = new Peer(server.port(), "listener")) {
            String text = "y".repeat(1000);
            long start = System.nanoTime();
            Thread reading = Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i < 12_000; i++) {
                        listener.await("<talker>");
                    }
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            });
            for (int i = 0; i < 12_000; i++) {
                talker.say(text); // 12 MB: more than the kernel's socket buffers and the 1 MiB queue hold for the stalled client
            }
            reading.join(20_000);
            assertFalse(reading.isAlive(), "the listener got all 12,000 lines");
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(15));
            assertTrue(server.stdoutLines().await("\"event\":\"kick\",\"nick\":\"stalled\"", Duration.ofSeconds(5)), server.stdout());
            assertTrue(server.stdoutLines().await("\"event\":\"leave\",\"nick\":\"stalled\"", Duration.ofSeconds(5)), server.stdout());
        }
    }

    @Test
    void rateLimitWarnsThenKicks() throws Exception {
        try (Background server = Background.start("chat", "serve", "--rate", "2/m", "0");
             Peer spammer = new Peer(server.port(), "spammer");
             Peer other = new Peer(server.port(), "other")) {
            spammer.say("one");
            spammer.say("two");
            spammer.say("three");
            assertTrue(spammer.await("* slow down").contains("at most 2/m"));
            spammer.say("four");
            assertEquals("* disconnected: more than 2/m messages", spammer.await("* disconnected"));
            assertEquals("<spammer> one", other.await("<"));
            assertEquals("<spammer> two", other.await("<"));
            assertEquals("* spammer left", other.await("* spammer left"));
        }
    }

    @Test
    void historyMaxClientsAndTheShutdownNotice() throws Exception {
        try (Background server = Background.start("chat", "serve", "--history", "2", "--max-clients", "2", "0")) {
            try (Peer a = new Peer(server.port(), "a")) {
                a.say("first");
                a.say("second");
                a.say("third");
                a.say("/who");
                a.await("* here"); // the server has handled the three messages
                try (Peer b = new Peer(server.port(), null)) {
                    b.say("b");
                    assertEquals("<a> second", b.await("<"));
                    assertEquals("<a> third", b.await("<"));
                    try (Peer c = new Peer(server.port(), null)) {
                        assertTrue(c.await("* the server is full").contains("2 clients"));
                    }
                    server.stop();
                    assertEquals("* the server is shutting down", b.await("* the server is"));
                }
            }
        }
    }

    @Test
    void aPipedClientWhoseNicknameIsTakenFailsWithSevenAndSendsNothing() throws Exception {
        try (Background server = Background.start("chat", "serve", "0"); Peer alice = new Peer(server.port(), "alice")) {
            NkRun.Result r = NkRun.run("deployed\n".getBytes(StandardCharsets.UTF_8), "chat", "--nick", "alice", "127.0.0.1",
                    String.valueOf(server.port()));
            assertEquals(7, r.code(), r.toString());
            assertEquals("nk: chat: the server refused the nickname alice: the nickname alice is taken\n", r.stderr());
            alice.say("/who");
            assertEquals("* here (1): alice", alice.await("* here"), "'deployed' did not join under its own name");
        }
    }

    @Test
    void aPipedClientPacesItselfUnderTheServersRateAndEveryLineArrives() throws Exception {
        try (Background server = Background.start("chat", "serve", "--rate", "50/s", "0"); Peer watcher = new Peer(server.port(), "watcher")) {
            StringBuilder input = new StringBuilder();
            for (int i = 1; i <= 60; i++) {
                input.append("line ").append(i).append('\n');
            }
            NkRun.Result r = NkRun.run(input.toString().getBytes(StandardCharsets.UTF_8), "chat", "--nick", "bulk", "127.0.0.1",
                    String.valueOf(server.port()));
            assertEquals(0, r.code(), r.toString());
            for (int i = 1; i <= 60; i++) {
                assertEquals("<bulk> line " + i, watcher.await("<bulk>"));
            }
        }
    }

    @Test
    void aTlsChatServerWithoutTlsIsExitSix() throws Exception {
        try (Background server = Background.start("chat", "serve", "--tls", "0")) {
            NkRun.Result r = NkRun.run("hello\n".getBytes(StandardCharsets.UTF_8), "chat", "--nick", "alice", "127.0.0.1",
                    String.valueOf(server.port()));
            assertEquals(6, r.code(), r.toString());
            assertTrue(r.stderr().startsWith("nk: chat: 127.0.0.1:" + server.port() + " is not a chat server: "), r.stderr());
            assertTrue(r.stderr().contains("try --tls"), r.stderr());
        }
    }

    @Test
    void ownLinesShowAsTheOthersSeeThem() {
        assertEquals("<alice> hi there", ChatJoin.ownLine("alice", "hi there"));
        assertEquals("* alice waves", ChatJoin.ownLine("alice", "/me waves"));
        assertEquals(null, ChatJoin.ownLine("alice", "/who"));
        assertEquals(null, ChatJoin.ownLine("alice", "   "));
    }

    @Test
    void nkClientNcatAndNcTalkToTheServer() throws Exception {
        String ncat = Peers.require("ncat", "ncat");
        String nc = Peers.require("nc.openbsd", "netcat-openbsd");
        try (Background server = Background.start("chat", "serve", "0");
             Peer watcher = new Peer(server.port(), "watcher")) {
            NkRun.Result nk = NkRun.run("hello from nk\n".getBytes(StandardCharsets.UTF_8), "chat", "--nick", "nkuser", "127.0.0.1",
                    String.valueOf(server.port()));
            assertEquals(0, nk.code(), nk.toString());
            assertTrue(nk.out().contains("* you are nkuser"), nk.out());
            assertEquals("<nkuser> hello from nk", watcher.await("<"));

            for (String[] client : new String[][] {{ncat, "127.0.0.1", String.valueOf(server.port())},
                {nc, "-N", "127.0.0.1", String.valueOf(server.port())}}) {
                Process p = new ProcessBuilder(client).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                String name = client[0].contains("ncat") ? "ncatuser" : "ncuser";
                p.getOutputStream().write((name + "\nhi from " + name + "\n").getBytes(StandardCharsets.UTF_8));
                p.getOutputStream().close();
                assertEquals("<" + name + "> hi from " + name, watcher.await("<"));
                assertTrue(p.waitFor(10, TimeUnit.SECONDS), name + " ended");
            }
        }
    }

    @Test
    void clientRendersNicknamesInStableColours() {
        dev.netknife.term.Style colour = new dev.netknife.term.Style(true);
        String once = ChatJoin.render("<Alice> hi", colour);
        assertEquals(once, ChatJoin.render("<Alice> hi", colour));
        assertTrue(once.contains("\u001b[") && once.endsWith(" hi"), once);
        assertEquals("<Alice> hi", ChatJoin.render("<Alice> hi", new dev.netknife.term.Style(false)));
    }
}
