package org.wardstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.wardstream.contract.EnrolmentValidator;
import org.wardstream.contract.Rejection;
import org.wardstream.equity.job.EquityDeserializers;
import org.wardstream.equity.job.EquityInput;
import org.wardstream.schema.Enrolment;
import org.wardstream.schema.EnrolmentStatus;
import org.wardstream.schema.wire.AvroCodec;
import org.wardstream.schema.wire.MalformedEnrolments;

/** Issue 15 item 5: one definition of a valid enrolment, shared by both jobs; a malformed one is never applied. */
class EnrolmentValidatorTest {
    static final byte[] KEY = AvroCodec.patientKeys().encode(TestEvents.patientKey("p1"));

    static byte[] value(Enrolment e) {
        return AvroCodec.enrolments().encode(e);
    }

    static Enrolment.Builder valid() {
        return Enrolment.newBuilder(TestEvents.enrolment("p1", EnrolmentStatus.ACTIVE));
    }

    /**
     * Malformed enrolments as a broken or hostile enrolment service would publish them, by name: the cases the triage
     * service's {@code EnrolmentRulesTest} runs too (one validator, {@code org.wardstream.contract.EnrolmentValidator}).
     */
    static Map<String, byte[][]> malformed() {
        return MalformedEnrolments.cases();
    }

    static <T> List<T> read(org.apache.flink.connector.kafka.source.reader.deserializer
            .KafkaRecordDeserializationSchema<T> d, byte[] key, byte[] value) throws Exception {
        List<T> out = new ArrayList<>();
        d.deserialize(new ConsumerRecord<>("enrolments", 0, 3L, key, value), new Collector<>() {
            @Override public void collect(T t) { out.add(t); }
            @Override public void close() { }
        });
        return out;
    }

    @Test
    void anUnknownTimeZoneIsRefusedAsAnInvalidField() {
        EnrolmentValidator v = new EnrolmentValidator();
        byte[][] mars = malformed().get("time zone on Mars");
        assertThat(org.assertj.core.api.Assertions.catchThrowableOfType(Rejection.class,
                () -> v.read(mars[0], mars[1]))).satisfies(e -> {
                    assertThat(e.reason().code()).isEqualTo("invalid-field");
                    assertThat(e.getMessage()).isEqualTo("timeZone is not an IANA time zone");
                });
    }

    @Test
    void bothJobsRefuseExactlyTheSameRecordsAndAcceptTheValidOnes() throws Exception {
        for (var m : malformed().entrySet()) {
            byte[][] kv = m.getValue();
            assertThat(read(new EnrolmentDeserializer(), kv[0], kv[1])).as("detection: " + m.getKey()).isEmpty();
            assertThat(read(EquityDeserializers.enrolments(), kv[0], kv[1])).as("equity: " + m.getKey()).isEmpty();
            List<EnrolmentUpdate> dl = read(EnrolmentDeserializer.withDeadLetters(), kv[0], kv[1]);
            assertThat(dl).as("dead letter: " + m.getKey()).singleElement().satisfies(u -> {
                assertThat(u.isRejected()).isTrue();
                assertThat(u.isTombstone()).isFalse();
                assertThat(u.rejected.key).isEqualTo(kv[0]);
                assertThat(u.rejected.value).isEqualTo(kv[1]);
                assertThat(u.rejected.origin).isEqualTo("enrolments-0@3");
            });
        }
        byte[] good = value(valid().setTimeZone("America/New_York").build());
        assertThat(read(new EnrolmentDeserializer(), KEY, good)).singleElement()
                .satisfies(u -> assertThat(u.profile.timeZone).isEqualTo("America/New_York"));
        assertThat(read(EquityDeserializers.enrolments(), KEY, good)).extracting(i -> i.timeZone)
                .containsExactly("America/New_York");
        List<EnrolmentUpdate> tombstone = read(EnrolmentDeserializer.withDeadLetters(), KEY, null);
        assertThat(tombstone).singleElement().satisfies(u -> {
            assertThat(u.isTombstone()).isTrue();
            assertThat(u.programme).isEqualTo(TestEvents.PROGRAMME);
        });
        List<EquityInput> equityTombstone = read(EquityDeserializers.enrolments(), KEY, null);
        assertThat(equityTombstone).singleElement().satisfies(i -> assertThat(i.tombstone).isTrue());
    }

    /** Found by DecoderFuzzTest (seed 4711): an ethnic category of control characters failed the equity job. */
    @Test
    void anEthnicCategoryOfControlCharactersIsUnknownInTheEquityJobNotAFailure() throws Exception {
        byte[] v = value(valid().setStratifiers(org.wardstream.schema.Stratifiers.newBuilder()
                .setEthnicCategory("\u0000").build()).build());
        assertThat(read(new EnrolmentDeserializer(), KEY, v)).hasSize(1);
        assertThat(read(EquityDeserializers.enrolments(), KEY, v)).singleElement()
                .satisfies(i -> assertThat(i.ethnicGroup).isEqualTo("unknown"));
    }
}
