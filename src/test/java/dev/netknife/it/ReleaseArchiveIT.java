package dev.netknife.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netknife.support.OpensslServer;
import dev.netknife.support.Peers;
import dev.netknife.support.Program;
import dev.netknife.support.TestCerts;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The portable (JVM) archive as a user meets it: unpacked into an empty folder and run with no JDK
 * on PATH and no JAVA_HOME, on its own runtime. ({@code NativeReleaseArchiveIT} does the same for
 * the main archive, with the native executable.) {@code -XX:AOTMode=on} makes the JVM fail rather than
 * start without the shipped AOT caches, so these runs also prove the caches fit the runtime.
 */
class ReleaseArchiveIT {
    private static final Map<String, String> STRICT_AOT = Map.of("NK_JAVA_OPTS", "-XX:AOTMode=on");

    @TempDir
    static Path unpacked;
    static Path archive;
    static Path home;

    @BeforeAll
    static void unpack() throws Exception {
        archive = Program.builtArchive("netknife-jvm-.+-linux-.+\\.tar\\.gz");
        if (archive == null) {
            String message = "no portable archive in target/ (built by ./mvnw package unless -DskipRelease)";
            if (System.getenv("CI") != null) {
                throw new AssertionError(message);
            }
            Assumptions.abort(message);
        }
        home = Program.unpack(archive, unpacked);
    }

    /** Runs a command with PATH and JAVA_HOME removed from the environment. */
    private static Program.Result run(Map<String, String> env, String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().remove("PATH");
        pb.environment().remove("JAVA_HOME");
        pb.environment().putAll(env);
        return Program.run(pb);
    }

    private static Program.Result nk(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/nk").toString()));
        command.addAll(List.of(args));
        return run(STRICT_AOT, command.toArray(String[]::new));
    }

    @Test
    void holdsOneFolderWithLauncherRuntimeJarsCachesDocsAndChecksum() throws Exception {
        String version = home.getFileName().toString().substring("netknife-jvm-".length());
        assertTrue(archive.getFileName().toString().startsWith("netknife-jvm-" + version + "-linux-"), archive.toString());
        for (String file : List.of("bin/nk", "runtime/bin/java", "app/netknife.jar", "app/nk.aot", "app/nk-tls.aot",
                "man/man1/nk.1", "man/man1/nk-http-get.1", "completions/nk.bash", "README.md", "LICENSE")) {
            assertTrue(Files.isRegularFile(home.resolve(file)), file);
        }
        assertTrue(Files.isExecutable(home.resolve("bin/nk")));
        assertTrue(Files.isExecutable(home.resolve("runtime/bin/java")));
        Program.assertChecksumFile(archive);
    }

    @Test
    void theRuntimeHasTheModuleOfEveryJcaProviderItsSecurityFileLists() throws Exception {
        // a listed provider that is missing is looked up again on every algorithm lookup that reaches it (TLS ~50% slower)
        Map<String, String> moduleOf = Map.ofEntries(Map.entry("SUN", "java.base"), Map.entry("SunRsaSign", "java.base"),
                Map.entry("SunEC", "java.base"), Map.entry("SunJSSE", "java.base"), Map.entry("SunJCE", "java.base"),
                Map.entry("SunJGSS", "java.security.jgss"), Map.entry("SunSASL", "java.security.sasl"),
                Map.entry("XMLDSig", "java.xml.crypto"), Map.entry("SunPCSC", "java.smartcardio"), Map.entry("JdkLDAP", "java.naming"),
                Map.entry("JdkSASL", "jdk.security.jgss"), Map.entry("SunPKCS11", "jdk.crypto.cryptoki"));
        Program.Result modules = run(Map.of(), home.resolve("runtime/bin/java").toString(), "--list-modules");
        for (String line : Files.readAllLines(home.resolve("runtime/conf/security/java.security"))) {
            if (line.startsWith("security.provider.")) {
                String provider = line.substring(line.indexOf('=') + 1).strip();
                String module = moduleOf.get(provider);
                assertTrue(module != null, "a provider this test does not know: " + provider);
                assertTrue(modules.out().contains(module + "@"), provider + " needs " + module + " in the runtime: " + modules.out());
            }
        }
    }

    @Test
    void versionRunsOnTheShippedRuntimeWithItsAotCache() throws Exception {
        Program.Result r = nk("--version");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().matches("nk \\S+ \\(commit \\w+\\)\\nruntime: Java 25\\S* .*\\n"), r.out());
        assertEquals("", r.err());
    }

    @Test
    void portCheckTellsOpenFromClosed() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Program.Result open = nk("connect", "-z", "127.0.0.1", String.valueOf(listener.getLocalPort()));
            assertEquals(0, open.code(), open.err());
        }
        Program.Result closed = nk("connect", "-z", "127.0.0.1", String.valueOf(Peers.closedPort()));
        assertEquals(4, closed.code(), closed.err());
    }

    @Test
    void tlsGetVerifiesAServerWithTheTlsCache() throws Exception {
        TestCerts certs = new TestCerts(Files.createTempDirectory(unpacked, "certs"));
        String ca = certs.caFile().toString();
        try (OpensslServer server = OpensslServer.start(certs.good(), "-cert_chain", ca)) {
            Program.Result r = nk("tls-get", "--cacert", ca, "localhost:" + server.port());
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("verified   yes"), r.out());
        }
    }

    @Test
    void worksThroughASymlinkOnPath() throws Exception {
        Path bin = Files.createDirectories(unpacked.resolve("user-bin"));
        Path link = Files.createSymbolicLink(bin.resolve("nk"), home.resolve("bin/nk"));
        Program.Result r = run(STRICT_AOT, link.toString(), "--version");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("nk "), r.out());
    }

    @Test
    void manFindsThePagesAndBashLoadsTheCompletion() throws Exception {
        String man = Peers.require("man", "man-db");
        Program.Result where = run(Map.of("MANPATH", home.resolve("man").toString()), man, "-w", "nk", "nk-connect");
        assertEquals(0, where.code(), where.err());
        assertEquals(home.resolve("man/man1/nk.1") + "\n" + home.resolve("man/man1/nk-connect.1") + "\n", where.out());
        // what bash computes for `nk ec<TAB>` once the script is sourced
        Program.Result completion = run(Map.of(), "/bin/bash", "-c", "source '" + home.resolve("completions/nk.bash") + "' && complete -p nk"
                + " && COMP_WORDS=(nk ec) COMP_CWORD=1 COMP_LINE='nk ec' COMP_POINT=5 && _complete_nk nk ec nk && echo \"${COMPREPLY[*]}\"");
        assertEquals(0, completion.code(), completion.err());
        assertTrue(completion.out().startsWith("complete -o default -F _complete_nk nk\n"), completion.out());
        assertTrue(completion.out().endsWith("\necho-server\n"), completion.out());
    }
}
