package com.oracle.svm.hosted;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * netknife's stand-in for the builder's progress-report helper, patched into the builder module
 * ({@code --patch-module}). The original loads a small C library from a GraalVM distribution's
 * {@code lib/svm/builder/lib}, which a builder assembled from Maven Central does not have; the two
 * facts it asks that library for are read here without native code.
 */
public final class ProgressReporterCHelper {
    private static final int DEFAULT_CHARACTERS_PER_LINE = 80;
    static final int MAX_CHARACTERS_PER_LINE = 120;

    private ProgressReporterCHelper() {
    }

    public static int getTerminalWindowColumnsClamped() {
        return Math.min(Math.max(DEFAULT_CHARACTERS_PER_LINE, getTerminalWindowColumns()), MAX_CHARACTERS_PER_LINE);
    }

    /** The builder runs with its output captured by Maven: no terminal to ask, so the shell's COLUMNS or 80. */
    public static int getTerminalWindowColumns() {
        try {
            return Integer.parseInt(System.getenv().getOrDefault("COLUMNS", ""));
        } catch (NumberFormatException e) {
            return DEFAULT_CHARACTERS_PER_LINE;
        }
    }

    /** Peak resident set size of the builder (Linux's VmHWM), in bytes, or -1 when unknown. */
    public static long getPeakRSS() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // unknown: the report then leaves the figure out
        }
        return -1;
    }
}
