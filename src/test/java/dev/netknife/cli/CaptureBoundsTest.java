package dev.netknife.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netknife.support.Background;
import dev.netknife.support.NkRun;
import dev.netknife.support.Tshark;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --pcap-max stops or rotates and keeps its bound under a long transfer; a killed nk leaves a file tshark reads. */
class CaptureBoundsTest {
    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;

    /** A backend that reads and counts every byte until the end of the stream. */
    private static CompletableFuture<Long> sink(ServerSocket listener) {
        CompletableFuture<Long> total = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (Socket s = listener.accept(); InputStream in = s.getInputStream()) {
                byte[] buffer = new byte[256 * 1024];
                long n = 0;
                for (int r; (r = in.read(buffer)) > 0; ) {
                    n += r;
                }
                total.complete(n);
            } catch (Exception e) {
                total.completeExceptionally(e);
            }
        });
        return total;
    }

    /** Sends {@code bytes} through the balancer at {@code port}, then half-closes and waits for its close. */
    private static void send(int port, long bytes) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            byte[] chunk = new byte[256 * 1024];
            for (long sent = 0; sent < bytes; sent += chunk.length) {
                out.write(chunk, 0, (int) Math.min(chunk.length, bytes - sent));
            }
            s.shutdownOutput();
            s.getInputStream().read();
        }
    }

    /**
     * Sends {@code bytes} through a balancer started with {@code captureOptions} to a backend that counts
     * them: every byte must arrive, and the balancer must say {@code notice} on stderr.
     */
    private static void throughBalance(long bytes, String notice, String... captureOptions) throws Exception {
        try (ServerSocket backend = new ServerSocket()) {
            backend.bind(new InetSocketAddress("127.0.0.1", 0));
            CompletableFuture<Long> received = sink(backend);
            List<String> args = new ArrayList<>(List.of("balance"));
            args.addAll(List.of(captureOptions));
            args.addAll(List.of("0", "127.0.0.1:" + backend.getLocalPort()));
            try (Background balance = Background.start(args.toArray(String[]::new))) {
                send(balance.port(), bytes);
                assertEquals(bytes, received.get(60, TimeUnit.SECONDS));
                assertTrue(balance.stderrLines().await(notice, Duration.ofSeconds(5)), balance.stderr());
            }
        }
    }

    @Test
    void aGibibyteThroughBalanceKeepsTheBoundAndLosesNoByte() throws Exception {
        Path file = dir.resolve("big.pcapng");
        throughBalance(1024 * MIB, "capturing stopped", "--pcap", file.toString(), "--pcap-max", "10M");
        assertTrue(Files.size(file) <= 10 * MIB, "size " + Files.size(file));
        assertTrue(Files.size(file) > 9 * MIB, "filled up to its bound: " + Files.size(file));
        String conv = Tshark.read(file, "-q", "-z", "conv,tcp");
        assertEquals(2, conv.lines().filter(l -> l.contains("<->")).count(), "client and backend conversations: " + conv);
    }

    @Test
    void rotationKeepsNOlderFilesEachWithinTheBoundAndReadable() throws Exception {
        Path file = dir.resolve("rot.pcapng");
        throughBalance(64 * MIB, "rotating, keeping 2 older file(s)", "--pcap", file.toString(), "--pcap-max", "4M", "--pcap-rotate", "2");
        for (String name : List.of("rot.pcapng", "rot.pcapng.1", "rot.pcapng.2")) {
            Path p = dir.resolve(name);
            assertTrue(Files.size(p) <= 4 * MIB, name + ": " + Files.size(p));
            // every file starts with the interfaces: tshark names both, and finds data in each
            List<String> names = Tshark.fields(p, "tcp.len > 0", "frame.interface_name").stream().distinct().sorted().toList();
            assertFalse(names.isEmpty(), name);
            assertTrue(List.of("backend", "client").containsAll(names), name + ": " + names);
        }
        assertFalse(Files.exists(dir.resolve("rot.pcapng.3")));
    }

    @Test
    void aKilledNkLeavesEveryBlockWrittenSoFarReadable() throws Exception {
        Path file = dir.resolve("killed.pcapng");
        List<String> command = new ArrayList<>(NkRun.commandLine());
        command.addAll(List.of("echo-server", "--pcap", file.toString(), "0"));
        Process server = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            String ready = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8)).readLine();
            int port = Integer.parseInt(ready.substring(ready.lastIndexOf(':') + 1));
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.getOutputStream().write("before the kill\n".getBytes(StandardCharsets.US_ASCII));
                assertEquals("before the kill\n", new String(s.getInputStream().readNBytes(16), StandardCharsets.US_ASCII));
                server.destroyForcibly(); // SIGKILL, with the connection still open
                assertTrue(server.waitFor(10, TimeUnit.SECONDS));
            }
        } finally {
            server.destroyForcibly();
        }
        List<String> data = Tshark.fields(file, "tcp.len > 0", "tcp.len");
        assertEquals(List.of("16", "16"), data);
    }
}
