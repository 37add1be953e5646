package dev.netknife.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.List;

/**
 * A throwaway Dovecot serving IMAP and POP3 on two loopback ports: {@code dovecot -F} with a configuration of its own
 * (not /etc/dovecot), base, state and log under one directory. It has no users: every login fails, but the greeting,
 * CAPABILITY/CAPA and STARTTLS/STLS work. As root its processes switch to the package's dovecot and dovenull users
 * ({@code dir}, with its parents inside the temp directory, gets o+x so they can reach their files); otherwise all of
 * them run as the current user.
 */
public final class DovecotServer implements AutoCloseable {
    private final DaemonProcess daemon;
    private final int imapPort;
    private final int pop3Port;

    private DovecotServer(DaemonProcess daemon, int imapPort, int pop3Port) {
        this.daemon = daemon;
        this.imapPort = imapPort;
        this.pop3Port = pop3Port;
    }

    /**
     * IMAP and POP3 with STARTTLS/STLS offered, not required ({@code ssl = yes}), with the certificate chain (leaf
     * first) in {@code certChainPem} and its key in {@code keyPem}; its files go in a new directory under {@code dir}.
     */
    public static DovecotServer start(Path dir, Path certChainPem, Path keyPem) throws IOException, InterruptedException {
        return start(dir, """
                ssl = yes
                ssl_cert = <%s
                ssl_key = <%s
                """.formatted(certChainPem.toAbsolutePath(), keyPem.toAbsolutePath()));
    }

    /** IMAP and POP3 without TLS ({@code ssl = no}): no STARTTLS/STLS in the capabilities, and the commands fail. */
    public static DovecotServer startWithoutTls(Path dir) throws IOException, InterruptedException {
        return start(dir, "ssl = no\n");
    }

    private static DovecotServer start(Path dir, String tls) throws IOException, InterruptedException {
        String dovecot = Peers.require("dovecot", "dovecot-imapd dovecot-pop3d");
        int imap = Peers.freePort();
        int pop3 = Peers.freePort();
        while (pop3 == imap) {
            pop3 = Peers.freePort();
        }
        DaemonUsers.traversable(dir);
        Path home = DaemonUsers.directory(dir.resolve("dovecot-" + imap), "rwxr-xr-x", "root", null);
        Path users = DaemonUsers.file(home.resolve("users"), "", "rw-r--r--", "root", null);
        Path log = home.resolve("dovecot.log");
        Path conf = home.resolve("dovecot.conf");
        boolean root = DaemonUsers.isRoot();
        String chroot = root ? "" : "  chroot =\n";
        Files.writeString(conf, """
                base_dir = %1$s/run
                state_dir = %1$s/state
                log_path = %2$s
                protocols = imap pop3
                listen = 127.0.0.1
                auth_mechanisms = plain login
                passdb {
                  driver = passwd-file
                  args = %3$s
                }
                userdb {
                  driver = passwd-file
                  args = %3$s
                }
                service imap-login {
                  inet_listener imap {
                    address = 127.0.0.1
                    port = %4$d
                  }
                  inet_listener imaps {
                    port = 0
                  }
                %6$s}
                service pop3-login {
                  inet_listener pop3 {
                    address = 127.0.0.1
                    port = %5$d
                  }
                  inet_listener pop3s {
                    port = 0
                  }
                %6$s}
                service anvil {
                %6$s}
                %7$s%8$s""".formatted(home, log, users, imap, pop3, chroot, tls, root ? "" : asCurrentUser(home)));
        DaemonProcess daemon = DaemonProcess.start("dovecot", List.of(dovecot, "-F", "-c", conf.toString()), home,
                home.resolve("dovecot.out"), log, "TERM");
        try {
            daemon.awaitListening(imap, 5000);
            daemon.awaitListening(pop3, 5000);
        } catch (Throwable e) {
            daemon.stop();
            throw e;
        }
        return new DovecotServer(daemon, imap, pop3);
    }

    /** Not root: every process runs as this user and group (and, above, the login processes do not chroot). */
    private static String asCurrentUser(Path home) throws IOException {
        String group = Files.readAttributes(home, PosixFileAttributes.class).group().getName();
        return """
                default_internal_user = %1$s
                default_internal_group = %2$s
                default_login_user = %1$s
                """.formatted(System.getProperty("user.name"), group);
    }

    public int imapPort() {
        return imapPort;
    }

    public int pop3Port() {
        return pop3Port;
    }

    /** Dovecot's log so far. */
    public String log() throws IOException {
        return daemon.log();
    }

    /** Stops dovecot (SIGTERM: its master stops the other processes) and waits until no process of it is left. */
    @Override
    public void close() throws InterruptedException, IOException {
        daemon.stop();
    }
}
