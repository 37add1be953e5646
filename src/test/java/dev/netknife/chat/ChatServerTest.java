package dev.netknife.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The chat server under a flood: senders wait for members that read slowly; members that stall are dropped. */
class ChatServerTest {

    private static final int LINES = 10_000;
    private static final int LINE_BYTES = 1_000;
    private static final long READ_BYTES_PER_SECOND = 2_000_000;

    @Test
    void aFloodWaitsForASlowReaderAndDropsOnlyTheMemberThatNeverReads() throws Exception {
        try (RunningChat running = RunningChat.start(null);
             Socket reader = join(running, "reader", 64 * 1024);
             Socket silent = join(running, "silent", 16 * 1024);
             Socket flooder = join(running, "flooder", 64 * 1024)) {
            awaitMembers(running, 3);

            AtomicInteger received = new AtomicInteger();
            AtomicReference<String> outOfOrder = new AtomicReference<>();
            Thread reading = Thread.ofVirtual().start(() -> readPaced(reader, received, outOfOrder));
            Thread draining = Thread.ofVirtual().start(() -> discard(flooder)); // the flooder reads what it is told
            OutputStream out = flooder.getOutputStream();
            String filler = "x".repeat(LINE_BYTES - 8);
            for (int i = 0; i < LINES; i++) {
                out.write(String.format("%06d %s%n", i, filler).getBytes(StandardCharsets.US_ASCII));
            }
            out.flush();

            reading.join(Duration.ofSeconds(60));
            assertEquals(null, outOfOrder.get(), "the slow reader got the flood in order");
            assertEquals(LINES, received.get(), "the slow reader got every line of the 10 MB flood");
            List<ChatServer.Event> kicks = running.events().stream().filter(e -> e.type().equals("kick")).toList();
            assertEquals(1, kicks.size(), "only one member dropped: " + kicks);
            assertEquals("silent", kicks.getFirst().nick());
            assertTrue(kicks.getFirst().detail().startsWith("stalled: took nothing for 2s"), kicks.getFirst().detail());
            assertEquals(2, running.chat().members(), "the flooder and the slow reader are still members");
            draining.interrupt();
        }
    }

    private static Socket join(RunningChat running, String nick, int receiveBuffer) throws IOException {
        Socket s = new Socket();
        s.setReceiveBufferSize(receiveBuffer);
        s.connect(running.server().address());
        s.setSoTimeout(30_000);
        s.getOutputStream().write((nick + "\n").getBytes(StandardCharsets.US_ASCII));
        return s;
    }

    private static void awaitMembers(RunningChat running, int count) throws InterruptedException {
        for (int i = 0; i < 500 && running.chat().members() < count; i++) {
            Thread.sleep(10);
        }
        assertEquals(count, running.chat().members(), "members joined");
    }

    /** Reads at about 2 MB/s, counting the flooder's lines and checking they come in order. */
    private static void readPaced(Socket socket, AtomicInteger received, AtomicReference<String> outOfOrder) {
        byte[] buffer = new byte[16 * 1024];
        StringBuilder line = new StringBuilder();
        long start = System.nanoTime();
        long total = 0;
        try {
            InputStream in = socket.getInputStream();
            while (received.get() < LINES) {
                int n = in.read(buffer);
                if (n < 0) {
                    return;
                }
                total += n;
                for (int i = 0; i < n; i++) {
                    if (buffer[i] != '\n') {
                        line.append((char) buffer[i]);
                        continue;
                    }
                    if (line.toString().startsWith("<flooder> ")) {
                        int number = Integer.parseInt(line.substring(10, 16));
                        if (number != received.getAndIncrement() && outOfOrder.get() == null) {
                            outOfOrder.set("line " + number + " came as the " + received.get() + "th");
                        }
                    }
                    line.setLength(0);
                }
                long due = start + total * 1_000_000_000L / READ_BYTES_PER_SECOND;
                long ahead = due - System.nanoTime();
                if (ahead > 0) {
                    Thread.sleep(Duration.ofNanos(ahead));
                }
            }
        } catch (IOException | InterruptedException e) {
            // the count tells what arrived
        }
    }

    private static void discard(Socket socket) {
        byte[] buffer = new byte[4096];
        try {
            InputStream in = socket.getInputStream();
            while (in.read(buffer) >= 0) {
                // notices only
            }
        } catch (IOException e) {
            // closed at the end
        }
    }
}
