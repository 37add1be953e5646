package dev.netknife.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netknife.support.Accept;
import dev.netknife.support.OpensslServer;
import dev.netknife.support.Peers;
import dev.netknife.support.Program;
import dev.netknife.support.RawWsPeer;
import dev.netknife.support.TestCerts;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The native executable ({@code ./mvnw -Pnative package}: target/nk) as a user runs it, for what
 * differs from the JVM: how it says what it is, signals and shutdown hooks, the CA store it carries
 * without a java.home, colour without warnings. The command-line suites run against it as well
 * ({@code -Pnative verify}: cli/ and cases/ with {@code nk.binary}).
 */
class NativeExecutableIT {
    private static final Path REPO = Path.of(System.getProperty("nk.repo", "."));
    private static Path nk;

    @BeforeAll
    static void findTheExecutable() {
        String named = System.getProperty("nk.binary", "");
        nk = named.isBlank() ? REPO.resolve("target/nk") : Path.of(named).toAbsolutePath();
        if (!Files.isExecutable(nk)) {
            String message = "no native executable at " + nk + " (./mvnw -Pnative package builds it)";
            if (!named.isBlank()) {
                throw new AssertionError(message);
            }
            Assumptions.abort(message);
        }
    }

    private static ProcessBuilder builder(String... args) {
        List<String> command = new ArrayList<>(List.of(nk.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().remove("JAVA_HOME");
        return pb;
    }

    private static Program.Result run(String... args) throws Exception {
        return Program.run(builder(args));
    }

    @Test
    void versionSaysNativeAndNothingElseIsPrinted() throws Exception {
        Program.Result r = run("--version");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().matches("nk \\S+ \\(commit \\w+\\)\\nruntime: native executable \\(GraalVM Native Image, Java 25\\S* .*\\), Linux \\S+\\n"),
                r.out());
        assertEquals("", r.err());
    }

    @Test
    void theDevLauncherRunsTheNativeExecutableWhenItIsCurrent() throws Exception {
        Assumptions.assumeTrue(nk.equals(REPO.resolve("target/nk").toAbsolutePath()), "nk.binary names another executable");
        long built = Files.getLastModifiedTime(nk).toMillis();
        try (var sources = java.util.stream.Stream.concat(Files.walk(REPO.resolve("src/main")), java.util.stream.Stream.of(REPO.resolve("pom.xml")))) {
            Assumptions.assumeTrue(sources.allMatch(f -> f.toFile().lastModified() <= built), "target/nk is older than src/main or pom.xml");
        }
        Process p = new ProcessBuilder(REPO.resolve("nk").toString(), "--version").start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertTrue(out.contains("runtime: native executable"), out);
    }

    @Test
    void colourComesWithoutAnyWarning() throws Exception {
        Program.Result r = run("--color=always", "connect", "-z", "127.0.0.1", String.valueOf(Peers.closedPort()));
        assertEquals(4, r.code(), r.err());
        assertTrue(r.out().contains("\u001b["), r.out());
        assertEquals("", r.err());
    }

    @Test
    void sigtermStopsAServerWithItsSummary() throws Exception {
        stopAnEchoServerWithSigterm();
    }

    /**
     * The kernel hands SIGTERM to the process's main thread. When the server's accept loop ran there, a busy
     * machine could leave the handler running when the stop's wake-up arrived: accept(2) restarted, the
     * stop waited out its 3 s and the summary was lost (1-5 % of stops with the cores busy).
     */
    @Test
    void sigtermStopsAServerWithItsSummaryOnABusyMachine() throws Exception {
        List<Thread> spinners = new ArrayList<>();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        for (int i = 0; i < 2 * Runtime.getRuntime().availableProcessors(); i++) {
            spinners.add(Thread.ofPlatform().daemon().start(() -> {
                while (!Thread.currentThread().isInterrupted() && System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
            }));
        }
        try {
            for (int round = 0; round < 40 && System.nanoTime() < until; round++) {
                stopAnEchoServerWithSigterm();
            }
        } finally {
            spinners.forEach(Thread::interrupt);
        }
    }

    private void stopAnEchoServerWithSigterm() throws Exception {
        Path errFile = Files.createTempFile("nk-native", ".err");
        try {
            Process p = new ProcessBuilder(nk.toString(), "echo-server", "0").redirectError(errFile.toFile()).start();
            try {
                p.getOutputStream().close();
                String ready = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
                assertTrue(ready != null && ready.matches("127\\.0\\.0\\.1:\\d+"), String.valueOf(ready));
                try (Socket s = new Socket("127.0.0.1", Integer.parseInt(ready.substring(ready.indexOf(':') + 1)))) {
                    s.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
                    assertEquals("ping", new String(s.getInputStream().readNBytes(4), StandardCharsets.US_ASCII));
                }
                long signalled = System.nanoTime();
                p.destroy(); // SIGTERM: the hooks run because the server installed the exit handlers (ExitSignals)
                assertTrue(p.waitFor(10, TimeUnit.SECONDS), "stopped within 10 s");
                assertEquals("nk: echo-server: stopped: 1 connection, 4 B in, 4 B out\n", Files.readString(errFile));
                assertEquals(143, p.exitValue());
                long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - signalled);
                assertTrue(tookMillis < 2_500, "stopped in " + tookMillis + " ms, not at once");
            } finally {
                p.destroyForcibly();
            }
        } finally {
            Files.delete(errFile);
        }
    }

    @Test
    void anInterruptedDownloadLeavesNoPartFile(@TempDir Path dir) throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> release = new CompletableFuture<>();
            Accept.once(listener, s -> {
                RawWsPeer.readHead(s.getInputStream());
                s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 100000000\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().write(new byte[1 << 20]);
                s.getOutputStream().flush();
                release.get(20, TimeUnit.SECONDS); // the rest never comes
            });
            Process p = builder("http-get", "-o", dir.resolve("big.bin").toString(), "http://127.0.0.1:" + listener.getLocalPort() + "/big.bin")
                    .redirectErrorStream(true).start();
            try {
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (partBytes(dir) < (1 << 20) && System.nanoTime() < until) {
                    Thread.sleep(20);
                }
                assertEquals(1 << 20, partBytes(dir), "the download is under way in a .nk-part file");
                p.destroy(); // SIGTERM
                assertTrue(p.waitFor(10, TimeUnit.SECONDS), "stopped within 10 s");
                assertEquals(143, p.exitValue());
                try (var left = Files.list(dir)) {
                    assertEquals(List.of(), left.toList(), "nothing left behind");
                }
            } finally {
                release.complete(null);
                p.destroyForcibly();
            }
        }
    }

    private static long partBytes(Path dir) throws java.io.IOException {
        try (var files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".nk-part")).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    @Test
    void aOneOffCommandStartsNoSignalThreadAndASignalStillEndsIt() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> connected = new CompletableFuture<>();
            Accept.once(listener, s -> {
                connected.complete(null);
                s.getInputStream().readAllBytes(); // holds the connection until nk goes
            });
            Process p = builder("connect", "127.0.0.1", String.valueOf(listener.getLocalPort())).start();
            try {
                connected.get(10, TimeUnit.SECONDS);
                Thread.sleep(200); // the relay runs
                List<String> threads = threadNames(p.pid());
                assertTrue(threads.stream().noneMatch(t -> t.contains("gnal Dispatch")), threads.toString()); // "Signal Dispatcher", cut to 15 characters
                p.destroy(); // SIGTERM, with no handler installed: the default action
                assertTrue(p.waitFor(10, TimeUnit.SECONDS), "stopped within 10 s");
                assertEquals(143, p.exitValue());
            } finally {
                p.destroyForcibly();
            }
        }
    }

    private static List<String> threadNames(long pid) throws java.io.IOException {
        List<String> names = new ArrayList<>();
        try (var tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    names.add(Files.readString(task.resolve("comm")).strip());
                } catch (java.io.IOException gone) {
                    // the thread ended meanwhile
                }
            }
        }
        return names;
    }

    @Test
    void aStoppedWsClientSaysGoingAway() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Integer> closeCode = new CompletableFuture<>();
            CompletableFuture<Void> upgraded = new CompletableFuture<>();
            Accept.once(listener, s -> {
                RawWsPeer peer = RawWsPeer.serverHandshake(s);
                upgraded.complete(null);
                closeCode.complete(peer.readCloseCode());
            });
            Process p = builder("ws", "ws://127.0.0.1:" + listener.getLocalPort() + "/").start();
            upgraded.get(30, TimeUnit.SECONDS);
            Thread.sleep(300);
            p.toHandle().destroy();
            assertEquals(1001, closeCode.get(10, TimeUnit.SECONDS));
            assertTrue(p.waitFor(10, TimeUnit.SECONDS));
            assertEquals(143, p.exitValue());
        }
    }

    @Test
    void tlsVerifiesWithGivenCasAndFallsBackToTheCarriedJdkStore(@TempDir Path dir) throws Exception {
        // a native image has no java.home: the JDK's CAs are the ones the build put in the image
        TestCerts certs = new TestCerts(dir);
        String ca = certs.caFile().toString();
        try (OpensslServer server = OpensslServer.start(certs.good(), "-cert_chain", ca)) {
            Program.Result ok = run("tls-get", "--cacert", ca, "localhost:" + server.port());
            assertEquals(0, ok.code(), ok.err());
            assertTrue(ok.out().contains("verified   yes"), ok.out());
            Program.Result jdkStoreOnly = run("tls-get", "localhost:" + server.port());
            assertEquals(5, jdkStoreOnly.code(), jdkStoreOnly.out() + jdkStoreOnly.err());
        }
        try (OpensslServer server = OpensslServer.start(certs.selfSigned())) {
            Program.Result union = run("tls-get", "--cacert", ca, "localhost:" + server.port());
            assertEquals(5, union.code(), union.out() + union.err());
            assertTrue(union.err().contains("self-signed"), union.err());
        }
    }
}
