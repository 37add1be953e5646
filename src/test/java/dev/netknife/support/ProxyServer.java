package dev.netknife.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A real proxy on 127.0.0.1 started by a test: dante (SOCKS4/5), tinyproxy (HTTP CONNECT) or ncat's HTTP proxy. */
public final class ProxyServer implements AutoCloseable {
    /** The system user dante checks RFC 1929 credentials against (dante reads the system's passwords). */
    public static final String DANTE_USER = "nkproxy";
    public static final String DANTE_PASSWORD = "pr0xy pass";

    private final DaemonProcess daemon;
    private final int port;

    private ProxyServer(DaemonProcess daemon, int port) {
        this.daemon = daemon;
        this.port = port;
    }

    public int port() {
        return port;
    }

    public String log() throws IOException {
        return daemon.log();
    }

    /**
     * dante-server speaking SOCKS4 and SOCKS5 to clients on 127.0.0.0/8; {@code usernames}: only RFC 1929
     * user/password ({@link #DANTE_USER}, made here: needs root), else no authentication.
     */
    public static ProxyServer dante(Path dir, boolean usernames) throws IOException, InterruptedException {
        String danted = Peers.require("danted", "dante-server");
        if (usernames) {
            DaemonUsers.requireRoot("dante with user names");
            makeDanteUser();
        }
        int port = Peers.freePort();
        Path log = dir.resolve("danted-" + port + ".log");
        Path conf = dir.resolve("danted-" + port + ".conf");
        Files.writeString(conf, """
                logoutput: %s
                internal: 127.0.0.1 port = %d
                external: 127.0.0.1
                socksmethod: %s
                clientmethod: none
                user.privileged: root
                user.unprivileged: nobody
                client pass { from: 127.0.0.0/8 to: 0.0.0.0/0 }
                socks pass { from: 127.0.0.0/8 to: 0.0.0.0/0 log: connect error }
                """.formatted(log, port, usernames ? "username" : "none"));
        DaemonProcess daemon = DaemonProcess.start("danted", List.of(danted, "-f", conf.toString(), "-p", dir.resolve("danted-" + port + ".pid").toString()),
                dir, dir.resolve("danted-out-" + port + ".log"), log, "TERM");
        daemon.awaitListening(port, 10_000);
        return new ProxyServer(daemon, port);
    }

    private static void makeDanteUser() throws IOException, InterruptedException {
        if (new ProcessBuilder("id", "-u", DANTE_USER).start().waitFor() != 0) {
            run(List.of(Peers.require("useradd", "passwd"), "-M", "-s", "/usr/sbin/nologin", DANTE_USER), null);
        }
        run(List.of(Peers.require("chpasswd", "passwd")), DANTE_USER + ":" + DANTE_PASSWORD + "\n");
    }

    private static void run(List<String> command, String stdin) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed: " + output);
        }
    }

    /** tinyproxy allowing CONNECT to {@code connectPorts} only; with {@code user}, Basic authentication. */
    public static ProxyServer tinyproxy(Path dir, String user, String password, int... connectPorts) throws IOException, InterruptedException {
        String tinyproxy = Peers.require("tinyproxy", "tinyproxy");
        int port = Peers.freePort();
        Path log = dir.resolve("tinyproxy-" + port + ".log");
        StringBuilder conf = new StringBuilder("""
                Port %d
                Listen 127.0.0.1
                Timeout 30
                MaxClients 100
                LogLevel Info
                LogFile "%s"
                PidFile "%s"
                """.formatted(port, log, dir.resolve("tinyproxy-" + port + ".pid")));
        for (int p : connectPorts) {
            conf.append("ConnectPort ").append(p).append('\n');
        }
        if (user != null) {
            conf.append("BasicAuth ").append(user).append(' ').append(password).append('\n');
        }
        Path file = dir.resolve("tinyproxy-" + port + ".conf");
        Files.writeString(file, conf);
        if (DaemonUsers.isRoot()) { // tinyproxy drops to nobody and then writes its log
            DaemonUsers.traversable(dir);
            Files.writeString(log, "");
            DaemonUsers.chown(log, "nobody", null);
        }
        DaemonProcess daemon = DaemonProcess.start("tinyproxy", List.of(tinyproxy, "-d", "-c", file.toString()), dir,
                dir.resolve("tinyproxy-out-" + port + ".log"), log, "TERM");
        daemon.awaitListening(port, 10_000);
        return new ProxyServer(daemon, port);
    }

    /** ncat's HTTP proxy ({@code ncat -l --proxy-type http}); with {@code cert}, over TLS (an https:// proxy). */
    public static ProxyServer ncat(Path dir, Path cert) throws IOException, InterruptedException {
        String ncat = Peers.require("ncat", "ncat");
        int port = Peers.freePort();
        List<String> command = new ArrayList<>(List.of(ncat, "-l", "-k", "127.0.0.1", String.valueOf(port), "--proxy-type", "http"));
        if (cert != null) {
            command.addAll(List.of("--ssl", "--ssl-cert", cert.toString(), "--ssl-key", TestCerts.keyOf(cert).toString()));
        }
        Path out = dir.resolve("ncat-" + port + ".log");
        DaemonProcess daemon = DaemonProcess.start("ncat", command, dir, out, out, "TERM");
        daemon.awaitListening(port, 10_000);
        return new ProxyServer(daemon, port);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        daemon.stop();
    }
}
