package dev.netknife.support;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import org.junit.jupiter.api.Assumptions;

/**
 * Real peer programs from Debian packages (socat, ncat, nc ...). Missing peers skip the test on a
 * developer machine, but fail it when {@code CI} is set, naming the package to install.
 */
public final class Peers {
    private Peers() {
    }

    /**
     * The program's path; skips (or fails under CI) when it is not installed. Looks in PATH and then
     * in the sbin directories, where Debian puts nginx and haproxy and which a user's PATH (or
     * {@code env -i}'s) often lacks.
     */
    public static String require(String program, String debianPackage) {
        java.util.Set<String> dirs = new java.util.LinkedHashSet<>(
                java.util.List.of(System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)));
        dirs.addAll(java.util.List.of("/usr/local/sbin", "/usr/sbin", "/sbin"));
        for (String dir : dirs) {
            File f = new File(dir.isEmpty() ? "." : dir, program);
            if (f.isFile() && f.canExecute()) {
                return f.getPath();
            }
        }
        String message = program + " is not installed: apt-get install -y " + debianPackage;
        if (System.getenv("CI") != null) {
            throw new AssertionError(message);
        }
        Assumptions.abort(message);
        return null;
    }

    /** A port that was free a moment ago, for peers that cannot bind port 0 and report it. */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A TCP port on 127.0.0.1 where nothing listens (connections are refused). */
    public static int closedPort() throws IOException {
        return freePort();
    }

    /** Waits until something listens on 127.0.0.1:port. */
    public static void awaitListening(int port, long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < deadline) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(20);
            }
        }
        throw new AssertionError("nothing listening on 127.0.0.1:" + port + " after " + millis + " ms");
    }

    /** Starts a peer process with stderr merged into a log file; the caller destroys it. */
    public static Process start(String... command) throws IOException {
        File log = File.createTempFile("nk-peer", ".log");
        log.deleteOnExit();
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
    }
}
