package dev.netknife.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL on 127.0.0.1: a fresh cluster (initdb, trust authentication, superuser {@code postgres})
 * and {@code postgres -D} in the foreground, data directory and unix socket under one directory. PostgreSQL refuses
 * to run as root: as root both run as the package's {@code postgres} user, which then owns that directory (and
 * {@code dir}, with its parents inside the temp directory, gets o+x so that user can reach it).
 */
public final class PostgresServer implements AutoCloseable {
    private static final Path INSTALLED = Path.of("/usr/lib/postgresql");

    private final DaemonProcess daemon;
    private final int port;
    private final Path socketDir;

    private PostgresServer(DaemonProcess daemon, int port, Path socketDir) {
        this.daemon = daemon;
        this.port = port;
        this.socketDir = socketDir;
    }

    /**
     * A server with {@code ssl = on}, presenting the certificate chain (leaf first) in {@code certChainPem} with the
     * key in {@code keyPem} (both copied, the key with mode 0600 as postgres demands); its files go in a new directory
     * under {@code dir}. Plain connections are still accepted.
     */
    public static PostgresServer start(Path dir, Path certChainPem, Path keyPem) throws IOException, InterruptedException {
        return start(dir, certChainPem, keyPem, true);
    }

    /** A server with {@code ssl = off}: it answers an SSLRequest with 'N'. */
    public static PostgresServer startWithoutTls(Path dir) throws IOException, InterruptedException {
        return start(dir, null, null, false);
    }

    private static PostgresServer start(Path dir, Path cert, Path key, boolean ssl) throws IOException, InterruptedException {
        Path bin = binDirectory();
        int port = Peers.freePort();
        DaemonUsers.traversable(dir);
        Path home = DaemonUsers.directory(dir.resolve("postgres-" + port), "rwx------", "postgres", "postgres");
        Path sockets = DaemonUsers.directory(home.resolve("sock"), "rwx------", "postgres", "postgres");
        Path data = home.resolve("data");
        initdb(bin, home, data);
        List<String> command = new ArrayList<>(List.of(bin.resolve("postgres").toString(), "-D", data.toString(), "-p",
                String.valueOf(port), "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=" + sockets,
                "-c", "fsync=off", "-c", "ssl=" + (ssl ? "on" : "off")));
        if (ssl) {
            Path certCopy = DaemonUsers.file(home.resolve("server.crt"), Files.readString(cert), "rw-r--r--", "postgres", "postgres");
            Path keyCopy = DaemonUsers.file(home.resolve("server.key"), Files.readString(key), "rw-------", "postgres", "postgres");
            command.addAll(List.of("-c", "ssl_cert_file=" + certCopy, "-c", "ssl_key_file=" + keyCopy));
        }
        Path log = home.resolve("postgres.log");
        DaemonProcess daemon = DaemonProcess.start("postgres", DaemonUsers.as("postgres", command), home, log, log,
                "INT");
        try {
            daemon.awaitLog("database system is ready to accept connections", 10_000);
            daemon.awaitListening(port, 5000);
        } catch (Throwable e) {
            daemon.stop();
            throw e;
        }
        return new PostgresServer(daemon, port, sockets);
    }

    /** The newest /usr/lib/postgresql/N/bin (Debian's layout; the binaries are not in PATH). */
    private static Path binDirectory() throws IOException {
        if (Files.isDirectory(INSTALLED)) {
            try (Stream<Path> versions = Files.list(INSTALLED)) {
                Path bin = versions.filter(v -> v.getFileName().toString().matches("\\d+"))
                        .max(Comparator.comparingInt(v -> Integer.parseInt(v.getFileName().toString())))
                        .map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("postgres"))).orElse(null);
                if (bin != null) {
                    return bin;
                }
            }
        }
        DaemonUsers.missing("PostgreSQL is not installed: apt-get install -y postgresql");
        return null;
    }

    /** A new cluster in {@code data}: trust authentication, superuser postgres, no fsync (about half a second). */
    private static void initdb(Path bin, Path home, Path data) throws IOException, InterruptedException {
        Path out = home.resolve("initdb.log");
        Process p = new ProcessBuilder(DaemonUsers.as("postgres", List.of(bin.resolve("initdb").toString(), "-D", data.toString(),
                "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions")))
                .directory(home.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (p.waitFor() != 0) {
            throw new AssertionError("initdb failed:\n" + Files.readString(out));
        }
    }

    public int port() {
        return port;
    }

    /** The directory of the server's unix socket ({@code .s.PGSQL.<port>}), for {@code psql -h}. */
    public Path socketDir() {
        return socketDir;
    }

    /** The server's log so far. */
    public String log() throws IOException {
        return daemon.log();
    }

    /** Fast shutdown (SIGINT: open sessions are ended) and waits until no postgres process of it is left. */
    @Override
    public void close() throws InterruptedException, IOException {
        daemon.stop();
    }
}
