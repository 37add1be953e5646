package dev.netknife.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The real {@code ./nk} launcher as a user runs it: a separate JVM, real signals, nothing stray on
 * stderr. {@code NK_JVM=1} keeps it on the JVM build when a native target/nk is there too
 * ({@code NativeExecutableIT} tests that one).
 */
class LauncherIT {
    private final Path repo = Path.of(System.getProperty("nk.repo", "."));

    private Process nk(String... args) throws Exception {
        return nk(Map.of(), args);
    }

    private Process nk(Map<String, String> env, String... args) throws Exception {
        String[] command = new String[args.length + 1];
        command[0] = repo.resolve("nk").toString();
        System.arraycopy(args, 0, command, 1, args.length);
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().remove("JAVA_HOME");
        pb.environment().put("NK_JVM", "1");
        pb.environment().putAll(env);
        return pb.start();
    }

    private record Run(int code, String out, String err) {
    }

    private Run run(Map<String, String> env, String... args) throws Exception {
        Process p = nk(env, args);
        p.getOutputStream().close();
        // stderr on its own thread: a full stderr pipe (class-load logs) must not block the process while stdout is read
        java.util.concurrent.CompletableFuture<String> err = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return new Run(p.exitValue(), out, err.get(30, TimeUnit.SECONDS));
    }

    @Test
    void theFirstRunBuildsWithStdinAwayFromTheBuild(@org.junit.jupiter.api.io.TempDir Path checkout) throws Exception {
        // `echo hi | ./nk ws ...` on a fresh clone: Maven handed the pipe to the Java programs the build runs, and the build broke
        Files.copy(repo.resolve("nk"), checkout.resolve("nk"));
        Files.createDirectories(checkout.resolve("src/main"));
        Files.writeString(checkout.resolve("pom.xml"), "<project/>");
        Files.writeString(checkout.resolve("mvnw"), """
                #!/usr/bin/env bash
                # a stand-in build: records what its stdin was, and builds a jar that is not one
                if [[ -p /dev/stdin ]]; then echo pipe > stdin-seen; else echo not-a-pipe > stdin-seen; fi
                mkdir -p target && : > target/netknife.jar && echo "java.home = /nonexistent" > target/java-settings.txt
                """);
        for (String script : List.of("nk", "mvnw")) {
            checkout.resolve(script).toFile().setExecutable(true);
        }
        Process p = new ProcessBuilder(checkout.resolve("nk").toString(), "--version").redirectErrorStream(true).start();
        p.getOutputStream().write("hi\n".getBytes(StandardCharsets.UTF_8)); // stdin is a pipe with data in it
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertTrue(out.contains("nk: building"), out);
        assertEquals("not-a-pipe", Files.readString(checkout.resolve("stdin-seen")).strip(), out);
    }

