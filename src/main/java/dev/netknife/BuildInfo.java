package dev.netknife;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** What was built (version and git commit, recorded by the build in {@code version.txt}) and what it runs on. */
public record BuildInfo(String version, String commit) {

    public static BuildInfo current() {
        return Embedded.CURRENT;
    }

    /** Read once; in the native executable when it is built (a resource lookup there costs milliseconds). */
    static final class Embedded {
        static final BuildInfo CURRENT = read();
    }

    private static BuildInfo read() {
        try (InputStream in = BuildInfo.class.getResourceAsStream("/dev/netknife/version.txt")) {
            if (in == null) {
                return new BuildInfo("dev", "unknown");
            }
            String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip().split("\\R");
            return new BuildInfo(lines[0].strip(), lines.length > 1 && !lines[1].isBlank() ? lines[1].strip() : "unknown");
        } catch (IOException e) {
            return new BuildInfo("dev", "unknown");
        }
    }

    /**
     * {@code nk --version}: the first line is {@code nk VERSION ...} for scripts, the second the
     * runtime: a native executable ({@code ./mvnw -Pnative package}) or a JVM.
     */
    public String[] versionLines() {
        String javaLibrary = System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vendor") + ")";
        String runtime = isNativeImage() ? "native executable (GraalVM Native Image, Java " + javaLibrary + ")" : "Java " + javaLibrary;
        return new String[] {
            "nk " + version + " (commit " + commit + ")",
            "runtime: " + runtime + ", " + System.getProperty("os.name") + " " + System.getProperty("os.arch"),
        };
    }

    /** Whether this is nk's native executable: Native Image sets this documented property (ImageInfo) to "runtime". */
    public static boolean isNativeImage() {
        return "runtime".equals(System.getProperty("org.graalvm.nativeimage.imagecode"));
    }
}
