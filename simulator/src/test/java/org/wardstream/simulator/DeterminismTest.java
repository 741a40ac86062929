package org.wardstream.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;
import org.wardstream.schema.Enrolment;
import org.wardstream.schema.PatientKey;
import org.wardstream.schema.wire.AvroCodec;

class DeterminismTest {
    static final SimulatorConfig CONFIG = SimulatorConfig.defaults(25, 2, 42);

    /** SHA-256 over every emitted byte and line, in order, plus the ground truth. */
    static final class HashingSink implements SimulationSink {
        final MessageDigest all;
        final MessageDigest readings;
        final AvroCodec<PatientKey> keys = AvroCodec.patientKeys();
        final AvroCodec<Enrolment> values = AvroCodec.enrolments();
        long records;

        HashingSink() throws Exception {
            all = MessageDigest.getInstance("SHA-256");
            readings = MessageDigest.getInstance("SHA-256");
        }

        @Override
        public void enrolment(PatientKey key, Enrolment value) {
            all.update(keys.encode(key));
            all.update(values.encode(value));
            all.update(FileSimulationSink.enrolmentLine(key, value).getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public void deviceEvent(SimulatedRecord r) {
            records++;
            for (MessageDigest d : new MessageDigest[] {all, r.isMalformed() ? null : readings}) {
                if (d == null) {
                    continue;
                }
                bytes(d, r.key());
                bytes(d, r.value());
                d.update(ByteBuffer.allocate(8).putLong(r.timestampMs()).array());
                bytes(d, r.jsonLine().getBytes(StandardCharsets.UTF_8));
                bytes(d, String.valueOf(r.injectedFault()).getBytes(StandardCharsets.UTF_8));
            }
        }

        private static void bytes(MessageDigest d, byte[] b) {
            d.update(ByteBuffer.allocate(4).putInt(b == null ? -1 : b.length).array());
            if (b != null) {
                d.update(b);
            }
        }

        String digest(Simulator sim) {
            all.update(GroundTruthCsv.toCsv(sim.groundTruth()).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(all.digest());
        }
    }

    static String hash(SimulatorConfig config) throws Exception {
        Simulator sim = new Simulator(config);
        HashingSink sink = new HashingSink();
        sim.run(sink);
        return sink.digest(sim);
    }

    @Test
    void sameConfigSameBytesDifferentSeedDifferentBytes() throws Exception {
        String first = hash(CONFIG);
        assertThat(hash(CONFIG)).isEqualTo(first);
        assertThat(hash(CONFIG.withSeed(43))).isNotEqualTo(first);
    }

    @Test
    void runningTwiceEmitsTheSameRecords() throws Exception {
        Simulator sim = new Simulator(SimulatorConfig.defaults(5, 1, 3));
        HashingSink a = new HashingSink();
        HashingSink b = new HashingSink();
        SimulationManifest ma = sim.run(a);
        SimulationManifest mb = sim.run(b);
        assertThat(mb).isEqualTo(ma);
        assertThat(a.digest(sim)).isEqualTo(b.digest(sim));
        assertThat(a.records).isEqualTo(ma.deviceEvents()).isPositive();
    }

    @Test
    void groundTruthAndEnrolmentsAreKnownUpFrontAndStable() {
        Simulator a = new Simulator(CONFIG);
        Simulator b = new Simulator(CONFIG);
        assertThat(a.groundTruth()).isNotEmpty().isEqualTo(b.groundTruth());
        assertThat(a.enrolments()).isEqualTo(b.enrolments());
        assertThat(new Simulator(CONFIG.withSeed(43)).groundTruth()).isNotEqualTo(a.groundTruth());
    }

    @Test
    void faultsAreExtraRecordsAndNeverReplaceReadings() throws Exception {
        SimulatorConfig clean = CONFIG.withRates(0, CONFIG.duplicateRate(), CONFIG.outOfOrderRate());
        SimulatorConfig dirty = CONFIG.withRates(0.02, CONFIG.duplicateRate(), CONFIG.outOfOrderRate());
        HashingSink a = new HashingSink();
        HashingSink b = new HashingSink();
        SimulationManifest ma = new Simulator(clean).run(a);
        SimulationManifest mb = new Simulator(dirty).run(b);
        assertThat(ma.malformed()).isZero();
        assertThat(mb.malformed()).isPositive();
        assertThat(mb.deviceEvents()).isEqualTo(ma.deviceEvents() + mb.malformed());
        assertThat(HexFormat.of().formatHex(b.readings.digest())).isEqualTo(HexFormat.of().formatHex(a.readings.digest()));
    }
}
