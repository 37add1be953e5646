package dev.netknife.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;

/**
 * The system users the mail and database servers switch to (postfix, dovecot, postgres) when a test runs them as
 * root, and the file modes that let those users reach the files a test made for them.
 */
final class DaemonUsers {
    private DaemonUsers() {
    }

    /** Whether this JVM runs as root (the owner of /proc/self is the effective user). */
    static boolean isRoot() throws IOException {
        return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    }

    /** Skips the test (fails it under CI) unless this JVM runs as root. */
    static void requireRoot(String server) throws IOException {
        if (!isRoot()) {
            missing(server + " runs only as root: run the tests as root");
        }
    }

    /** Skips the test on a developer machine, fails it under CI (as {@link Peers#require}). */
    static void missing(String message) {
        if (System.getenv("CI") != null) {
            throw new AssertionError(message);
        }
        Assumptions.abort(message);
    }

    /** Creates {@code dir} with mode {@code rwx------}-style {@code mode} and, as root, gives it to {@code user}. */
    static Path directory(Path dir, String mode, String user, String group) throws IOException {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(mode));
        chown(dir, user, group);
        return dir;
    }

    /** Writes {@code text} to {@code file} with {@code mode} and, as root, gives it to {@code user}. */
    static Path file(Path file, String text, String mode, String user, String group) throws IOException {
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        chown(file, user, group);
        return file;
    }

    /** As root: {@code user} (and {@code group}, when not null) owns {@code path}. Does nothing for other users. */
    static void chown(Path path, String user, String group) throws IOException {
        if (!isRoot()) {
            return;
        }
        UserPrincipalLookupService names = path.getFileSystem().getUserPrincipalLookupService();
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
        view.setOwner(names.lookupPrincipalByName(user));
        if (group != null) {
            view.setGroup(names.lookupPrincipalByGroupName(group));
        }
    }

    /**
     * As root: lets other users pass through {@code dir} and its parents up to the temp directory (adds o+x, never
     * r): a JUnit {@code @TempDir} is mode 0700, and a server that switched to its system user must still reach its
     * own directory inside it. Directories root does not own are left as they are; nothing changes for other users.
     */
    static void traversable(Path dir) throws IOException {
        Files.createDirectories(dir);
        if (!isRoot()) {
            return;
        }
        Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().normalize();
        Object me = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        Path p = dir.toAbsolutePath().normalize();
        do {
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(p);
            if (!mode.contains(PosixFilePermission.OTHERS_EXECUTE) && me.equals(Files.getAttribute(p, "unix:uid"))) {
                mode.add(PosixFilePermission.OTHERS_EXECUTE);
                Files.setPosixFilePermissions(p, mode);
            }
            p = p.getParent();
        } while (p != null && p.startsWith(tmp) && !p.equals(tmp));
    }

    /** {@code command} run as {@code user} when this JVM is root (setpriv, which execs: the pid stays the server's). */
    static List<String> as(String user, List<String> command) throws IOException {
        if (!isRoot()) {
            return command;
        }
        List<String> all = new ArrayList<>(List.of(Peers.require("setpriv", "util-linux"), "--reuid=" + user, "--regid=" + user,
                "--init-groups", "--"));
        all.addAll(command);
        return all;
    }
}
