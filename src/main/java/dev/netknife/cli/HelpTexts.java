package dev.netknife.cli;

import dev.netknife.BuildInfo;
import dev.netknife.term.Ttys;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Help text rendered by the build ({@link #main}, into the jar's {@code dev/netknife/help/}), so
 * {@code nk --help} and {@code nk CMD --help} print a resource instead of building the picocli model
 * of every command (the full tree costs ~100 ms of a start). Only the plain rendering is stored:
 * {@code --color=always} and help mixed with other options go through picocli as before.
 */
public final class HelpTexts {
    static final String ROOT = "nk";

    private HelpTexts() {
    }

    /**
     * Writes one {@code NAME.txt} per command (and {@code nk.txt} for the root) into {@code args[0]},
     * and {@code index.txt}, their names.
     */
    public static void main(String[] args) throws IOException {
        Path dir = Files.createDirectories(Path.of(args[0]));
        StringBuilder index = new StringBuilder(ROOT).append('\n');
        Files.writeString(dir.resolve(ROOT + ".txt"), render(null));
        for (Commands.Entry entry : Commands.all()) {
            Files.writeString(dir.resolve(entry.name() + ".txt"), render(entry.name()));
            index.append(entry.name()).append('\n');
        }
        Files.writeString(dir.resolve("index.txt"), index);
    }

    /** What picocli prints for {@code nk --help} ({@code command == null}) or {@code nk COMMAND --help}. */
    static String render(String command) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        Root root = new Root(new ByteArrayInputStream(new byte[0]), print, print, Map.of(), Ttys.NONE, Commands.all());
        int code = command == null ? root.executeWithPicocli("--help") : root.executeWithPicocli(command, "--help");
        if (code != 0) {
            throw new IllegalStateException("help for " + command + " exited " + code + ": " + out);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The stored help for this command line, or null when it is not exactly a plain help request. */
    static String prerendered(String[] args) {
        String name;
        if (args.length == 1 && isHelp(args[0])) {
            name = ROOT;
        } else if (args.length == 2 && isHelp(args[1]) && Commands.find(args[0]) != null) {
            name = args[0];
        } else {
            return null;
        }
        return BuildInfo.isNativeImage() ? Embedded.TEXTS.get(name) : read(name);
    }

    private static String read(String name) {
        try (InputStream in = HelpTexts.class.getResourceAsStream("/dev/netknife/help/" + name + ".txt")) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Every help text, read when the native executable is built (src/native/build-native.sh
     * initialises this class at build time): a resource lookup in a native image costs milliseconds.
     */
    static final class Embedded {
        static final Map<String, String> TEXTS = readAll();

        private static Map<String, String> readAll() {
            String index = read("index");
            Map<String, String> texts = new java.util.HashMap<>();
            for (String name : index == null ? new String[0] : index.split("\n")) {
                texts.put(name, read(name));
            }
            return Map.copyOf(texts);
        }
    }

    private static boolean isHelp(String arg) {
        return arg.equals("--help") || arg.equals("-h");
    }
}
