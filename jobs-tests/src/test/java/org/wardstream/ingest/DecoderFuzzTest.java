package org.wardstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.wardstream.ingest.TestEvents.T0;

import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.wardstream.contract.EnrolmentValidator;
import org.wardstream.contract.Rejection;
import org.wardstream.contract.DeadLetterReason;
import org.wardstream.equity.job.EquityDeserializers;
import org.wardstream.equity.job.EquityInput;
import org.wardstream.schema.ActivitySample;
import org.wardstream.schema.BeatQuality;
import org.wardstream.schema.Connectivity;
import org.wardstream.schema.DeviceEvent;
import org.wardstream.schema.DeviceStatus;
import org.wardstream.schema.Enrolment;
import org.wardstream.schema.EnrolmentStatus;
import org.wardstream.schema.Episode;
import org.wardstream.schema.EpisodeState;
import org.wardstream.schema.Severity;
import org.wardstream.schema.Stratifiers;
import org.wardstream.schema.TriageAction;
import org.wardstream.schema.TriageEvent;
import org.wardstream.schema.WearDetection;
import org.wardstream.schema.WearState;
import org.wardstream.schema.wire.AvroCodec;
import org.wardstream.schema.wire.CraftedRecords;

/**
 * A seeded mutation fuzzer for every decoder that reads a record from outside: device events (the detection
 * and equity jobs' {@link DeviceEventDeserializer}), enrolments ({@link EnrolmentValidator}, both jobs) and
 * triage events and episodes (the equity job's deserializers). From a fixed corpus of valid records and the
 * crafted ones, it flips bits, overwrites bytes with boundary varints (huge, negative, 2^31 lengths and
 * counts), inserts, deletes, truncates and splices, and checks that every input ends as exactly one
 * outcome (a value or a refusal with a known reason) and never in the catch-all for an unexpected failure
 * (that would mean a bound or a check was missed: a finding, to become a regression test here).
 *
 * <p>In {@code verify}: a fixed seed and {@value #DEFAULT_ITERATIONS} inputs per decoder (a few seconds).
 * Longer runs (docs/RUNBOOK.md "Security and robustness"):
 * {@code ./mvnw -o -pl jobs-tests -am -Dtest=DecoderFuzzTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dwardstream.fuzz.iterations=2000000 -Dwardstream.fuzz.seed=$RANDOM test}; a failure prints the seed, the
 * iteration and the input in hex.
 */
class DecoderFuzzTest {
    static final int DEFAULT_ITERATIONS = 10_000;
    static final int ITERATIONS = Integer.getInteger("wardstream.fuzz.iterations", DEFAULT_ITERATIONS);
    static final long SEED = Long.getLong("wardstream.fuzz.seed", 20261204L);
    static final Instant T = T0;

    /** Varints that make a decoder allocate or loop: lengths and counts near the limits, negative, maximal. */
    static final long[] BOUNDARIES = {-1, -2, 0, 1, 127, 128, 255, 65_535, 65_536, 262_144, 100_000, 100_001,
            Integer.MAX_VALUE, Integer.MAX_VALUE - 8L, Integer.MIN_VALUE, 2_000_000_000L, 4_294_967_296L,
            Long.MAX_VALUE, Long.MIN_VALUE};

    static byte[] deviceKey() {
        return TestEvents.keyBytes("p1");
    }

    static List<byte[]> deviceEvents() {
        AvroCodec<DeviceEvent> c = AvroCodec.deviceEvents();
        List<byte[]> out = new ArrayList<>();
        out.add(c.encode(TestEvents.heartRate("hr-1", T, 72)));
        out.add(c.encode(TestEvents.rr("rr-1", T, List.of(800, 790, 3100, 812), List.of(BeatQuality.CLEAN,
                BeatQuality.ARTEFACT, BeatQuality.GAP, BeatQuality.CLEAN))));
        out.add(c.encode(TestEvents.activity("act-1", T, 300, 120, 4000)));
        out.add(c.encode(DeviceEvent.newBuilder(TestEvents.heartRate("w-1", T, 70))
                .setPayload(new WearState(true, WearDetection.CAPACITIVE)).build()));
        out.add(c.encode(DeviceEvent.newBuilder(TestEvents.heartRate("s-1", T, 70))
                .setPayload(new DeviceStatus(80, Connectivity.RECONNECTED, 12)).build()));
        out.add(CraftedRecords.hugeString());
        out.add(CraftedRecords.hugeArray());
        return out;
    }

