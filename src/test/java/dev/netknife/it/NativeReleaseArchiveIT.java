package dev.netknife.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netknife.support.Peers;
import dev.netknife.support.Program;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release archive ({@code ./mvnw -Prelease package}) as a user meets it: unpacked into an
 * empty folder and run with an empty environment. Its bin/nk is the native executable: no Java
 * runtime in the archive, and the notices of what the executable links beside it.
 */
class NativeReleaseArchiveIT {
    @TempDir
    static Path unpacked;
    static Path archive;
    static Path home;

    @BeforeAll
    static void unpack() throws Exception {
        archive = Program.builtArchive("netknife-\\d.*-linux-.+\\.tar\\.gz");
        Assumptions.assumeTrue(archive != null, "no release archive in target/ (built by ./mvnw -Prelease package)");
        home = Program.unpack(archive, unpacked);
    }

    /** bin/nk with an empty environment: no PATH, no JAVA_HOME, no JDK anywhere it could look. */
    private static Program.Result nk(String... args) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Stream.concat(Stream.of(home.resolve("bin/nk").toString()), Arrays.stream(args)).toList());
        pb.environment().clear();
        return Program.run(pb);
    }

    @Test
    void holdsTheExecutableDocsNoticesAndChecksum() throws Exception {
        String version = home.getFileName().toString().substring("netknife-".length());
        assertTrue(archive.getFileName().toString().startsWith("netknife-" + version + "-linux-"), archive.toString());
        for (String file : List.of("bin/nk", "man/man1/nk.1", "man/man1/nk-tls-get.1", "completions/nk.bash", "README.md", "LICENSE",
                "legal/THIRD-PARTY-NOTICES.md", "legal/openjdk/LICENSE", "legal/openjdk/ASSEMBLY_EXCEPTION")) {
            assertTrue(Files.isRegularFile(home.resolve(file)), file);
        }
        byte[] head = Arrays.copyOf(Files.readAllBytes(home.resolve("bin/nk")), 4);
        assertEquals("\u007fELF", new String(head, StandardCharsets.ISO_8859_1), "bin/nk is an executable, not a script");
        assertTrue(Files.isExecutable(home.resolve("bin/nk")));
        assertFalse(Files.exists(home.resolve("runtime")), "no Java runtime: the native executable needs none");
        assertTrue(Files.readString(home.resolve("legal/openjdk/ASSEMBLY_EXCEPTION")).contains("Classpath"));
        String line = Program.assertChecksumFile(archive);
        String all = Files.readString(archive.resolveSibling("checksums_sha256.txt"));
        assertTrue(all.contains(line), all);
    }

    @Test
    void runsWithAnEmptyEnvironment() throws Exception {
        Program.Result version = nk("--version");
        assertEquals(0, version.code(), version.err());
        assertTrue(version.out().contains("runtime: native executable"), version.out());
        assertEquals("", version.err());
        Program.Result closed = nk("connect", "-z", "127.0.0.1", String.valueOf(Peers.closedPort()));
        assertEquals(4, closed.code(), closed.err());
    }
}
