package dev.netknife.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** A program run to its end as a user runs it (stdin closed), and release archives unpacked as a user does. */
public final class Program {
    private Program() {
    }

    public record Result(int code, String out, String err) {
    }

    /** Starts {@code builder}, closes the program's stdin, reads stdout and stderr together, waits up to 60 s. */
    public static Result run(ProcessBuilder builder) throws Exception {
        Process p = builder.start();
        p.getOutputStream().close();
        // stderr on its own thread: a full stderr pipe must not block the program while stdout is read
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", builder.command()) + " did not end");
        return new Result(p.exitValue(), out, err.get(10, TimeUnit.SECONDS));
    }

    /** The archive in the build's target/ (system property nk.repo) whose name matches {@code regex}, or null. */
    public static Path builtArchive(String regex) throws IOException {
        Path target = Path.of(System.getProperty("nk.repo", ".")).resolve("target");
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(f -> f.getFileName().toString().matches(regex)).findFirst().orElse(null);
        }
    }

    /** Asserts that {@code archive}'s .sha256 file (sha256sum's format) holds its digest; returns that line. */
    public static String assertChecksumFile(Path archive) throws Exception {
        String sha256 = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(archive)));
        String line = sha256 + "  " + archive.getFileName();
        assertEquals(line, Files.readString(archive.resolveSibling(archive.getFileName() + ".sha256")).strip());
        return line;
    }

    /** Unpacks a .tar.gz into {@code into} and returns its one top folder. */
    public static Path unpack(Path archive, Path into) throws Exception {
        Process tar = new ProcessBuilder("tar", "xzf", archive.toString(), "-C", into.toString()).inheritIO().start();
        assertTrue(tar.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, tar.exitValue());
        try (Stream<Path> top = Files.list(into)) {
            List<Path> folders = top.toList();
            assertEquals(1, folders.size(), "one top folder: " + folders);
            return folders.get(0);
        }
    }
}
