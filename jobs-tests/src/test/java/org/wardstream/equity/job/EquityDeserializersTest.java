package org.wardstream.equity.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.wardstream.schema.Enrolment;
import org.wardstream.schema.EnrolmentStatus;
import org.wardstream.schema.PatientKey;
import org.wardstream.schema.Stratifiers;
import org.wardstream.schema.TriageAction;
import org.wardstream.schema.TriageEvent;
import org.wardstream.schema.wire.AvroCodec;
import org.wardstream.schema.wire.CraftedRecords;

/** The equity job's deserializers: strata from the enrolment, tombstones, triage times, undecodable records skipped. */
class EquityDeserializersTest {
    static final PatientKey KEY = new PatientKey("virtual-ward", "p1");

    static List<EquityInput> read(org.apache.flink.connector.kafka.source.reader.deserializer
            .KafkaRecordDeserializationSchema<EquityInput> d, byte[] key, byte[] value) throws Exception {
        List<EquityInput> out = new ArrayList<>();
        d.deserialize(new ConsumerRecord<>("t", 0, 7L, key, value), new Collector<>() {
            @Override
            public void collect(EquityInput record) {
                out.add(record);
            }

            @Override
            public void close() {
            }
        });
        return out;
    }

    @Test
    void anEnrolmentBecomesStrataAndDatesAndATombstoneStaysATombstone() throws Exception {
        Enrolment e = Enrolment.newBuilder().setPatientId("p1").setProgramme("virtual-ward")
                .setStatus(EnrolmentStatus.DISCHARGED).setEnrolledOn(LocalDate.of(2026, 3, 2))
                .setEndedOn(LocalDate.of(2026, 3, 20)).setTimeZone("Europe/London")
                .setStratifiers(Stratifiers.newBuilder().setImdDecile(3).setImdEdition("IoD2019")
                        .setEthnicCategory("H").setSexCode("1").setAgeBand("75-84").setIcbCode("QWE").build())
                .setThresholdOverrides(Map.of()).setUpdatedAt(Instant.parse("2026-03-20T10:00:00Z")).build();
        EquityInput in = read(EquityDeserializers.enrolments(), AvroCodec.patientKeys().encode(KEY),
                AvroCodec.enrolments().encode(e)).get(0);
        assertThat(in.kind).isEqualTo(EquityInput.Kind.ENROLMENT);
        assertThat(in.key()).isEqualTo("virtual-ward|p1");
        assertThat(in.status).isEqualTo("DISCHARGED");
        assertThat(in.endedOnEpochDay).isEqualTo(LocalDate.of(2026, 3, 20).toEpochDay());
        assertThat(in.imdQuintile).isEqualTo("2");
        assertThat(in.ethnicGroup).isEqualTo("Asian or Asian British");
        assertThat(in.sex).isEqualTo("male");

        EquityInput tombstone = read(EquityDeserializers.enrolments(), AvroCodec.patientKeys().encode(KEY), null)
                .get(0);
        assertThat(tombstone.tombstone).isTrue();
    }

    @Test
    void anEnrolmentsPacemakerIsKeptAsRecordedAndNotRecordedStaysNull() throws Exception {
        for (Boolean recorded : java.util.Arrays.asList(Boolean.TRUE, Boolean.FALSE, null)) {
            Enrolment e = Enrolment.newBuilder().setPatientId("p1").setProgramme("virtual-ward")
                    .setStatus(EnrolmentStatus.ACTIVE).setEnrolledOn(LocalDate.of(2026, 3, 2))
                    .setTimeZone("Europe/London").setStratifiers(Stratifiers.newBuilder().build())
                    .setThresholdOverrides(Map.of()).setPacemaker(recorded)
                    .setUpdatedAt(Instant.parse("2026-03-02T10:00:00Z")).build();
            EquityInput in = read(EquityDeserializers.enrolments(), AvroCodec.patientKeys().encode(KEY),
                    AvroCodec.enrolments().encode(e)).get(0);
            assertThat(in.pacemaker).as("recorded %s", recorded).isEqualTo(recorded);
        }
    }

    @Test
    void aTriageEventKeepsWhenTheAlertWasRaised() throws Exception {
        TriageEvent t = new TriageEvent("ep", "p1", "virtual-ward", TriageAction.ACKNOWLEDGED,
                Instant.parse("2026-03-02T10:00:00Z"), Instant.parse("2026-03-02T09:00:00Z"), null);
        EquityInput in = read(EquityDeserializers.triage(), AvroCodec.patientKeys().encode(KEY),
                AvroCodec.triageEvents().encode(t)).get(0);
        assertThat(in.time - in.alertRaisedAt).isEqualTo(3_600_000L);
        assertThat(in.episodeId).isEqualTo("ep");
    }

    @Test
    void undecodableRecordsAreSkippedNotFatal() throws Exception {
        byte[] junk = "junk".getBytes(StandardCharsets.UTF_8);
        assertThat(read(EquityDeserializers.episodes(), AvroCodec.patientKeys().encode(KEY), junk)).isEmpty();
        assertThat(read(EquityDeserializers.triage(), junk, junk)).isEmpty();
        // a value whose patient differs from its key
        TriageEvent other = new TriageEvent("ep", "p2", "virtual-ward", TriageAction.ACKNOWLEDGED,
                Instant.parse("2026-03-02T10:00:00Z"), null, null);
        assertThat(read(EquityDeserializers.triage(), AvroCodec.patientKeys().encode(KEY),
                AvroCodec.triageEvents().encode(other))).isEmpty();
    }

    @Test
    void craftedHugeLengthsInAnyInputAreSkippedNotAnOutOfMemoryError() throws Exception {
        byte[] key = AvroCodec.patientKeys().encode(KEY);
        assertThat(read(EquityDeserializers.enrolments(), key, CraftedRecords.hugeString(Enrolment.getClassSchema())))
                .isEmpty();
        assertThat(read(EquityDeserializers.triage(), key, CraftedRecords.hugeString(TriageEvent.getClassSchema())))
                .isEmpty();
        assertThat(read(EquityDeserializers.episodes(), key,
                CraftedRecords.hugeString(org.wardstream.schema.Episode.getClassSchema()))).isEmpty();
        assertThat(read(EquityDeserializers.triage(), CraftedRecords.hugeString(PatientKey.getClassSchema()),
                AvroCodec.triageEvents().encode(new TriageEvent("ep", "p1", "virtual-ward", TriageAction.ACKNOWLEDGED,
                        Instant.parse("2026-03-02T10:00:00Z"), null, null)))).isEmpty();
    }
}
