package org.wardstream.cli;

import picocli.CommandLine;

/** Argument checks that picocli's types cannot express; they fail with exit code 2 and the usage. */
final class Args {
    private Args() {
    }

    static void positive(CommandLine.Model.CommandSpec spec, String name, long value) {
        if (value <= 0) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    name + " must be a positive number (was " + value + ")");
        }
    }

    static void readableFile(CommandLine.Model.CommandSpec spec, String name, java.nio.file.Path file) {
        if (!java.nio.file.Files.isRegularFile(file) || !java.nio.file.Files.isReadable(file)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    name + ": no readable file at " + file);
        }
    }
}
