package dev.netknife.support;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@code openssl s_server} on 127.0.0.1 with a given certificate, for interop tests. */
public final class OpensslServer implements AutoCloseable {
    private final Process process;
    private final int port;

    private OpensslServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts {@code openssl s_server -www} (answers every request with an HTML status page) plus extra flags. */
    public static OpensslServer start(Path cert, String... extra) throws IOException, InterruptedException {
        String openssl = Peers.require("openssl", "openssl");
        int port = Peers.freePort();
        List<String> command = new ArrayList<>(List.of(openssl, "s_server", "-accept", "127.0.0.1:" + port,
                "-cert", cert.toString(), "-key", TestCerts.keyOf(cert).toString(), "-www"));
        command.addAll(List.of(extra));
        File log = File.createTempFile("s_server", ".log");
        log.deleteOnExit();
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
        Peers.awaitListening(port, 5000);
        return new OpensslServer(p, port);
    }

    public int port() {
        return port;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor(5, TimeUnit.SECONDS);
    }
}
