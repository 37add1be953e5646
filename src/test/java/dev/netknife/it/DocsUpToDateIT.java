package dev.netknife.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netknife.support.Peers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The man pages and completion script in the repository are generated from the picocli model by
 * the build; this fails when the committed copies are stale. Fix: {@code ./mvnw -Pdocs package -DskipTests}.
 */
class DocsUpToDateIT {
    private static final String FIX = " is stale or missing: run ./mvnw -Pdocs package -DskipTests and commit man/ and completions/";
    private final Path repo = Path.of(System.getProperty("nk.repo", "."));
    private final Path generated = Path.of(System.getProperty("nk.generated.docs", "target/generated-docs"));

    @Test
    void manPagesMatchTheModel() throws IOException {
        Map<String, String> fresh = read(generated.resolve("man"));
        Map<String, String> committed = read(repo.resolve("man"));
        assertTrue(fresh.containsKey("nk.1") && fresh.containsKey("nk-connect.1") && fresh.containsKey("nk-echo-server.1")
                && fresh.containsKey("nk-tls-get.1") && fresh.containsKey("nk-http-get.1"), fresh.keySet().toString());
        assertEquals(fresh.keySet(), committed.keySet(), "man/" + FIX);
        for (String name : fresh.keySet()) {
            assertEquals(fresh.get(name), committed.get(name), "man/" + name + FIX);
        }
    }

    @Test
    void completionScriptMatchesTheModel() throws IOException {
        assertEquals(Files.readString(generated.resolve("completions/nk.bash")), Files.readString(repo.resolve("completions/nk.bash")),
                "completions/nk.bash" + FIX);
    }

    @Test
    void manPageRenders() throws Exception {
        String man = Peers.require("man", "man-db");
        ProcessBuilder pb = new ProcessBuilder(man, "-l", repo.resolve("man/nk-connect.1").toString()).redirectErrorStream(true);
        pb.environment().put("MANPAGER", "cat");
        pb.environment().put("MANWIDTH", "80");
        Process p = pb.start();
        p.getOutputStream().close();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), text);
        assertTrue(text.contains("--connect-timeout"), text);
        assertTrue(text.contains("\nEXIT CODES\n"), "section titles without a colon: " + text);
        assertTrue(text.contains("\nEXAMPLES\n") && text.contains("nk connect -z 127.0.0.1 22"), "the README's examples: " + text);
    }

    @Test
    void everyManPageEndsWithExamplesAndTitlesHaveNoColon() throws IOException {
        for (Map.Entry<String, String> page : read(repo.resolve("man")).entrySet()) {
            assertTrue(page.getValue().contains(".SH \"EXAMPLES\""), page.getKey() + " has an EXAMPLES section");
            for (String line : page.getValue().split("\n")) {
                assertFalse(line.startsWith(".SH") && line.contains(":"), page.getKey() + ": " + line);
            }
        }
    }

    @Test
    void completionOffersSubcommandsAndOptions() throws Exception {
        String bash = Peers.require("bash", "bash");
        String script = "source " + repo.resolve("completions/nk.bash") + "\n"
                + "COMP_WORDS=(nk conn); COMP_CWORD=1; COMP_LINE='nk conn'; COMP_POINT=7; _complete_nk; echo \"${COMPREPLY[@]}\"\n"
                + "COMP_WORDS=(nk connect --idle); COMP_CWORD=2; COMP_LINE='nk connect --idle'; COMP_POINT=17; _complete_nk; echo \"${COMPREPLY[@]}\"\n";
        Process p = new ProcessBuilder(bash, "-c", script).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        assertEquals(List.of("connect", "--idle-timeout"), lines);
    }

    private static Map<String, String> read(Path dir) throws IOException {
        Map<String, String> files = new TreeMap<>();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> list = Files.list(dir)) {
                for (Path f : list.filter(f -> f.toString().endsWith(".1")).toList()) {
                    files.put(f.getFileName().toString(), Files.readString(f));
                }
            }
        }
        return files;
    }
}
