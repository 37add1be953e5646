package dev.netknife.cli;

import picocli.CommandLine.Model.CommandSpec;

/** One subcommand: declares its options (picocli's programmatic model), then runs with them. */
public interface NkCommand {

    /** The command-line model of this subcommand, built only when this subcommand is invoked or documented. */
    CommandSpec spec();

    /** Runs the command; returns the exit code. Throwing {@link dev.netknife.NkException} is the usual way to fail. */
    int run(Args args, Invocation inv) throws Exception;
}
