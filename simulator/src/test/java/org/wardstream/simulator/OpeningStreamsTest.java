package org.wardstream.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wardstream.schema.DeviceEventKey;
import org.wardstream.schema.Enrolment;
import org.wardstream.schema.PatientKey;
import org.wardstream.schema.wire.AvroCodec;
import org.wardstream.schema.wire.DecodeException;

class OpeningStreamsTest {
    @TempDir
    Path dir;

    /** A record's content as a comparable string (wire bytes as lists, the timestamp and the fault). */
    private static String describe(byte[] key, byte[] value, long timestamp, String fault) {
        return Arrays.toString(key) + "|" + Arrays.toString(value) + "|" + timestamp + "|" + fault;
    }

    private static List<String> opening(OpeningStreams o) {
        List<String> out = new ArrayList<>();
        o.forEach(0, o.size(), r -> out.add(describe(r.key(), r.value(), r.timestampMs(), r.injectedFault())));
        return out;
    }

    /** The first {@code records} records of the full simulator's delivery. */
    private static List<String> fullSimulator(SimulatorConfig config, int records) {
        List<String> out = new ArrayList<>();
        class Enough extends RuntimeException {
        }
        try {
            new Simulator(config).run(new SimulationSink() {
                @Override
                public void enrolment(PatientKey key, Enrolment value) {
                }

                @Override
                public void deviceEvent(SimulatedRecord r) {
                    if (out.size() == records) {
                        throw new Enough();
                    }
                    out.add(describe(r.key(), r.value(), r.timestampMs(), r.injectedFault()));
                }
            });
        } catch (Enough e) {
            // the first records are enough
        }
        return out;
    }

    @Test
    void theOpeningIsTheFullSimulatorsFirstRecordsByteForByte() throws Exception {
        // raised fault, duplicate and late-upload rates, so the order of re-sends and injected faults is checked too
        SimulatorConfig config = SimulatorConfig.defaults(300, 1, 42).withRates(0.02, 0.02, 0.05);
        int records = 300 * 8;
        List<String> expected = fullSimulator(config, records);
        try (OpeningStreams o = OpeningStreams.generate(config, records, dir)) {
            List<String> actual = opening(o);
            assertThat(actual).hasSize(records);
            assertThat(actual).containsExactlyElementsOf(expected);
            assertThat(actual).anyMatch(s -> s.endsWith("|duplicate")).anyMatch(s -> s.endsWith("|unknown-patient"));
        }
    }

    @Test
    void theEnrolmentsAreTheSimulators() throws Exception {
        SimulatorConfig config = SimulatorConfig.defaults(40, 1, 7);
        List<String> expected = new ArrayList<>();
        for (SimulatedEnrolment e : new Simulator(config).enrolments()) {
            expected.add(e.key() + " " + e.value());
        }
        List<String> actual = new ArrayList<>();
        try (OpeningStreams o = OpeningStreams.generate(config, 80, dir)) {
            o.enrolments((k, v) -> actual.add(k + " " + v));
        }
        assertThat(actual).containsExactlyElementsOf(expected);
    }

    @Test
    void deterministicForASeedAndDifferentForAnother() throws Exception {
        SimulatorConfig config = SimulatorConfig.defaults(200, 1, 42);
        List<String> first;
        try (OpeningStreams o = OpeningStreams.generate(config, 800, dir)) {
            first = opening(o);
        }
        try (OpeningStreams o = OpeningStreams.generate(config, 800, dir)) {
            assertThat(opening(o)).containsExactlyElementsOf(first);
        }
        try (OpeningStreams o = OpeningStreams.generate(config.withSeed(43), 800, dir)) {
            assertThat(opening(o)).doesNotContainAnyElementsOf(first);
        }
    }

    @Test
    void recordsPerPatientAsAskedEveryPatientInItAndTheRenderingBounded() throws Exception {
        int patients = 500;
        int perPatient = 4;
        SimulatorConfig config = SimulatorConfig.defaults(patients, 1, 11);
        AvroCodec<DeviceEventKey> keys = AvroCodec.deviceEventKeys();
        Map<String, Integer> byPatient = new HashMap<>();
        Path spill;
        try (OpeningStreams o = OpeningStreams.generate(config, patients * perPatient, dir)) {
            assertThat(o.size()).isEqualTo(patients * perPatient);
            long[] last = {Long.MIN_VALUE};
            o.forEach(0, o.size(), r -> {
                assertThat(r.timestampMs()).isGreaterThanOrEqualTo(last[0]).isLessThan(o.horizonMs());
                last[0] = r.timestampMs();
                try {
                    byPatient.merge(keys.decode(r.key()).getPatientId(), 1, Integer::sum);
                } catch (DecodeException malformed) {
                    // an injected corrupt key
                }
            });
            // rendered only up to the horizon: not much more than asked (the estimate's slack), not a day's worth
            assertThat(o.renderedRecords()).isBetween(o.size() - o.size() / 100, 2 * o.size());
            assertThat(o.indexBytes()).isLessThan(16L * o.renderedRecords() + 1024);
            assertThat(o.horizonMs() - config.start().toEpochMilli()).isLessThan(15 * 60_000L);
            try (var files = Files.list(dir)) {
                spill = files.filter(f -> f.getFileName().toString().startsWith("opening-")).findFirst().orElseThrow();
            }
            assertThat(Files.size(spill)).isEqualTo(o.spillBytes());
        }
        assertThat(spill).doesNotExist();
        for (int i = 0; i < patients; i++) {
            assertThat(byPatient).containsKey(SyntheticPatient.patientId(i));
        }
        assertThat(byPatient.keySet()).allMatch(id -> id.startsWith("p") || id.startsWith(FaultInjector.UNKNOWN_PATIENT_PREFIX));
    }

    @Test
    void morePerPatientThanThePeriodHoldsIsAClearError() {
        SimulatorConfig config = SimulatorConfig.defaults(3, 1, 1);
        assertThatThrownBy(() -> OpeningStreams.generate(config, 3 * 100_000, dir))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fewer than 300000 records");
    }
}
