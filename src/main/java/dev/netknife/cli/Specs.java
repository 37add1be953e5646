package dev.netknife.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Small builders so each command declares its options in a few readable lines. Values stay
 * strings (or booleans); commands convert them with {@link Args}, which gives nk's own error
 * messages and keeps picocli's type converters off the start-up path.
 */
final class Specs {
    private Specs() {
    }

    static CommandSpec command(String name, String summary, String... synopsis) {
        CommandSpec spec = CommandSpec.create().name(name);
        spec.usageMessage()
                .description(summary)
                .customSynopsis(synopsis)
                .sortOptions(false)
                .synopsisHeading("Usage: ")
                .descriptionHeading("%n")
                .optionListHeading("%nOptions:%n")
                .parameterListHeading("%nArguments:%n")
                .footerHeading("%n");
        return spec;
    }

    static OptionSpec flag(String description, String... names) {
        return OptionSpec.builder(names).type(boolean.class).arity("0").description(description).build();
    }

    static OptionSpec option(String label, String description, String... names) {
        return OptionSpec.builder(names).type(String.class).arity("1").paramLabel(label).description(description).build();
    }

    /** An option whose value is one of {@code choices}: shells complete them (--strategy <TAB>). */
    static OptionSpec choice(String label, String description, java.util.List<String> choices, String... names) {
        return OptionSpec.builder(names).type(String.class).arity("1").paramLabel(label).description(description)
                .completionCandidates(choices).build();
    }

    /** An option that may be given several times. */
    static OptionSpec repeatable(String label, String description, String... names) {
        return OptionSpec.builder(names).type(String[].class).auxiliaryTypes(String.class).arity("1")
                .paramLabel(label).description(description).build();
    }

    /** A positional that takes several values ({@code URL...}). */
    static PositionalParamSpec positionals(String index, String arity, String label, String description) {
        return PositionalParamSpec.builder().index(index).arity(arity).type(String[].class).auxiliaryTypes(String.class)
                .required(!arity.startsWith("0")).paramLabel(label).description(description).build();
    }

    static PositionalParamSpec positional(String index, String arity, String label, String description) {
        return PositionalParamSpec.builder().index(index).arity(arity).type(String.class)
                .required(!arity.startsWith("0")).paramLabel(label).description(description).build();
    }
}