    @Test
    void runsThroughASymlinkFromAnotherDirectory(@org.junit.jupiter.api.io.TempDir Path elsewhere) throws Exception {
        // ln -s "$PWD/nk" ~/bin/nk; cd /tmp; nk --version: the launcher looked for ./mvnw next to the link
        Path link = java.nio.file.Files.createSymbolicLink(elsewhere.resolve("nk"), repo.resolve("nk").toAbsolutePath());
        ProcessBuilder pb = new ProcessBuilder(link.toString(), "--version").directory(elsewhere.toFile());
        pb.environment().remove("JAVA_HOME");
        pb.environment().put("NK_JVM", "1");
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), err);
        assertTrue(out.startsWith("nk "), out);
        try (var left = java.nio.file.Files.list(elsewhere)) {
            assertEquals(List.of("nk"), left.map(f -> f.getFileName().toString()).toList(), "no stray target/ beside the link");
        }
    }

    @Test
    void theTrainingRunsCoveredEveryCommandTheyTried() throws Exception {
        for (String log : List.of("aot-training.log", "aot-training-tls.log")) {
            String text = Files.readString(repo.resolve("target").resolve(log));
            assertTrue(text.contains("training: all commands ok"), log + ":\n" + text);
            assertTrue(text.contains("AOTCache creation is complete"), log + ":\n" + text);
        }
    }

    @Test
    void bothAotCachesMapForTheCommandLinesTheyServe() throws Exception {
        // AOTMode=on makes the JVM fail instead of silently starting without a cache it cannot use
        Map<String, String> strict = Map.of("NK_JAVA_OPTS", "-XX:AOTMode=on");
        Run plain = run(strict, "--version");
        assertEquals(0, plain.code(), plain.err());
        Run tls = run(strict, "tls-get", "--help");
        assertEquals(0, tls.code(), tls.err());
        assertTrue(tls.out().startsWith("Usage: nk tls-get"), tls.out());
    }

    @Test
    void plainCommandsLoadNoTlsClasses() throws Exception {
        // the JVM loads every class of an AOT cache at start: BouncyCastle in the plain cache (or an
        // eager TlsClient in a command) costs every plain command ~100 ms
        Map<String, String> classes = Map.of("NK_JAVA_OPTS", "-Xlog:class+load=info:stderr");
        for (String[] command : List.of(new String[] {"--version"}, new String[] {"monitor", "--once", "127.0.0.1:1"},
                new String[] {"connect", "-z", "127.0.0.1", "1"})) {
            Run r = run(classes, command);
            assertTrue(r.err().contains("dev.netknife"), "class loading was logged");
            assertTrue(!r.err().contains("org.bouncycastle"), String.join(" ", command) + " loaded BouncyCastle");
        }
    }

    @Test
    void aCacheOlderThanTheJarIsNotUsed() throws Exception {
        Path jar = repo.resolve("target/netknife.jar");
        java.nio.file.attribute.FileTime built = Files.getLastModifiedTime(jar);
        Map<String, String> log = Map.of("NK_JAVA_OPTS", "-Xlog:aot=info:stderr");
        assertTrue(run(log, "--version").err().contains("Opened AOT cache"));
        try {
            Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 60_000));
            Run stale = run(log, "--version");
            assertEquals(0, stale.code());
            assertTrue(!stale.err().contains("Opened AOT cache"), stale.err());
        } finally {
            Files.setLastModifiedTime(jar, built);
        }
    }

    @Test
    void anUnusableAotCacheIsIgnoredWithoutAWord() throws Exception {
        Path junk = Files.createTempFile("nk-junk", ".aot");
        try {
            Files.writeString(junk, "not a cache");
            Run r = run(Map.of("NK_JAVA_OPTS", "-XX:AOTCache=" + junk), "--version");
            assertEquals(0, r.code());
            assertTrue(r.out().startsWith("nk "), r.out());
            assertEquals("", r.err());
        } finally {
            Files.delete(junk);
        }
    }

    @Test
    void versionNamesCommitAndRuntimeAndNoWarnings() throws Exception {
        Process p = nk("--version");
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
        assertTrue(out.matches("nk \\S+ \\(commit [0-9a-f]{12}\\)\\nruntime: Java 25\\S* .*\\n"), out);
        assertEquals("", err);
    }

    @Test
    void colourOutputRaisesNoNativeAccessWarning() throws Exception {
        Process p = nk("--color=always", "connect", "-z", "127.0.0.1", "1");
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(4, p.exitValue());
        assertTrue(out.contains("\u001b["), out);
        assertEquals("", err);
    }

    @Test
    void aStoppedWsClientSaysGoingAway() throws Exception {
        try (java.net.ServerSocket listener = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            java.util.concurrent.CompletableFuture<Integer> closeCode = new java.util.concurrent.CompletableFuture<>();
            java.util.concurrent.CompletableFuture<Void> upgraded = new java.util.concurrent.CompletableFuture<>();
            dev.netknife.support.Accept.once(listener, s -> {
                dev.netknife.support.RawWsPeer peer = dev.netknife.support.RawWsPeer.serverHandshake(s);
                upgraded.complete(null);
                closeCode.complete(peer.readCloseCode());
            });
            Process p = nk("ws", "ws://127.0.0.1:" + listener.getLocalPort() + "/"); // stdin stays open: it runs until stopped
            upgraded.get(30, TimeUnit.SECONDS);
            Thread.sleep(300); // past the handshake, into the exchange
            p.toHandle().destroy(); // SIGTERM alone: Process.destroy() also closes nk's stdin, and stdin's end says 1000
            assertEquals(1001, closeCode.get(10, TimeUnit.SECONDS), "the server hears 1001 going away, not a cut connection");
            assertTrue(p.waitFor(10, TimeUnit.SECONDS));
            assertEquals(143, p.exitValue());
        }
    }

    @Test
    void sigtermStopsTheServerWithASummary() throws Exception {
        java.io.File errFile = java.io.File.createTempFile("nk-launcher", ".err");
        errFile.deleteOnExit();
        ProcessBuilder pb = new ProcessBuilder(repo.resolve("nk").toString(), "echo-server", "0").redirectError(errFile);
        pb.environment().remove("JAVA_HOME");
        pb.environment().put("NK_JVM", "1");
        Process p = pb.start();
        p.getOutputStream().close();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String ready = out.readLine();
        assertTrue(ready != null && ready.matches("127\\.0\\.0\\.1:\\d+"), String.valueOf(ready));
        int port = Integer.parseInt(ready.substring(ready.indexOf(':') + 1));
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
            s.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
            assertEquals("ping", new String(s.getInputStream().readNBytes(4), StandardCharsets.US_ASCII));
        }
        p.destroy(); // SIGTERM
        assertTrue(p.waitFor(10, TimeUnit.SECONDS), "stopped within 10 s");
        String err = java.nio.file.Files.readString(errFile.toPath());
        assertEquals("nk: echo-server: stopped: 1 connection, 4 B in, 4 B out\n", err);
        assertEquals(143, p.exitValue(), "killed by SIGTERM, as the shell reports it");
    }
}
