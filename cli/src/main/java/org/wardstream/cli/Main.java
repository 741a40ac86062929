package org.wardstream.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./wardstream}: the command line. Each subcommand has {@code --help}. */
@Command(name = "wardstream", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Population remote monitoring on Apache Flink: detect episodes per patient, alert the "
                + "triage team, show commissioners who the service reaches.",
        subcommands = {DemoCommand.class, ReplayCommand.class, SimulateCommand.class,
                ValidateCommand.class, WhatIfCommand.class,
                org.wardstream.bench.BenchCommand.class,
                ReportCommand.class,
                org.wardstream.triage.cli.TriageCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code (0 ok, 1 run failed, 2 bad arguments: one line on stderr). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true)
                .setParameterExceptionHandler(new UsageErrors())
                .setExecutionExceptionHandler(new UsageErrors.RunErrors());
        ReplayCommand.addExampleSection(cl.getSubcommands().get("replay"));
        return cl.execute(args);
    }

    @Override
    public void run() {
        String commands = String.join(", ", spec.commandLine().getSubcommands().keySet().stream()
                .filter(name -> !name.equals("help")).toList());
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required (" + commands + ")");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"wardstream " + (v == null ? "development build" : v)};
        }
    }
}
