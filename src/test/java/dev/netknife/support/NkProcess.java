package dev.netknife.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * nk as a separate program (the native executable, or any launcher) with the same contract as an
 * in-process run: the given stdin, stdout and stderr, the given environment (plus PATH and HOME,
 * which subprocesses of nk need), and the thread's interrupt standing for Ctrl-C (SIGINT).
 */
final class NkProcess {
    private NkProcess() {
    }

    /** The executable under test, or null to run nk in-process. */
    static Path binary() {
        String named = System.getProperty("nk.binary", System.getenv("NK_BINARY"));
        if (named == null || named.isBlank()) {
            return null;
        }
        Path path = Path.of(named).toAbsolutePath();
        if (!Files.isExecutable(path)) {
            throw new IllegalStateException("nk.binary=" + named + " is not an executable file");
        }
        return path;
    }

    static int run(InputStream stdin, OutputStream stdout, OutputStream stderr, Map<String, String> env, String... args) {
        ProcessBuilder builder = new ProcessBuilder(Stream.concat(Stream.of(binary().toString()), Stream.of(args)).toList());
        builder.environment().keySet().retainAll(List.of("PATH", "HOME"));
        builder.environment().putAll(env);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread out = copier(process.getInputStream(), stdout, false);
        Thread err = copier(process.getErrorStream(), stderr, false);
        Thread in = copier(stdin, process.getOutputStream(), true);
        try {
            int code = process.waitFor();
            out.join();
            err.join();
            return code;
        } catch (InterruptedException e) {
            // Ctrl-C, as Background.stop does for an in-process server
            interrupt(process);
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
                out.join(2000);
                err.join(2000);
                return process.exitValue();
            } catch (InterruptedException again) {
                process.destroyForcibly();
                return -1;
            } finally {
                Thread.currentThread().interrupt();
            }
        } finally {
            in.interrupt();
        }
    }

    private static void interrupt(Process process) {
        try {
            new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor();
        } catch (IOException | InterruptedException e) {
            process.destroy();
        }
    }

    /** Copies on a daemon virtual thread; closes {@code to} at the end when it is the program's stdin (its EOF). */
    private static Thread copier(InputStream from, OutputStream to, boolean closeAtEnd) {
        return Thread.ofVirtual().start(() -> {
            try {
                byte[] buffer = new byte[8192];
                for (int n; (n = from.read(buffer)) >= 0; ) {
                    to.write(buffer, 0, n);
                    to.flush();
                }
            } catch (IOException e) {
                // the program exited (its stdin closed) or the stream was closed: nothing more to copy
            } finally {
                if (closeAtEnd) {
                    try {
                        to.close();
                    } catch (IOException e) {
                        // already closed
                    }
                }
            }
        });
    }
}
