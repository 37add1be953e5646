package dev.netknife.aot;

import dev.netknife.Nk;
import dev.netknife.tls.Pem;
import dev.netknife.tls.TlsServer;
import dev.netknife.term.Ttys;
import java.io.ByteArrayInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The training run behind the JDK AOT cache ({@code -XX:AOTCacheOutput}, JEP 483/514/515): the build
 * runs it once so the cache holds the classes, linkage and method profiles of the paths users hit
 * most (help, version, connect -z, an echo round trip, http-get over http and https, tls-get, usage
 * errors). Every command runs in-process through {@link Nk#execute} against servers on 127.0.0.1.
 *
 * <p>Prints one line per command, {@code ok} or {@code FAILED}; always exits 0, because a cache
 * trained on fewer paths is still better than none (a test reads the log and fails on FAILED).
 */
public final class Training {
    private final Path dir;
    private final PrintStream log;
    private final PrintStream devNull;
    private int failures;

    private Training(Path dir, PrintStream log) throws IOException {
        this.dir = dir;
        this.log = log;
        this.devNull = new PrintStream(new FileOutputStream("/dev/null"), false, StandardCharsets.UTF_8);
    }

    /**
     * {@code plain} or {@code tls}: the JVM loads every class of an AOT cache at start, so one cache
     * holding BouncyCastle would slow {@code nk --version} by ~100 ms; the launcher picks the TLS cache
     * only for command lines that speak TLS.
     */
    public static void main(String[] args) throws Exception {
        if (args.length != 1 || !List.of("plain", "tls").contains(args[0])) {
            throw new IllegalArgumentException("usage: Training plain|tls");
        }
        System.setProperty("picocli.converters.excludes", "java\\..*"); // as Nk.main does
        Path dir = Files.createTempDirectory("nk-aot-training");
        try {
            Training training = new Training(dir, System.out);
            if (args[0].equals("plain")) {
                training.plain();
            } else {
                training.tls();
            }
            System.out.println(training.failures == 0 ? "training: all commands ok" : "training: " + training.failures + " FAILED");
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private void plain() throws Exception {
        expect(0, "--version");
        expect(0, "--help");
        for (String command : List.of("connect", "udp", "ws", "chat", "balance", "monitor", "http-get", "tls-get", "echo-server")) {
            expect(0, command, "--help");
        }
        expect(2, "connect", "127.0.0.1");
        expect(2, "http-get", "ftp://127.0.0.1/");
        expect(2, "connect", "-z", "127.0.0.1", "99999");

        int closedPort = closedPort();
        try (BackgroundNk echo = new BackgroundNk("echo-server", "0");
             BackgroundNk udpEcho = new BackgroundNk("udp", "--listen", "--echo", "0");
             BackgroundNk wsEcho = new BackgroundNk("ws", "--listen", "0");
             BackgroundNk chat = new BackgroundNk("chat", "serve", "--history", "10", "0");
             BackgroundNk balance = new BackgroundNk("balance", "--drain-timeout", "1s", "0", "127.0.0.1:" + closedPort,
                     "127.0.0.1:" + echo.port());
             TrainingHttpServer http = new TrainingHttpServer(null)) {
            String udpPort = String.valueOf(udpEcho.port());
            for (int i = 0; i < 5; i++) {
                expect(0, "udp", "--send", "ping", "--count", "1", "127.0.0.1", udpPort);
            }
            expectWithInput("a\nb\nc\n".getBytes(StandardCharsets.US_ASCII), 0, "udp", "--count", "3", "127.0.0.1", udpPort);
            expect(0, "--json", "udp", "--send", "ping", "--expect", "pi", "127.0.0.1", udpPort);
            String wsUrl = "ws://127.0.0.1:" + wsEcho.port() + "/";
            StringBuilder messages = new StringBuilder();
            for (int i = 0; i < 2000; i++) {
                messages.append("message ").append(i).append(" of the AOT training run\n");
            }
            for (int i = 0; i < 3; i++) {
                expectWithInput(messages.toString().getBytes(StandardCharsets.US_ASCII), 0, "ws", wsUrl);
            }
            expect(0, "ws", "--send", "hi", "--count", "1", wsUrl);
            expect(0, "--json", "ws", "--send", "hi", "--expect", "h", wsUrl);
            expectWithInput(new byte[256 * 1024], 0, "ws", "--binary", "--hex", wsUrl);
            expect(0, "monitor", "--once", "127.0.0.1:" + echo.port(), "http://127.0.0.1:" + http.port() + "/small");
            expect(7, "--json", "monitor", "--once", "127.0.0.1:" + echo.port(), "127.0.0.1:" + closedPort);
            expect(0, "monitor", "--wait", "--interval", "50ms", "127.0.0.1:" + echo.port());
            for (int i = 0; i < 3; i++) {
                expectWithInput("hello\n/me trains\n/who\n/msg nobody hi\n/help\n".getBytes(StandardCharsets.US_ASCII), 0,
                        "chat", "--nick", "trainer" + i, "127.0.0.1", String.valueOf(chat.port()));
            }
            String echoPort = String.valueOf(echo.port());
            for (int i = 0; i < 20; i++) {
                expect(0, "connect", "-z", "127.0.0.1", echoPort);
            }
            expect(0, "--json", "connect", "-z", "127.0.0.1", echoPort);
            expect(4, "connect", "-z", "127.0.0.1", String.valueOf(closedPort));
            expect(4, "connect", "127.0.0.1", String.valueOf(closedPort));
            expect(4, "connect", "-z", "127.0.0.1", closedPort + "-" + (closedPort + 2)); // a range, all closed
            byte[] data = new byte[4 << 20];
            for (int i = 0; i < 3; i++) {
                expectWithInput(data, 0, "connect", "127.0.0.1", echoPort);
                expectWithInput(data, 0, "connect", "127.0.0.1", String.valueOf(balance.port()));
            }
            expectWithInput("ping\n".getBytes(StandardCharsets.US_ASCII), 0, "connect", "--expect", "pi.g", "127.0.0.1", echoPort);
            http("http://127.0.0.1:" + http.port(), List.of());
        }
    }

    private void tls() throws Exception {
        TlsServer tls = TlsServer.create(new TlsServer.Config(null, null, List.of(), 10_000, null));
        Path cacert = dir.resolve("ca.pem");
        Files.writeString(cacert, Pem.write(List.of(tls.certificate())));
        try (BackgroundNk tlsEcho = new BackgroundNk("echo-server", "--tls", "0");
             BackgroundNk wssEcho = new BackgroundNk("ws", "--listen", "--tls", "0");
             TrainingHttpServer https = new TrainingHttpServer(tls)) {
            byte[] data = new byte[4 << 20];
            for (int i = 0; i < 3; i++) {
                expectWithInput(data, 0, "connect", "--tls", "--insecure", "127.0.0.1", String.valueOf(tlsEcho.port()));
            }
            http("https://127.0.0.1:" + https.port(), List.of("--cacert", cacert.toString()));
            expectWithInput("wss\n".repeat(500).getBytes(StandardCharsets.US_ASCII), 0, "ws", "--insecure",
                    "wss://127.0.0.1:" + wssEcho.port() + "/");
            String tlsTarget = "127.0.0.1:" + https.port();
            expect(0, "tls-get", "--cacert", cacert.toString(), tlsTarget);
            expect(0, "--json", "tls-get", "--cacert", cacert.toString(), tlsTarget);
            expect(5, "tls-get", tlsTarget);
            expect(0, "tls-get", "--insecure", "--repeat", "20", tlsTarget);
        }
    }

    private void http(String base, List<String> tlsArgs) {
        for (int round = 0; round < 3; round++) {
            List<String> many = new ArrayList<>(tlsArgs);
            for (int i = 0; i < 300; i++) {
                many.add(base + "/small" + i);
            }
            expect(0, line("http-get", many));
            expect(0, line("http-get", tlsArgs, "-o", dir.resolve("big" + round).toString(), base + "/big"));
            expect(0, line("http-get", tlsArgs, base + "/big"));
        }
        expect(0, line("http-get", tlsArgs, "-i", "--compressed", base + "/small"));
        expect(0, line("http-get", tlsArgs, "-I", base + "/small"));
        expect(0, line("http-get", tlsArgs, "-L", "--timing", base + "/redirect"));
        expect(0, line("http-get", tlsArgs, base + "/chunked"));
        expect(7, line("http-get", tlsArgs, "--fail", base + "/missing"));
        expect(0, line("--json", "http-get", tlsArgs, base + "/small"));
        expect(0, line("-v", "http-get", tlsArgs, "--parallel", "4", base + "/a", base + "/b", base + "/c", base + "/d"));
    }

    /** A command line from strings and lists of strings. */
    private static String[] line(Object... parts) {
        List<String> all = new ArrayList<>();
        for (Object part : parts) {
            if (part instanceof List<?> list) {
                list.forEach(item -> all.add((String) item));
            } else {
                all.add((String) part);
            }
        }
        return all.toArray(String[]::new);
    }

    private void expect(int code, String... args) {
        expectWithInput(new byte[0], code, args);
    }

    private void expectWithInput(byte[] stdin, int code, String... args) {
        String line = String.join(" ", args);
        String shown = line.length() > 120 ? line.substring(0, 117) + "..." : line;
        int got;
        try {
            got = nk(new ByteArrayInputStream(stdin), devNull, args);
        } catch (RuntimeException e) {
            failures++;
            log.println("FAILED nk " + shown + ": " + e);
            return;
        }
        if (got == code) {
            log.println("ok     nk " + shown);
        } else {
            failures++;
            log.println("FAILED nk " + shown + ": exit " + got + ", expected " + code);
        }
    }

    private int nk(InputStream in, PrintStream out, String... args) {
        return new Nk(in, out, devNull, Map.of(), Ttys.NONE).execute(args);
    }

    private static int closedPort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    /** An nk server command on its own thread; ready when it printed its address, stopped as Ctrl-C stops it. */
    private final class BackgroundNk implements AutoCloseable {
        private final Thread thread;
        private final FirstLine ready = new FirstLine();

        BackgroundNk(String... args) throws InterruptedException {
            PrintStream out = new PrintStream(ready, true, StandardCharsets.UTF_8);
            thread = Thread.ofPlatform().daemon().start(() -> nk(InputStream.nullInputStream(), out, args));
            if (!ready.await()) {
                throw new IllegalStateException("nk " + String.join(" ", args) + " printed no address");
            }
        }

        int port() {
            String address = ready.line();
            return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
        }

        @Override
        public void close() {
            thread.interrupt();
            try {
                thread.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Collects the first line written to it. */
    private static final class FirstLine extends OutputStream {
        private final StringBuilder line = new StringBuilder();
        private final CountDownLatch done = new CountDownLatch(1);

        @Override
        public synchronized void write(int b) {
            if (done.getCount() == 0) {
                return;
            }
            if (b == '\n') {
                done.countDown();
            } else {
                line.append((char) b);
            }
        }

        boolean await() throws InterruptedException {
            return done.await(10, TimeUnit.SECONDS);
        }

        synchronized String line() {
            return line.toString();
        }
    }
}
