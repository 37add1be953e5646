package dev.netknife.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A throwaway nginx on 127.0.0.1 (foreground, one process, everything under a temp directory). */
public final class NginxServer extends PeerProcess {

    private NginxServer(Process process, int port) {
        super(process, port);
    }

    /** HTTPS with {@code cert} (chain PEM) and its key; every request gets 200 and {@code body}; ALPN h2 and http/1.1. */
    public static NginxServer startTls(Path dir, Path cert, String body) throws IOException, InterruptedException {
        return start(dir, """
                listen 127.0.0.1:PORT ssl http2;
                ssl_certificate %s;
                ssl_certificate_key %s;
                ssl_protocols TLSv1.2 TLSv1.3;
                location / { return 200 "%s"; }
                """.formatted(cert, TestCerts.keyOf(cert), body.replace("\n", "\\n")));
    }

    /** One server block; {@code PORT} in it is replaced by a free port. */
    public static NginxServer start(Path dir, String serverBlock) throws IOException, InterruptedException {
        String nginx = Peers.require("nginx", "nginx");
        int port = Peers.freePort();
        Path conf = dir.resolve("nginx-" + port + ".conf");
        Files.writeString(conf, """
                daemon off;
                master_process off;
                worker_processes 1;
                pid %1$s/nginx-%2$d.pid;
                error_log %1$s/nginx-error-%2$d.log;
                events { worker_connections 64; }
                http {
                    access_log off;
                    types { text/plain txt; application/octet-stream bin; text/html html; }
                    client_body_temp_path %1$s/body; proxy_temp_path %1$s/proxy; fastcgi_temp_path %1$s/fastcgi;
                    uwsgi_temp_path %1$s/uwsgi; scgi_temp_path %1$s/scgi;
                    server {
                %3$s
                    }
                }
                """.formatted(dir, port, serverBlock.replace("PORT", String.valueOf(port))));
        Process p = new ProcessBuilder(nginx, "-p", dir.toString(), "-e", dir.resolve("nginx-early-" + port + ".log").toString(),
                "-c", conf.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("nginx-out-" + port + ".log").toFile()).start();
        Peers.awaitListening(port, 5000);
        return new NginxServer(p, port);
    }
}
