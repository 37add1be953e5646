package dev.netknife.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Reads capture files with Debian's tshark, as a user would. */
public final class Tshark {
    private Tshark() {
    }

    /** {@code tshark -r FILE ARGS...}: its stdout; fails the test when tshark does not exit 0 (a file it cannot read). */
    public static String read(Path file, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Peers.require("tshark", "tshark"), "-r", file.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.PIPE).start();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("tshark did not finish reading " + file);
        }
        if (p.exitValue() != 0) {
            throw new AssertionError("tshark -r " + file + " " + String.join(" ", args) + " exited " + p.exitValue() + ": " + err);
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    /** One field of every packet that passes {@code filter} (null: all), a line each. */
    public static List<String> fields(Path file, String filter, String... fields) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>();
        if (filter != null) {
            args.addAll(List.of("-Y", filter));
        }
        args.addAll(List.of("-T", "fields"));
        for (String f : fields) {
            args.addAll(List.of("-e", f));
        }
        return read(file, args.toArray(String[]::new)).lines().toList();
    }
}
