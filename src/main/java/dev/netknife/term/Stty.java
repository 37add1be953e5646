package dev.netknife.term;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The controlling terminal's settings and size through stty(1) on /dev/tty: no native code in nk. */
public final class Stty {
    private static final File TTY = new File("/dev/tty");

    private Stty() {
    }

    /** Runs {@code stty ARGS} on the terminal; its output, or null when there is no terminal or stty failed. */
    public static String run(String... args) {
        List<String> command = new ArrayList<>(List.of("stty"));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectInput(TTY).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return p.waitFor() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
