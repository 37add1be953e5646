package dev.netknife.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The committed bash completion, run by bash: options with fixed choices complete their values. */
class CompletionsTest {

    private static List<String> complete(String... words) throws Exception {
        Path script = Path.of("completions/nk.bash").toAbsolutePath();
        assertTrue(Files.isRegularFile(script), script.toString());
        String line = String.join(" ", words) + " ";
        String program = "source '" + script + "' 2>/dev/null; COMP_WORDS=(" + String.join(" ", words) + " ''); COMP_CWORD=" + words.length
                + "; COMP_LINE='" + line + "'; COMP_POINT=${#COMP_LINE}; _complete_nk nk '' '" + words[words.length - 1]
                + "' 2>/dev/null; printf '%s\\n' \"${COMPREPLY[@]}\"";
        Process p = new ProcessBuilder("bash", "-c", program).redirectErrorStream(false).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        return out.lines().toList();
    }

    @Test
    void optionsWithFixedChoicesCompleteTheirValues() throws Exception {
        assertEquals(List.of("round-robin", "least-conn", "random"), complete("nk", "balance", "--strategy"));
        assertEquals(List.of("auto", "always", "never"), complete("nk", "connect", "--color"));
        assertEquals(List.of("1.0", "1.1", "1.2", "1.3"), complete("nk", "tls-get", "--tls-min"));
    }
}
