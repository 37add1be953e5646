package dev.netknife.tls;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * An NSS key log file (the format of SSLKEYLOGFILE, which Wireshark and tshark read to decrypt TLS):
 * a line per secret, {@code LABEL CLIENT_RANDOM SECRET} in hex. Appended to, never truncated (several
 * processes may share one file, as with curl and browsers); created readable by its owner only.
 */
public final class KeyLog {
    private final Path file;
    private final java.util.function.Consumer<String> warnings;
    private final java.util.function.Consumer<String> capture;
    private boolean warned;

    /** {@code warnings} hears, once, that the file cannot be written (the connection goes on). */
    public KeyLog(Path file, java.util.function.Consumer<String> warnings) {
        this(file, warnings, null);
    }

    /**
     * As above, the lines also going to {@code capture} (a --pcap file's Decryption Secrets Blocks);
     * {@code file} may then be null.
     */
    public KeyLog(Path file, java.util.function.Consumer<String> warnings, java.util.function.Consumer<String> capture) {
        this.file = file;
        this.warnings = warnings;
        this.capture = capture;
    }

    public Path file() {
        return file;
    }

    /** The secrets of one handshake, gathered as they are derived and written once the client random is known. */
    Handshake handshake() {
        return new Handshake();
    }

    private synchronized void write(String lines) {
        if (capture != null) {
            capture.accept(lines);
        }
        if (file == null) {
            return;
        }
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE)) {
            if (out.size() == 0 && file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            }
            out.write(ByteBuffer.wrap(lines.getBytes(StandardCharsets.US_ASCII)));
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            if (!warned) {
                warned = true;
                warnings.accept("cannot write the key log " + file + ": " + e.getMessage());
            }
        }
    }

    /** One handshake's secrets. */
    final class Handshake {
        private final List<String[]> pending = new ArrayList<>();
        private byte[] clientRandom;

        synchronized void clientRandom(byte[] random) {
            if (clientRandom == null) {
                clientRandom = random.clone();
                flush();
            }
        }

        synchronized void secret(String label, byte[] secret) {
            pending.add(new String[] {label, HexFormat.of().formatHex(secret)});
            flush();
        }

        private void flush() {
            if (clientRandom == null || pending.isEmpty()) {
                return;
            }
            StringBuilder lines = new StringBuilder();
            String random = HexFormat.of().formatHex(clientRandom);
            for (String[] entry : pending) {
                lines.append(entry[0]).append(' ').append(random).append(' ').append(entry[1]).append('\n');
            }
            pending.clear();
            write(lines.toString());
        }
    }
}
