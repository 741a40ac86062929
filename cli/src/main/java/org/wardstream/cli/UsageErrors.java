package org.wardstream.cli;

import java.io.PrintWriter;

import org.wardstream.rules.RuleValidationException;
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

    /**
     * What a command throws while it runs, for its user: rules that do not load ({@link RuleValidationException}: the
     * problems listed), a path given on the command line that cannot be used (a directory where a file is written, a
     * missing file: {@link java.nio.file.FileSystemException}) and an argument refused while running
     * ({@link IllegalArgumentException}) are bad arguments: exit 2 with the message on stderr, no stack trace;
     * another input/output failure is exit 1 with one line. Anything else is a fault: picocli's stack trace, exit 1.
     */
    static final class RunErrors implements CommandLine.IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parsed)
                throws Exception {
            String name = cmd.getCommandSpec().qualifiedName();
            PrintWriter err = cmd.getErr();
            String database = org.wardstream.triage.cli.TriageCommand.databaseFailure(ex);
            if (database != null) { // wardstream triage (and its users/tokens commands) with no usable database
                err.println(name + ": " + database);
                err.flush();
                return 1;
            }
            Throwable cause = ex instanceof java.io.UncheckedIOException u ? u.getCause() : ex;
            int code;
            if (cause instanceof RuleValidationException || cause instanceof IllegalArgumentException
                    || cause instanceof java.nio.file.FileSystemException) {
                code = EXIT_CODE;
            } else if (cause instanceof java.io.IOException) {
                code = 1;
            } else {
                throw ex;
            }
            String message = cause instanceof java.nio.file.FileSystemException f
                    ? "cannot use " + f.getFile() + (f.getReason() == null ? "" : ": " + f.getReason())
                    + " (" + f.getClass().getSimpleName() + ")"
                    : String.valueOf(cause.getMessage());
            err.println(name + ": " + message.strip());
            err.flush();
            return code;
        }
    }
}
