package dev.netknife.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netknife.support.Peers;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Keeps every benchmark script working: each runs once with tiny sizes and must print its ratio line. */
class BenchSmokeIT {
    private final Path repo = Path.of(System.getProperty("nk.repo", "."));

    @ParameterizedTest
    @CsvSource({
        "echo-throughput, socat, socat",
        "idle-conns, haproxy, haproxy",
        "idle-conns --tls, haproxy, haproxy",
        "startup, hyperfine, hyperfine",
        "tls-throughput, socat, socat",
        "tls-scan, sslscan, sslscan",
        "http-download, curl, curl",
        "http-many, curl, curl",
        "udp-echo, socat, socat",
        "ws-echo, node, nodejs",
        "chat-fanout, ncat, ncat",
        "proxy-throughput, wrk, wrk",
        "monitor-scale, prometheus-blackbox-exporter, prometheus-blackbox-exporter",
        "proxy-dial, danted, dante-server",
        "capture, gcc, gcc",
    })
    void runsInSmokeMode(String scriptAndOptions, String peer, String debianPackage) throws Exception {
        String[] words = scriptAndOptions.split(" ");
        String script = words[0];
        // -Dnk.benchSmoke.only=a,b: only those scripts (CI's second pass, on the native nk, runs the ones that differ)
        String only = System.getProperty("nk.benchSmoke.only", "");
        Assumptions.assumeTrue(only.isBlank() || java.util.List.of(only.split(",")).contains(script),
                () -> script + " is not in nk.benchSmoke.only=" + only);
        if (script.equals("ws-echo")) {
            dev.netknife.support.NodeWs.node(); // node and the npm ws package (npm ci --prefix src/test/node)
        } else {
            Peers.require(peer, debianPackage);
        }
        Peers.require("gcc", "gcc");
        File log = File.createTempFile("bench-" + script, ".log");
        log.deleteOnExit();
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(repo.resolve("bench").resolve(script).toString(), "--smoke"));
        command.addAll(java.util.Arrays.asList(words).subList(1, words.length));
        Process p = new ProcessBuilder(command).directory(repo.toFile()).redirectErrorStream(true).redirectOutput(log).start();
        boolean finished = p.waitFor(120, TimeUnit.SECONDS);
        String output = Files.readString(log.toPath(), StandardCharsets.UTF_8);
        if (!finished) {
            p.destroyForcibly();
        }
        assertTrue(finished, scriptAndOptions + " --smoke did not finish in 120 s:\n" + output);
        assertEquals(0, p.exitValue(), output);
        assertTrue(output.contains("ratio"), script + " printed no ratio:\n" + output);
    }
}
