package org.wardstream.demo;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.wardstream.evaluation.validation.JobPath;
import org.wardstream.evaluation.validation.RhythmValidation;
import org.wardstream.evaluation.validation.RrCsvRecord;
import org.wardstream.schema.BeatQuality;
import org.wardstream.schema.DeviceEvent;
import org.wardstream.schema.DeviceEventKey;
import org.wardstream.schema.Enrolment;
import org.wardstream.schema.EnrolmentStatus;
import org.wardstream.schema.PatientKey;
import org.wardstream.schema.RrIntervalBatch;
import org.wardstream.schema.Stratifiers;
import org.wardstream.schema.WearDetection;
import org.wardstream.schema.WearState;
import org.wardstream.schema.wire.AvroCodec;

/**
 * Writes annotated beat records as replay files ({@code enrolments.ndjson}, {@code events.ndjson}), one patient per
 * record (pseudonym = record name, programme {@value #PROGRAMME}), each RR batch exactly as {@link JobPath#batches}
 * cuts it for {@code wardstream validate}: so {@code wardstream replay} runs the same beats through the real job.
 * An RR batch's device time is its start; it is received one second after its last beat. Before the batches, the
 * device reports itself on the body at the first beat ({@link JobPath#worn}, received then): a Holter recording is
 * worn, and validate tells its detector the same, so the job judges the heart rate it derives from the beats as at
 * rest as validate does.
 */
public final class RecordReplayFiles {
    public static final String PROGRAMME = JobPath.PROGRAMME;
    /** Enrolled (and the enrolment updated) this long before the record starts. */
    private static final long ENROLLED_BEFORE_MS = 3_600_000L;

    private RecordReplayFiles() {
    }

    /**
     * Writes the two files for the given records into {@code dir}; returns the number of event lines (wear reports
     * and RR batches).
     */
    public static long write(List<RrCsvRecord> records, Path dir) throws IOException {
        Files.createDirectories(dir);
        AvroCodec<PatientKey> pk = AvroCodec.patientKeys();
        AvroCodec<Enrolment> en = AvroCodec.enrolments();
        AvroCodec<DeviceEventKey> dk = AvroCodec.deviceEventKeys();
        AvroCodec<DeviceEvent> de = AvroCodec.deviceEvents();
        long lines = 0;
        try (BufferedWriter enrolments = Files.newBufferedWriter(dir.resolve("enrolments.ndjson"), StandardCharsets.UTF_8);
             BufferedWriter events = Files.newBufferedWriter(dir.resolve("events.ndjson"), StandardCharsets.UTF_8)) {
            for (RrCsvRecord rec : records) {
                long first = RhythmValidation.beatMs(rec, 0);
                Enrolment e = Enrolment.newBuilder()
                        .setPatientId(rec.name).setProgramme(PROGRAMME).setStatus(EnrolmentStatus.ACTIVE)
                        .setEnrolledOn(LocalDate.ofInstant(Instant.ofEpochMilli(first - ENROLLED_BEFORE_MS), JobPath.ZONE))
                        .setEndedOn(null).setTimeZone(JobPath.ZONE.getId())
                        .setStratifiers(Stratifiers.newBuilder().build())
                        .setThresholdOverrides(Map.of())
                        .setUpdatedAt(Instant.ofEpochMilli(first - ENROLLED_BEFORE_MS)).build();
                enrolments.write(line(pk.toJson(new PatientKey(PROGRAMME, rec.name)), en.toJson(e)));
                enrolments.newLine();
                DeviceEventKey key = new DeviceEventKey(PROGRAMME, rec.name, "ecg-" + rec.name);
                String keyJson = dk.toJson(key);
                int i = 0;
                List<JobPath.Batch> batches = JobPath.batches(rec);
                if (!batches.isEmpty()) {
                    Instant at = Instant.ofEpochMilli(batches.get(0).startMs());
                    DeviceEvent worn = new DeviceEvent(rec.name + "-worn", at, at, 0,
                            new WearState(true, WearDetection.UNKNOWN));
                    events.write(line(keyJson, de.toJson(worn)));
                    events.newLine();
                    lines++;
                }
                for (JobPath.Batch b : batches) {
                    List<Integer> rr = new ArrayList<>(b.rrMs().length);
                    List<BeatQuality> q = new ArrayList<>(b.rrMs().length);
                    for (int k = 0; k < b.rrMs().length; k++) {
                        rr.add(b.rrMs()[k]);
                        q.add(BeatQuality.values()[b.quality()[k]]);
                    }
                    DeviceEvent ev = new DeviceEvent(rec.name + "-rr-" + i++, Instant.ofEpochMilli(b.startMs()),
                            Instant.ofEpochMilli(b.endMs() + 1000), 0,
                            new RrIntervalBatch(Instant.ofEpochMilli(b.startMs()), rr, q));
                    events.write(line(keyJson, de.toJson(ev)));
                    events.newLine();
                    lines++;
                }
            }
        }
        return lines;
    }

    private static String line(String key, String value) {
        return "{\"key\":" + key + ",\"value\":" + value + "}";
    }
}
