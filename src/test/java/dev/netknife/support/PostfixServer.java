package dev.netknife.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;

/**
 * A throwaway Postfix smtpd on 127.0.0.1: Postfix's {@code master} in the foreground with a configuration of its own
 * (no {@code /etc/postfix/main.cf}, no port 25), every file under one directory. Only smtpd runs (plus tlsmgr and the
 * log daemon); mail is not accepted for delivery. Postfix runs only as root: the test is skipped otherwise (fails
 * under CI). Its workers run as the package's postfix user: {@code dir}, with its parents inside the temp directory,
 * gets o+x so that user can reach its directory.
 */
public final class PostfixServer implements AutoCloseable {
    private final DaemonProcess daemon;
    private final int port;

    private PostfixServer(DaemonProcess daemon, int port) {
        this.daemon = daemon;
        this.port = port;
    }

    /**
     * smtpd offering STARTTLS ({@code smtpd_tls_security_level = may}) with the certificate chain (leaf first) in
     * {@code certChainPem} and its key in {@code keyPem}; its files go in a new directory under {@code dir}.
     */
    public static PostfixServer start(Path dir, Path certChainPem, Path keyPem) throws IOException, InterruptedException {
        return start(dir, """
                smtpd_tls_security_level = may
                smtpd_tls_chain_files = %s, %s
                smtpd_tls_loglevel = 1
                """.formatted(keyPem.toAbsolutePath(), certChainPem.toAbsolutePath()));
    }

    /** smtpd without TLS ({@code smtpd_tls_security_level = none}): EHLO lists no STARTTLS and the command is refused. */
    public static PostfixServer startWithoutTls(Path dir) throws IOException, InterruptedException {
        return start(dir, "smtpd_tls_security_level = none\n");
    }

    private static PostfixServer start(Path dir, String tls) throws IOException, InterruptedException {
        String postconf = Peers.require("postconf", "postfix");
        DaemonUsers.requireRoot("Postfix's master");
        String master = daemonDirectory(postconf) + "/master";
        int port = Peers.freePort();
        DaemonUsers.traversable(dir);
        Path home = DaemonUsers.directory(dir.resolve("postfix-" + port), "rwx--x--x", "root", null);
        Path conf = DaemonUsers.directory(home.resolve("conf"), "rwxr-xr-x", "root", null);
        Path queue = DaemonUsers.directory(home.resolve("queue"), "rwxr-xr-x", "root", null);
        DaemonUsers.directory(queue.resolve("pid"), "rwxr-xr-x", "root", null);
        DaemonUsers.directory(queue.resolve("public"), "rwx--x---", "postfix", "postdrop");
        DaemonUsers.directory(queue.resolve("private"), "rwx------", "postfix", null);
        Path data = DaemonUsers.directory(home.resolve("data"), "rwx------", "postfix", null);
        Path log = home.resolve("maillog");
        Files.writeString(conf.resolve("main.cf"), """
                compatibility_level = 3.6
                meta_directory = %1$s
                queue_directory = %2$s
                data_directory = %3$s
                maillog_file = %4$s
                maillog_file_prefixes = %5$s
                mail_owner = postfix
                setgid_group = postdrop
                inet_interfaces = loopback-only
                inet_protocols = ipv4
                myhostname = localhost
                mydomain = localdomain
                mydestination =
                mynetworks = 127.0.0.0/8
                local_recipient_maps =
                alias_maps =
                notify_classes =
                biff = no
                smtpd_peername_lookup = no
                %6$s""".formatted(conf, queue, data, log, home, tls));
        Files.writeString(conf.resolve("master.cf"), """
                127.0.0.1:%d inet n - n - - smtpd
                tlsmgr unix - - n 1000? 1 tlsmgr
                postlog unix-dgram n - n - 1 postlogd
                """.formatted(port));
        backdate(conf.resolve("main.cf"));
        backdate(conf.resolve("master.cf"));
        DaemonProcess daemon = DaemonProcess.start("postfix", List.of(master, "-s", "-c", conf.toString()), home,
                home.resolve("master.out"), log, "TERM");
        try {
            daemon.awaitListening(port, 5000);
        } catch (Throwable e) {
            daemon.stop();
            throw e;
        }
        return new PostfixServer(daemon, port);
    }

    /**
     * Postfix reads a configuration file modified in the last two seconds again and again (it may be half written),
     * 300 ms apart: a file just written costs two seconds of start-up unless it looks older.
     */
    private static void backdate(Path file) throws IOException {
        Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() - 60_000));
    }

    /** Where Postfix keeps master and smtpd: its compiled-in default (read without any main.cf). */
    private static String daemonDirectory(String postconf) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(postconf, "-d", "-h", "daemon_directory").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
        if (p.waitFor() != 0) {
            throw new IOException("postconf -d -h daemon_directory: " + out);
        }
        return out;
    }

    public int port() {
        return port;
    }

    /** The mail log so far (connections, TLS handshakes, errors). */
    public String log() throws IOException {
        return daemon.log();
    }

    /** Stops master (SIGTERM: it passes the signal to its children) and waits until no process of it is left. */
    @Override
    public void close() throws InterruptedException, IOException {
        daemon.stop();
    }
}