    static Enrolment enrolment() {
        return Enrolment.newBuilder().setPatientId("p1").setProgramme(TestEvents.PROGRAMME)
                .setStatus(EnrolmentStatus.ACTIVE).setEnrolledOn(LocalDate.of(2026, 3, 2))
                .setEndedOn(LocalDate.of(2026, 3, 30)).setTimeZone("Europe/London")
                .setStratifiers(Stratifiers.newBuilder().setImdDecile(3).setImdEdition("IoD2019")
                        .setEthnicCategory("A").setSexCode("2").setAgeBand("75-84").setIcbCode("QWE").build())
                .setThresholdOverrides(Map.of("tachycardia.rateBpm", 110.0)).setUpdatedAt(T).build();
    }

    static byte[] patientKey() {
        return AvroCodec.patientKeys().encode(TestEvents.patientKey("p1"));
    }

    @Test
    void deviceEventDecodingNeverFailsBeyondOneRecord() {
        DeviceEventDeserializer d = new DeviceEventDeserializer(IngestSettings.defaults());
        List<byte[]> values = deviceEvents();
        List<byte[]> keys = List.of(deviceKey(), AvroCodec.deviceEventKeys().encode(
                new org.wardstream.schema.DeviceEventKey("virtual-ward", "p000002", "dev-2")));
        fuzz("device events", values, (bytes, r) -> {
            boolean mutateKey = r.nextInt(8) == 0;
            byte[] key = mutateKey ? bytes : keys.get(r.nextInt(keys.size()));
            byte[] value = mutateKey ? values.get(r.nextInt(values.size())) : bytes;
            IngestRecord out = d.toIngestRecord(key, value, T.plusSeconds(5).toEpochMilli(), "fuzz", -1);
            assertThat(out.isAccepted()).isNotEqualTo(out.rejected != null);
            if (!out.isAccepted()) {
                DeadLetterReason.fromCode(out.rejected.reason); // a known reason
                assertThat(out.rejected.detail).isNotBlank()
                        .doesNotContain("checking the event failed", "decoder failed");
                assertThat(out.rejected.value).isSameAs(value);
            }
        });
    }

    @Test
    void enrolmentDecodingNeverFailsBeyondOneRecordInEitherJob() {
        EnrolmentValidator v = new EnrolmentValidator();
        var equity = EquityDeserializers.enrolments();
        fuzz("enrolments", List.of(AvroCodec.enrolments().encode(enrolment()),
                CraftedRecords.hugeString(Enrolment.getClassSchema())), (bytes, r) -> {
            boolean valid;
            try {
                v.read(patientKey(), bytes);
                valid = true;
            } catch (Rejection e) {
                valid = false;
                assertThat(e.getMessage()).doesNotContain("checking the enrolment failed");
            }
            assertThat(collect(equity, patientKey(), bytes)).as("equity agrees with detection").hasSize(valid ? 1 : 0);
        });
    }

    @Test
    void triageAndEpisodeDecodingNeverFailsBeyondOneRecord() {
        TriageEvent t = new TriageEvent("ep-1", "p1", TestEvents.PROGRAMME, TriageAction.ACKNOWLEDGED, T, T.minusSeconds(60), null);
        var triage = EquityDeserializers.triage();
        fuzz("triage events", List.of(AvroCodec.triageEvents().encode(t),
                CraftedRecords.hugeString(TriageEvent.getClassSchema())),
                (bytes, r) -> assertThat(collect(triage, patientKey(), bytes).size()).isLessThanOrEqualTo(1));
        Episode e = Episode.newBuilder().setEpisodeId("ep-1").setPatientId("p1").setProgramme(TestEvents.PROGRAMME)
                .setEpisodeType("atrial-fibrillation").setState(EpisodeState.OPENED).setSeverity(Severity.URGENT)
                .setStart(T).setEvidenceTime(T).setEvidenceReceived(T).setEmittedAt(T).setDetector("af/1").build();
        var episodes = EquityDeserializers.episodes();
        fuzz("episodes", List.of(AvroCodec.episodes().encode(e)),
                (bytes, r) -> assertThat(collect(episodes, patientKey(), bytes).size()).isLessThanOrEqualTo(1));
    }

