package dev.netknife.cli;

import dev.netknife.NkException;
import dev.netknife.term.Style;
import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;

/**
 * The options every command accepts, before or after the subcommand name
 * ({@code nk -q http-get URL} = {@code nk http-get -q URL}).
 */
public record GlobalOptions(boolean json, Style.Mode color, boolean verbose, boolean quiet) {

    /** Names of global options that take a value, for the pre-scan that finds the subcommand. */
    static final String COLOR = "--color";

    static void addTo(CommandSpec spec) {
        spec.addOption(Specs.flag("Results as JSON lines: every stdout line is one object (connect puts them on stderr, its stdout being the peer's bytes; schema in nk(1)).", "--json"));
        spec.addOption(Specs.choice("WHEN", "Colour: auto (default; a terminal and no NO_COLOR), always or never.",
                java.util.List.of("auto", "always", "never"), COLOR));
        spec.addOption(Specs.flag("Say more on stderr; show stack traces on errors.", "-v", "--verbose"));
        spec.addOption(Specs.flag("Say nothing on stderr but errors.", "-q", "--quiet"));
    }

    /** Merges the root's and the subcommand's matches. */
    static GlobalOptions from(ParseResult root, ParseResult sub) {
        String color = value(sub, root, COLOR);
        Style.Mode mode = Style.Mode.AUTO;
        if (color != null) {
            mode = switch (color.toLowerCase(Locale.ROOT)) {
                case "auto" -> Style.Mode.AUTO;
                case "always" -> Style.Mode.ALWAYS;
                case "never" -> Style.Mode.NEVER;
                default -> throw NkException.usage("bad value '" + color + "' for --color: expected auto, always or never");
            };
        }
        return new GlobalOptions(flag(root, sub, "--json"), mode, flag(root, sub, "--verbose"),
                flag(root, sub, "--quiet") || flag(root, sub, "--silent")); // http-get's -s, as curl's
    }

    private static boolean flag(ParseResult root, ParseResult sub, String name) {
        return root.hasMatchedOption(name) || (sub != null && sub.hasMatchedOption(name));
    }

    private static String value(ParseResult sub, ParseResult root, String name) {
        if (sub != null && sub.hasMatchedOption(name)) {
            return sub.matchedOptionValue(name, null);
        }
        return root.matchedOptionValue(name, null);
    }
}
