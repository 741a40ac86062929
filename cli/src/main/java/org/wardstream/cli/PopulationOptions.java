package org.wardstream.cli;

import org.wardstream.simulator.SimulatorConfig;

import picocli.CommandLine;
import picocli.CommandLine.Option;

/** The simulated population's options, shared by {@code demo} and {@code simulate}. */
final class PopulationOptions {
    @Option(names = "--patients", defaultValue = "200", description = "Simulated patients (default ${DEFAULT-VALUE}).")
    int patients;

    @Option(names = "--days", defaultValue = "1", description = "Simulated days (default ${DEFAULT-VALUE}).")
    int days;

    @Option(names = "--seed", defaultValue = "42", description = "Simulator seed (default ${DEFAULT-VALUE}).")
    long seed;

    /** The simulator configuration, after checking the numbers (usage error, exit code 2, otherwise). */
    SimulatorConfig config(CommandLine.Model.CommandSpec spec) {
        Args.positive(spec, "--patients", patients);
        Args.positive(spec, "--days", days);
        return SimulatorConfig.defaults(patients, days, seed);
    }
}
