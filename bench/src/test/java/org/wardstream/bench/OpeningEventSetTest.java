package org.wardstream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wardstream.schema.Enrolment;
import org.wardstream.schema.PatientKey;
import org.wardstream.schema.wire.AvroCodec;

/** The scale curve's streamed records are the in-memory event set's, production keys and all. */
class OpeningEventSetTest {
    @TempDir
    Path dir;

    @Test
    void theSameRecordsAndEnrolmentsAsTheInMemoryEventSetWithProductionKeys() throws Exception {
        int patients = 150;
        int n = patients * 4;
        EventSet expected = new EventSet(n, patients, 42, true);
        assertThat(expected.days).isEqualTo(1);
        try (OpeningEventSet set = OpeningEventSet.generate(n, patients, 42, dir)) {
            assertThat(set.n()).isEqualTo(expected.n);
            assertThat(set.size()).isEqualTo(expected.size());
            assertThat(set.patients()).isEqualTo(patients);
            assertThat(set.unknownPatientN()).isEqualTo(expected.unknownPatientN);

            List<String> actual = new ArrayList<>();
            set.records.forEach(0, set.size(), r -> actual.add(Arrays.toString(set.productionKey(r.key())) + "|"
                    + Arrays.toString(r.value()) + "|" + r.timestampMs()));
            List<String> want = new ArrayList<>();
            for (int i = 0; i < expected.size(); i++) {
                want.add(Arrays.toString(expected.keys.get(i)) + "|" + Arrays.toString(expected.values.get(i)) + "|"
                        + expected.timestamps.get(i));
            }
            assertThat(actual).containsExactlyElementsOf(want);

            AvroCodec<PatientKey> keys = AvroCodec.patientKeys();
            AvroCodec<Enrolment> values = AvroCodec.enrolments();
            List<String> enrolments = new ArrayList<>();
            set.records.enrolments((k, v) -> enrolments.add(Arrays.toString(keys.encode(EventSet.productionKey(k)))
                    + Arrays.toString(values.encode(EventSet.productionKey(v)))));
            List<String> wantEnrolments = new ArrayList<>();
            for (int i = 0; i < expected.enrolmentKeys.size(); i++) {
                wantEnrolments.add(Arrays.toString(expected.enrolmentKeys.get(i)) + Arrays.toString(expected.enrolmentValues.get(i)));
            }
            assertThat(enrolments).containsExactlyElementsOf(wantEnrolments);
            assertThat(expected.keyLength).isEqualTo(EventSet.PRODUCTION_KEY_LENGTH);
        }
    }
}
