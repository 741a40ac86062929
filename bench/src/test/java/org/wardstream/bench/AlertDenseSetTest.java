package org.wardstream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wardstream.ingest.EventValidator;
import org.wardstream.ingest.IngestSettings;
import org.wardstream.rules.EffectiveRules;
import org.wardstream.rules.EpisodeType;
import org.wardstream.rules.Rules;
import org.wardstream.schema.DeviceEvent;
import org.wardstream.schema.DeviceEventKey;

/**
 * The latency bench's alert-dense set, at a small scale and without Flink: the job's own per-patient path (patient
 * detector, lifecycle, the bench's rules) opens AF alerts while analysing readings, every reading is analysed as it
 * arrives (none held as a delayed backlog), and ingest's validator admits every record.
 */
class AlertDenseSetTest {
    private static final long BASE_MS = java.time.Instant.parse("2026-12-05T10:00:00Z").toEpochMilli();

    @Test
    void readingsOpenAtrialFibrillationAlertsAndNoneIsHeld(@TempDir Path dir) {
        EffectiveRules rules = Rules.loadDirectory(BenchRules.write(dir.resolve("rules"))).defaults();
        int patients = 30;
        AlertDenseSet set = new AlertDenseSet(patients, 300_000, 7);

        AlertDenseSet.Count c = set.count(rules, BASE_MS);

        assertThat(c.readings()).isEqualTo(set.size());
        assertThat(c.notAnalysed()).as("readings held or dead-lettered instead of analysed").isZero();
        assertThat(c.analysed()).isEqualTo(set.size());
        // each patient alternates sinus blocks of 100-140 beats and AF blocks of 130-170: about one AF run per 2-3 min,
        // so 5 min of 30 patients give well over 30 openings; each opened by the reading being analysed, none on
        // arrival alone
        assertThat(c.openedFromReadings()).isGreaterThanOrEqualTo(patients);
        assertThat(c.openedOtherwise()).isZero();
        assertThat(c.openedByType()).containsOnlyKeys(EpisodeType.ATRIAL_FIBRILLATION);
        assertThat(c.openedAtOffsets()).hasSize(c.openedFromReadings()).isSorted();
        assertThat(c.openedAtOffsets()[0]).isBetween(0L, set.durationMs);
    }

    @Test
    void offeredRateFollowsThePatientCountAndSendOrderIsByOffset() {
        int patients = AlertDenseSet.patientsFor(200);
        assertThat(patients).isEqualTo(500);
        AlertDenseSet set = new AlertDenseSet(patients, 60_000, 3);
        assertThat(set.offeredPerSecond()).isBetween(180.0, 220.0);
        for (int i = 1; i < set.size(); i++) {
            assertThat(set.readyOffset[i]).isGreaterThanOrEqualTo(set.readyOffset[i - 1]);
        }
        for (int i = 0; i < set.size(); i++) {
            long lag = set.readyOffset[i] - set.timeOffset[i];
            // device time is the batch's first beat: receipt is the batch's ~5 s plus 0.3-1.5 s of upload later
            assertThat(lag).as("receipt after device time, within seconds").isBetween(5_000L, 10_000L);
        }
    }

    @Test
    void ingestAdmitsEveryRecord() throws Exception {
        AlertDenseSet set = new AlertDenseSet(20, 60_000, 11);
        long base = System.currentTimeMillis() - set.durationMs; // sent live: the validator checks against the clock
        EventValidator validator = new EventValidator(IngestSettings.defaults());
        var keys = org.wardstream.schema.wire.AvroCodec.deviceEventKeys();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < set.size(); i++) {
            long received = base + set.readyOffset[i];
            DeviceEvent e = set.event(i, base, received);
            DeviceEventKey key = keys.decode(set.key(set.patient[i], keys));
            assertThat(validator.validate(key, e, received)).isNotNull();
            assertThat(ids.add(e.getEventId())).as("unique event ids").isTrue();
        }
        assertThat(ids).hasSize(set.size());
    }

    @Test
    void durationIsSizedForTheAlertTarget(@TempDir Path dir) {
        EffectiveRules rules = Rules.loadDirectory(BenchRules.write(dir.resolve("rules"))).defaults();
        long warmUp = 20_000;
        int patients = 400;
        long d = AlertDenseSet.durationFor(patients, 200, warmUp, 240_000, 5, rules);
        assertThat(d).isBetween(warmUp + 20_000, 240_000L);
        AlertDenseSet set = new AlertDenseSet(patients, d, 5);
        long after = java.util.Arrays.stream(set.count(rules, BASE_MS).openedAtOffsets()).filter(t -> t >= warmUp).count();
        assertThat(after).as("alerts after the warm-up in " + d + " ms").isGreaterThanOrEqualTo(200);
    }
}
