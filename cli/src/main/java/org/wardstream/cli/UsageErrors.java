package org.wardstream.cli;

import java.io.PrintWriter;

import picocli.CommandLine;

/**
 * How a usage error reads: one line on stderr naming the command, the option, the value and the fix, and a
 * pointer to {@code --help} instead of the whole usage block (which buried the one line that mattered).
 * Exit code 2.
 */
final class UsageErrors implements CommandLine.IParameterExceptionHandler {
    static final int EXIT_CODE = 2;

    @Override
    public int handleParseException(CommandLine.ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println(line(ex));
        err.flush();
        return EXIT_CODE;
    }

    /** The one line: "wardstream report: <what is wrong and how to fix it> (see: wardstream report --help)". */
    static String line(CommandLine.ParameterException ex) {
        CommandLine cmd = ex.getCommandLine();
        String name = cmd.getCommandSpec().qualifiedName();
        String message = String.valueOf(ex.getMessage()).replaceAll("\\s*\\R\\s*", " ").strip();
        if (ex instanceof CommandLine.UnmatchedArgumentException unmatched) {
            var suggestions = unmatched.getSuggestions();
            if (!suggestions.isEmpty()) {
                message += "; did you mean " + String.join(" or ", suggestions) + "?";
            }
        }
        return name + ": " + message + " (see: " + name + " --help)";
    }
}
