package dev.netknife.support;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code openssl s_server} on 127.0.0.1 with a given certificate, for interop tests. */
public final class OpensslServer extends PeerProcess {

    private OpensslServer(Process process, int port) {
        super(process, port);
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
}
