package org.wardstream.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wardstream.schema.Enrolment;
import org.wardstream.schema.PatientKey;
import org.wardstream.schema.wire.AvroCodec;

class FileOutputTest {
    @TempDir
    Path dir;

    @Test
    void replayFilesHoldOneLinePerRecordInAvroJson() throws Exception {
        Simulator sim = new Simulator(SimulatorConfig.defaults(4, 1, 5).withRates(0.01, 0.005, 0.01));
        List<SimulatedRecord> records = new ArrayList<>();
        SimulationManifest m;
        Path events = dir.resolve("out/events.ndjson");
        Path enrolments = dir.resolve("out/enrolments.ndjson");
        try (FileSimulationSink files = new FileSimulationSink(events, enrolments)) {
            m = sim.run(new SimulationSink() {
                @Override
                public void enrolment(PatientKey key, Enrolment value) {
                    files.enrolment(key, value);
                }

                @Override
                public void deviceEvent(SimulatedRecord record) {
                    records.add(record);
                    files.deviceEvent(record);
                }
            });
            assertThat(files.eventLines()).isEqualTo(m.deviceEvents());
            assertThat(files.enrolmentLines()).isEqualTo(4);
        }
        List<String> lines = Files.readAllLines(events, StandardCharsets.UTF_8);
        assertThat(lines).hasSize((int) m.deviceEvents())
                .isEqualTo(records.stream().map(SimulatedRecord::jsonLine).collect(Collectors.toList()));
        assertThat(Files.readString(events)).endsWith("\n").doesNotContain("\r");

        RecordChecks checks = new RecordChecks(sim.enrolments().stream().map(e -> e.key().getPatientId())
                .collect(Collectors.toSet()));
        int faults = 0;
        for (SimulatedRecord r : records) {
            if (r.isMalformed()) {
                checks.checkFault(r);
                faults++;
            } else {
                // valid lines round-trip through the codec's JSON decoder
                assertThat(checks.valueOfLine(r.jsonLine())).isEqualTo(r.decodedValue());
            }
        }
        assertThat(faults).isEqualTo(m.malformed()).isGreaterThan(50);

        List<String> enrolmentLines = Files.readAllLines(enrolments, StandardCharsets.UTF_8);
        assertThat(enrolmentLines).hasSize(4);
        for (int i = 0; i < 4; i++) {
            JsonNode line = RecordChecks.JSON.readTree(enrolmentLines.get(i));
            assertThat(AvroCodec.patientKeys().fromJson(line.get("key").toString())).isEqualTo(sim.enrolments().get(i).key());
            assertThat(AvroCodec.enrolments().fromJson(line.get("value").toString()))
                    .isEqualTo(sim.enrolments().get(i).value());
        }
    }

    @Test
    void tombstonesAreWrittenWithANullValue() throws Exception {
        Path events = dir.resolve("e.ndjson");
        Path enrolments = dir.resolve("n.ndjson");
        try (FileSimulationSink files = new FileSimulationSink(events, enrolments)) {
            files.enrolment(new PatientKey("virtual-ward", "p000009"), null);
        }
        assertThat(Files.readString(enrolments))
                .isEqualTo("{\"key\":{\"programme\":\"virtual-ward\",\"patientId\":\"p000009\"},\"value\":null}\n");
        assertThat(Files.readString(events)).isEmpty();
    }

    @Test
    void groundTruthCsvIsSortedIsoUtcAndReadsBack() {
        Simulator sim = new Simulator(SimulatorConfig.defaults(300, 2, 7));
        List<GroundTruthEpisode> shuffled = new ArrayList<>(sim.groundTruth());
        java.util.Collections.reverse(shuffled);
        Path csv = dir.resolve("gt/ground-truth.csv");
        GroundTruthCsv.write(shuffled, csv);
        List<String> lines;
        try {
            lines = Files.readAllLines(csv);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertThat(lines.get(0)).isEqualTo("patient_id,episode_type,start,end");
        assertThat(lines).hasSize(sim.groundTruth().size() + 1);
        for (String line : lines.subList(1, lines.size())) {
            assertThat(line).matches("p\\d{6},(atrial-fibrillation|tachycardia|bradycardia|pause|inactivity"
                    + "|device-offline),2026-03-0\\dT[0-9:.]+Z,2026-03-0\\dT[0-9:.]+Z");
        }
        List<GroundTruthEpisode> back = GroundTruthCsv.read(csv);
        assertThat(back).isEqualTo(sim.groundTruth()).isSortedAccordingTo(GroundTruthEpisode.ORDER);
        assertThat(back.get(0).start()).isBefore(back.get(back.size() - 1).start());
    }

    @Test
    void malformedGroundTruthIsReportedWithItsLine() throws Exception {
        Path csv = dir.resolve("bad.csv");
        Files.writeString(csv, "patient_id,episode_type,start,end\np000001,pause," + Instant.EPOCH + "\n");
        assertThatThrownBy(() -> GroundTruthCsv.read(csv)).hasMessageContaining("bad.csv:2");
    }
}
