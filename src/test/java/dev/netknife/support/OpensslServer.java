package dev.netknife.support;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code openssl s_server} on 127.0.0.1 with a given certificate, for interop tests. */
public final class OpensslServer extends PeerProcess {

    private final java.nio.file.Path log;

    private OpensslServer(Process process, int port, java.nio.file.Path log) {
        super(process, port);
        this.log = log;
    }

    /** What s_server printed so far (stdout and stderr). */
    public String log() throws IOException {
        return Files.readString(log);
    }

    /**
     * As {@link #start} but sending every certificate of {@code cert} (leaf first, then its
     * chain), as a correctly configured server does; {@code -cert} alone sends only the leaf.
     */
    public static OpensslServer startSendingChain(Path cert, String... extra) throws IOException, InterruptedException {
        String pem = Files.readString(cert);
        int second = pem.indexOf("-----BEGIN CERTIFICATE-----", pem.indexOf("-----END CERTIFICATE-----"));
        if (second < 0) {
            return start(cert, extra);
        }
        Path rest = cert.resolveSibling(cert.getFileName() + ".chain");
        Files.writeString(rest, pem.substring(second));
        List<String> flags = new ArrayList<>(List.of("-cert_chain", rest.toString()));
        flags.addAll(List.of(extra));
        return start(cert, flags.toArray(String[]::new));
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
        return new OpensslServer(p, port, log.toPath());
    }
}
