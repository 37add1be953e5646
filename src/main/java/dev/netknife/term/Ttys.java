package dev.netknife.term;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Which of the standard streams are terminals; read once per run from /proc (no native code). */
public record Ttys(boolean stdin, boolean stdout, boolean stderr) {

    public static final Ttys NONE = new Ttys(false, false, false);

    public static Ttys detect() {
        java.io.Console console = System.console();
        boolean both = console != null && console.isTerminal();
        return new Ttys(isTty(0, both), isTty(1, both), isTty(2, both));
    }

    private static boolean isTty(int fd, boolean fallback) {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return fallback;
        }
    }
}
