package dev.netknife.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A server run in the foreground that forks workers of its own (postfix, dovecot, postgres): the process, the log it
 * writes, and a stop that leaves none of its processes behind. A server a test fails to close is stopped when the JVM
 * exits.
 */
final class DaemonProcess {
    private static final long STOP_MILLIS = 10_000;

    private final String name;
    private final Process process;
    private final Path output;
    private final Path log;
    private final String stopSignal;
    private final Thread atExit = new Thread(this::stopAtExit);

    private DaemonProcess(String name, Process process, Path output, Path log, String stopSignal) {
        this.name = name;
        this.process = process;
        this.output = output;
        this.log = log;
        this.stopSignal = stopSignal;
    }

    /**
     * Starts {@code command} in {@code workDir}, its output (stdout and stderr) going to {@code output}; {@code stop}
     * is the signal that shuts it down (a name for kill(1): TERM, INT ...).
     */
    static DaemonProcess start(String name, List<String> command, Path workDir, Path output, Path log, String stop)
            throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile());
        pb.environment().put("LC_ALL", "C");
        DaemonProcess daemon = new DaemonProcess(name, pb.start(), output, log, stop);
        Runtime.getRuntime().addShutdownHook(daemon.atExit);
        return daemon;
    }

    /** The server's log so far ("" while it has none). */
    String log() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** Waits until something listens on 127.0.0.1:port; fails at once, with the log, if the server exits first. */
    void awaitListening(int port, long millis) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (true) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                checkRunning(deadline, "nothing listening on 127.0.0.1:" + port);
                Thread.sleep(20);
            }
        }
    }

    /** Waits until the log contains {@code line}; fails at once, with the log, if the server exits first. */
    void awaitLog(String line, long millis) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (!log().contains(line)) {
            checkRunning(deadline, "no \"" + line + "\" in the log");
            Thread.sleep(20);
        }
    }

    private void checkRunning(long deadline, String what) throws IOException {
        if (!process.isAlive()) {
            throw new AssertionError(name + " exited with status " + process.exitValue() + ":\n" + logs());
        }
        if (System.currentTimeMillis() > deadline) {
            throw new AssertionError(name + ": " + what + " in time:\n" + logs());
        }
    }

    private String logs() throws IOException {
        return output.equals(log) || !Files.exists(output) ? log() : log() + Files.readString(output);
    }

    /**
     * Sends the stop signal to the server, waits for it and every process it started to exit, and kills (SIGKILL) those
     * still there after 10 s. The process tree is sampled until the server is gone,
     * so workers forked during the shutdown are waited for too, and so are workers that outlive their master.
     */
    void stop() throws InterruptedException, IOException {
        try {
            Runtime.getRuntime().removeShutdownHook(atExit);
        } catch (IllegalStateException e) {
            // the JVM is exiting: this is the hook
        }
        Set<ProcessHandle> tree = new LinkedHashSet<>(process.descendants().toList());
        if (process.isAlive()) {
            if (stopSignal.equals("TERM")) {
                process.destroy();
            } else {
                String kill = Peers.require("kill", "procps");
                new ProcessBuilder(kill, "-s", stopSignal, String.valueOf(process.pid())).inheritIO().start().waitFor();
            }
        }
        long deadline = System.currentTimeMillis() + STOP_MILLIS;
        while (process.isAlive() && System.currentTimeMillis() < deadline) {
            tree.addAll(process.descendants().toList());
            process.waitFor(20, TimeUnit.MILLISECONDS);
        }
        tree.addAll(process.descendants().toList());
        tree.add(process.toHandle());
        if (!awaitExit(tree, deadline)) {
            tree.forEach(ProcessHandle::destroyForcibly);
            awaitExit(tree, System.currentTimeMillis() + 5000);
        }
    }

    private void stopAtExit() {
        try {
            stop();
        } catch (IOException | InterruptedException e) {
            process.destroyForcibly();
        }
    }

    /** Polls (ProcessHandle.onExit polls processes that are not our children 300 ms apart and more). */
    private static boolean awaitExit(Set<ProcessHandle> processes, long deadline) throws InterruptedException {
        while (processes.stream().anyMatch(DaemonProcess::running)) {
            if (System.currentTimeMillis() > deadline) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    /**
     * Whether the process still runs: alive and not a zombie. A worker whose master exited first is reaped by init,
     * which may take a while (ProcessHandle.isAlive counts a zombie as alive).
     */
    static boolean running(ProcessHandle process) {
        if (!process.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(process.pid()), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException e) {
            return false;
        }
    }
}
