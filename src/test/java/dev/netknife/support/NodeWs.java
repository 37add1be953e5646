package dev.netknife.support;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The npm {@code ws} package as a peer: src/test/node holds its package.json and scripts;
 * {@code npm ci --prefix src/test/node} (done by .ci/run) installs it. Missing node or ws skips the
 * test locally and fails it under CI, saying what to run.
 */
public final class NodeWs implements AutoCloseable {
    public static final Path DIR = Path.of(System.getProperty("nk.repo", ".")).resolve("src/test/node").toAbsolutePath();

    private final Process process;
    private final int port;

    private NodeWs(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** The node executable; skips (or fails under CI) when node or the ws package is missing. */
    public static String node() {
        String node = Peers.require("node", "nodejs");
        if (!Files.isDirectory(DIR.resolve("node_modules/ws"))) {
            String message = "the npm ws package is not installed: npm ci --prefix src/test/node";
            if (System.getenv("CI") != null) {
                throw new AssertionError(message);
            }
            Assumptions.abort(message);
        }
        return node;
    }

    /** Starts ws-echo-server.js with extra arguments and waits for its address line. */
    public static NodeWs echoServer(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(node(), DIR.resolve("ws-echo-server.js").toString()));
        command.addAll(List.of(args));
        File log = File.createTempFile("nk-node-ws", ".log");
        log.deleteOnExit();
        Process p = new ProcessBuilder(command).directory(DIR.toFile()).redirectError(log).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String ready = out.readLine();
        if (ready == null || !ready.startsWith("127.0.0.1:")) {
            p.destroy();
            throw new AssertionError("ws-echo-server.js did not start: " + Files.readString(log.toPath()));
        }
        return new NodeWs(p, Integer.parseInt(ready.substring(ready.indexOf(':') + 1)));
    }

    public int port() {
        return port;
    }

    public String url() {
        return "ws://127.0.0.1:" + port + "/";
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor(5, TimeUnit.SECONDS);
    }
}
