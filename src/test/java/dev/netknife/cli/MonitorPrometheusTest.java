package dev.netknife.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netknife.support.Background;
import dev.netknife.support.NkRun;
import dev.netknife.support.Peers;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real Prometheus (the Debian package) scrapes nk monitor --metrics and can query what it got. */
class MonitorPrometheusTest {

    @Test
    void prometheusScrapesTheMonitor(@TempDir Path dir) throws Exception {
        String prometheus = Peers.require("prometheus", "prometheus");
        try (ServerSocket target = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             Background monitor = Background.start("monitor", "--interval", "200ms", "--metrics", "0",
                     "127.0.0.1:" + target.getLocalPort())) {
            Thread.ofVirtual().start(() -> {
                while (!target.isClosed()) {
                    try {
                        target.accept().close();
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            assertTrue(monitor.stderrLines().await("metrics on http://", Duration.ofSeconds(2)));
            String err = monitor.stderr();
            String metrics = err.substring(err.indexOf("http://") + 7, err.indexOf("/metrics"));
            Files.writeString(dir.resolve("prometheus.yml"), """
                    global:
                      scrape_interval: 1s
                    scrape_configs:
                      - job_name: nk
                        static_configs:
                          - targets: ['%s']
                    """.formatted(metrics));
            int port = Peers.freePort();
            Process p = new ProcessBuilder(prometheus, "--config.file=" + dir.resolve("prometheus.yml"),
                    "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                    .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
            try {
                String answer = "";
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (System.nanoTime() < deadline && !answer.contains("\"value\":[")) {
                    Thread.sleep(300);
                    answer = NkRun.run("http-get", "--connect-timeout", "1s",
                            "http://127.0.0.1:" + port + "/api/v1/query?query=probe_success").out();
                }
                assertTrue(answer.contains("\"target\":\"127.0.0.1:" + target.getLocalPort() + "\"") && answer.contains("\"1\"]"),
                        "Prometheus answered: " + answer + "\nlog: " + Files.readString(dir.resolve("prometheus.log")));
            } finally {
                p.destroy();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
