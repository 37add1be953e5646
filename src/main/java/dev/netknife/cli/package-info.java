/**
 * The command line: one class per subcommand ({@code *Command}) with its option spec, and the renderers of
 * its results ({@code *Output}, {@code *Printer}). Each turns {@code Args} into a protocol package's
 * records, calls the package, prints what comes back and returns the exit code. Protocol behaviour (accept
 * and read loops, handshakes, state machines) lives in the packages, never here.
 */
package dev.netknife.cli;
