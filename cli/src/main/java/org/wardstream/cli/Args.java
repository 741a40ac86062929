package org.wardstream.cli;

import picocli.CommandLine;

/** Argument checks that picocli's types cannot express; they fail with exit code 2 and one line ({@link UsageErrors}). */
final class Args {
    private Args() {
    }

    static void positive(CommandLine.Model.CommandSpec spec, String name, long value) {
        if (value <= 0) {
            throw error(spec, name, value, "must be a positive number; give a whole number of at least 1");
        }
    }

    static void readableFile(CommandLine.Model.CommandSpec spec, String name, java.nio.file.Path file) {
        if (!java.nio.file.Files.isRegularFile(file) || !java.nio.file.Files.isReadable(file)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    name + ": no readable file at " + file + "; check the path");
        }
    }

    /** A usage error (exit code 2, one line) naming the option, its value and the fix. */
    static CommandLine.ParameterException error(CommandLine.Model.CommandSpec spec, String option, Object value,
                                                String problemAndFix) {
        return new CommandLine.ParameterException(spec.commandLine(), option + " " + value + ": " + problemAndFix);
    }
}