    interface Check {
        void accept(byte[] input, SplittableRandom r) throws Exception;
    }

    static void fuzz(String what, List<byte[]> corpus, Check check) {
        SplittableRandom r = new SplittableRandom(SEED ^ what.hashCode());
        for (int i = 0; i < ITERATIONS; i++) {
            byte[] input = mutate(corpus, r);
            try {
                check.accept(input, r);
            } catch (Throwable t) { // an Error included: a finding
                throw new AssertionError(what + ": seed " + SEED + ", iteration " + i + ", input "
                        + java.util.HexFormat.of().formatHex(input) + ": " + t, t);
            }
        }
    }

    static List<EquityInput> collect(org.apache.flink.connector.kafka.source.reader.deserializer
            .KafkaRecordDeserializationSchema<EquityInput> d, byte[] key, byte[] value) throws Exception {
        return EnrolmentValidatorTest.read(d, key, value);
    }

    /** One to four mutations of a corpus entry; the 10-byte single-object header is mostly kept. */
    static byte[] mutate(List<byte[]> corpus, SplittableRandom r) {
        byte[] b = corpus.get(r.nextInt(corpus.size())).clone();
        int n = 1 + r.nextInt(4);
        for (int m = 0; m < n; m++) {
            int from = r.nextInt(10) == 0 || b.length <= 10 ? 0 : 10;
            int at = b.length <= from ? from : from + r.nextInt(b.length - from);
            switch (r.nextInt(8)) {
                case 0 -> { if (at < b.length) b[at] ^= (byte) (1 << r.nextInt(8)); }
                case 1 -> { if (at < b.length) b[at] = (byte) r.nextInt(256); }
                case 2 -> b = splice(b, at, 0, varint(BOUNDARIES[r.nextInt(BOUNDARIES.length)]));
                case 3 -> b = splice(b, at, Math.min(b.length - at, 1 + r.nextInt(4)),
                        varint(BOUNDARIES[r.nextInt(BOUNDARIES.length)]));
                case 4 -> b = Arrays.copyOf(b, at); // truncate
                case 5 -> b = splice(b, at, Math.min(b.length - at, 1 + r.nextInt(8)), new byte[0]);
                case 6 -> { // insert random bytes
                    byte[] ins = new byte[1 + r.nextInt(16)];
                    r.nextBytes(ins);
                    b = splice(b, at, 0, ins);
                }
                default -> { // splice in a piece of another corpus entry
                    byte[] other = corpus.get(r.nextInt(corpus.size()));
                    int start = r.nextInt(other.length);
                    b = splice(b, at, 0, Arrays.copyOfRange(other, start, Math.min(other.length,
                            start + 1 + r.nextInt(32))));
                }
            }
        }
        return b;
    }

    static byte[] splice(byte[] b, int at, int remove, byte[] insert) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(b.length + insert.length);
        out.write(b, 0, at);
        out.writeBytes(insert);
        out.write(b, at + remove, b.length - at - remove);
        return out.toByteArray();
    }

    static byte[] varint(long v) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long z = (v << 1) ^ (v >> 63);
        while ((z & ~0x7FL) != 0) {
            out.write((int) ((z & 0x7f) | 0x80));
            z >>>= 7;
        }
        out.write((int) z);
        return out.toByteArray();
    }

    @Test
    void theMutatorReachesPastTheHeaderAndTheBoundaries() {
        SplittableRandom r = new SplittableRandom(SEED);
        List<byte[]> corpus = deviceEvents();
        int overLimit = 0;
        DeviceEventDeserializer d = new DeviceEventDeserializer(IngestSettings.defaults());
        for (int i = 0; i < 2_000; i++) {
            IngestRecord out = d.toIngestRecord(deviceKey(), mutate(corpus, r), T.toEpochMilli(), "fuzz", -1);
            if (!out.isAccepted() && out.rejected.reason.equals("too-large")) {
                overLimit++;
            }
        }
        assertThat(overLimit).as("inputs refused for a declared length over the limits").isGreaterThan(20);
    }
}
