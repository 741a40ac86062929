package org.wardstream.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;
import org.wardstream.detector.DetectorState;
import org.wardstream.detector.PatternCue;
import org.wardstream.ingest.DeviceReading;
import org.wardstream.ingest.EnrolmentUpdate;
import org.wardstream.ingest.PatientProfile;
import org.wardstream.rhythm.RrAnalyserState;
import org.wardstream.rules.Rules;
import org.wardstream.signals.WearActivityState;

/**
 * A savepoint of the signal operator from before its state was one {@link DetectorState} (seven handles: the three
 * detectors' bytes, the AF rate, last receipt, backlog end and held count) restores into today's operator: the
 * patient's detectors carry on from the old handles, which are then cleared.
 */
class SignalDetectorStateUpgradeTest {
    private static final String PATIENT = "p-upgrade";
    private static final long T0 = 1_772_441_000_000L;

    /**
     * A heart-rate state in format 2 (judged sample by sample, before the minute-by-minute criteria): clinical's
     * {@code HeartRateState-v2} fixture, an open tachycardia (rate sum 1302.5) and a bradycardia run (lowest 38).
     */
    static final String HEART_RATE_FORMAT_2 = "020000019cadc206a00000019cadb8dee0800000000000000080000000000000000142f20000430c000040945a000000"
            + "00000000000a0000019cab45bc0080000000000000008000000000000000800000000000000080000000000000000000"
            + "0042180000000000000000000000000000000000027f800000ff8000000000000000000000000000007f800000ff8000"
            + "000000000000000000000000007f800000ff8000000000000000000000000000007f800000ff80000000000000000000"
            + "0000000000";

    /** Writes the old layout, as the operator before this change kept it. */
    static final class OldLayout extends KeyedProcessFunction<String, String, String> {
        private final byte[] rr;
        private final byte[] hr;
        private final byte[] wear;

        OldLayout(byte[] rr, byte[] hr, byte[] wear) {
            this.rr = rr;
            this.hr = hr;
            this.wear = wear;
        }

        @Override
        public void processElement(String key, Context ctx, Collector<String> out) throws Exception {
            var c = getRuntimeContext();
            var bytes = PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO;
            c.getState(new ValueStateDescriptor<>("rr-analyser", bytes)).update(rr);
            c.getState(new ValueStateDescriptor<>("hr-thresholds", bytes)).update(hr);
            c.getState(new ValueStateDescriptor<>("wear-activity", bytes)).update(wear);
            c.getState(new ValueStateDescriptor<>("af-rate", Types.FLOAT)).update(121.5f);
            c.getState(new ValueStateDescriptor<>("last-received", Types.LONG)).update(T0);
            enrolled(c);
        }
    }

    /** Reads today's handle and the old ones after the upgrade. */
    static final class Probe extends KeyedProcessFunction<String, String, Object> {
        private transient ValueState<DetectorState> detector;
        private transient ValueState<byte[]> detectorBytes;
        private transient ValueState<byte[]> oldRr;

        @Override
        public void open(OpenContext openContext) {
            var bytes = PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO;
            detector = getRuntimeContext().getState(new ValueStateDescriptor<>(SignalDetector.STATE_NAME,
                    DetectorStateSerializer.INSTANCE));
            detectorBytes = getRuntimeContext().getState(new ValueStateDescriptor<>(SignalDetector.BYTES_STATE_NAME, bytes));
            oldRr = getRuntimeContext().getState(new ValueStateDescriptor<>("rr-analyser", bytes));
        }

        @Override
        public void processElement(String key, Context ctx, Collector<Object> out) throws Exception {
            out.collect(detector.value());
            out.collect(oldRr.value() == null && detectorBytes.value() == null ? "old handles cleared" : "old handles kept");
        }
    }

    /** Writes the one-value state as bytes, as the operator kept it before issue 19 (format 2 of DetectorState). */
    static final class BytesLayout extends KeyedProcessFunction<String, String, String> {
        private final byte[] state;

        BytesLayout(byte[] state) {
            this.state = state;
        }

        @Override
        public void processElement(String key, Context ctx, Collector<String> out) throws Exception {
            getRuntimeContext().getState(new ValueStateDescriptor<>(SignalDetector.BYTES_STATE_NAME,
                    PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO)).update(state);
            enrolled(getRuntimeContext());
        }
    }

    /** The patient's profile, which the operator has kept under this name since its first release. */
    static void enrolled(org.apache.flink.api.common.functions.RuntimeContext c) throws Exception {
        PatientProfile p = new PatientProfile();
        p.programme = "prog-a";
        p.status = "ACTIVE";
        p.timeZone = "Europe/London";
        c.getState(new ValueStateDescriptor<>("detector-profile", TypeInformation.of(PatientProfile.class))).update(p);
    }

    /** Restores {@code old} into today's operator, feeds one wear report, and returns what the probe then reads. */
    private static List<Object> upgradeAndProbe(OperatorSubtaskState old) throws Exception {
        DeviceReading wearReport = new DeviceReading();
        wearReport.patientId = PATIENT;
        wearReport.kind = DeviceReading.Kind.WEAR;
        wearReport.onBody = true;
        wearReport.time = T0;
        wearReport.timeReceived = T0 + 5_000L;
        return upgradeAndProbe(old, wearReport);
    }

    /** Restores {@code old} into today's operator, feeds {@code readings}, and returns what the probe then reads. */
    private static List<Object> upgradeAndProbe(OperatorSubtaskState old, DeviceReading... readings) throws Exception {
        OperatorSubtaskState upgraded;
        try (var h = new KeyedTwoInputStreamOperatorTestHarness<String, DeviceReading, EnrolmentUpdate, PatternCue>(
                new KeyedCoProcessOperator<>(new SignalDetector(Rules.loadClasspath(), org.wardstream.ingest.IngestSettings.defaults())),
                (DeviceReading r) -> r.patientId, (EnrolmentUpdate u) -> u.patientId, Types.STRING)) {
            h.setup(PatternCueTypeInfo.Serializer.INSTANCE);
            h.initializeState(old);
            h.open();
            for (DeviceReading r : readings) {
                h.processElement1(new StreamRecord<>(r, r.time));
            }
            upgraded = h.snapshot(2, 2);
        }
        List<Object> seen = new ArrayList<>();
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new Probe()),
                (String s) -> s, Types.STRING)) {
            h.initializeState(upgraded);
            h.open();
            h.processElement(new StreamRecord<>(PATIENT, T0));
            h.extractOutputValues().forEach(seen::add);
        }
        return seen;
    }

    @Test
    void aSavepointWithTheStateAsBytesCarriesOnInTheObjectState() throws Exception {
        DetectorState before = new DetectorState();
        before.rr.afActive = true;
        before.rr.afOnsetMs = T0 - 600_000L;
        before.rr.lastBeatMs = T0 - 1_000L;
        before.rr.beatsSeen = 4242;
        before.afRateBpm = 98.5f;
        before.arrival.lastReceivedMs = T0 - 1_000L;
        OperatorSubtaskState old;
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(
                new BytesLayout(before.toBytes())), (String s) -> s, Types.STRING)) {
            h.open();
            h.processElement(new StreamRecord<>(PATIENT, T0));
            old = h.snapshot(1, 1);
        }
        List<Object> seen = upgradeAndProbe(old);
        DetectorState now = (DetectorState) seen.get(0);
        assertThat(now.rr).isEqualTo(before.rr); // a wear report leaves the rhythm analyser as it was
        assertThat(now.rr.beatsSeen).isEqualTo(4242);
        assertThat(now.afRateBpm).isEqualTo(98.5f);
        assertThat(now.arrival.lastReceivedMs).isEqualTo(T0 + 5_000L);
        assertThat(now.wear.lastWearMs).isEqualTo(T0);
        assertThat(seen.get(1)).isEqualTo("old handles cleared");
    }

    /**
     * A savepoint from before wear was kept per device (WearActivityState format 4: the patient's wear alone, here on
     * body) restores: that wear becomes the last reporting device's, which judges a device that has not reported its
     * own; the first wear report of any device replaces it, as it replaced the patient's wear before.
     */
    @Test
    void aSavepointWithThePatientsWearAloneCarriesOnAsTheLastReportingDevicesWear() throws Exception {
        DetectorState before = new DetectorState();
        before.wear.wear = WearActivityState.WEAR_ON;
        before.wear.state = (byte) org.wardstream.signals.ActivityState.WORN_STILL.ordinal();
        before.wear.stateSinceMs = T0 - 600_000L;
        before.wear.lastWearMs = T0 - 600_000L;
        before.wear.lastDataMs = T0 - 1_000L;
        before.arrival.lastReceivedMs = T0 - 1_000L;
        before.arrival.newestAnalysedMs = T0 - 1_000L;
        // DetectorState format 2 (fixed-width numbers) around the wear state in its format 4: today's bytes of a state
        // with no device, less the device count, format 6's activity validity, format 7's watched silence and format
        // 8's silence floor (longs), under version 4
        byte[] wear4 = before.wear.toBytes();
        wear4 = java.util.Arrays.copyOf(wear4, wear4.length - 1 - 8 - 8 - 8);
        wear4[0] = 4;
        var bytes = new java.io.ByteArrayOutputStream();
        var out = new java.io.DataOutputStream(bytes);
        out.writeByte(2);
        before.rr.writeTo(out);
        before.hr.writeTo(out);
        out.write(wear4);
        out.writeFloat(before.afRateBpm);
        before.arrival.writeTo(out);
        OperatorSubtaskState old;
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(
                new BytesLayout(bytes.toByteArray())), (String s) -> s, Types.STRING)) {
            h.open();
            h.processElement(new StreamRecord<>(PATIENT, T0));
            old = h.snapshot(1, 1);
        }
        DeviceReading hr = new DeviceReading();
        hr.patientId = PATIENT;
        hr.sourceId = "watch";
        hr.kind = DeviceReading.Kind.HEART_RATE;
        hr.bpm = 72f;
        hr.time = T0;
        hr.timeReceived = T0 + 2_000L;
        DetectorState now = (DetectorState) upgradeAndProbe(old, hr).get(0);
        assertThat(now.wear.sourceCount).isOne();
        assertThat(now.wear.sourceKey[0]).isEqualTo(WearActivityState.LEGACY_SOURCE);
        assertThat(now.wear.activityState()).as("worn, as the savepoint said").isEqualTo(
                org.wardstream.signals.ActivityState.WORN_STILL);
        assertThat(now.wear.stateSinceMs).isEqualTo(T0 - 600_000L);

        DeviceReading older = new DeviceReading(); // older than format 4's newest report: ignored, as then
        older.patientId = PATIENT;
        older.sourceId = "strap";
        older.kind = DeviceReading.Kind.WEAR;
        older.onBody = false;
        older.time = T0 - 600_500L; // within the reorder bound of the newest analysed reading
        older.timeReceived = older.time + 2_000L;
        now = (DetectorState) upgradeAndProbe(old, older).get(0);
        assertThat(now.wear.sourceKey[0]).isEqualTo(WearActivityState.LEGACY_SOURCE);
        assertThat(now.wear.activityState()).isEqualTo(org.wardstream.signals.ActivityState.WORN_STILL);

        DeviceReading charging = new DeviceReading();
        charging.patientId = PATIENT;
        charging.sourceId = "strap";
        charging.kind = DeviceReading.Kind.WEAR;
        charging.onBody = false;
        charging.wearMethod = "CHARGER";
        charging.time = T0;
        charging.timeReceived = T0 + 2_000L;
        now = (DetectorState) upgradeAndProbe(old, charging).get(0);
        assertThat(now.wear.sourceCount).isOne();
        assertThat(now.wear.sourceKey[0]).isEqualTo(WearActivityState.sourceKey("strap"));
        assertThat(now.wear.activityState()).as("the newest report, as before").isEqualTo(
                org.wardstream.signals.ActivityState.NOT_WORN);
        assertThat(now.wear.toBytes()[0]).isEqualTo((byte) 8);
    }

    @Test
    void theObjectStateSerializerRoundTripsAndCopiesDeeply() throws Exception {
        DetectorState s = new DetectorState();
        s.rr.beatsSeen = 9;
        s.rr.rr[3] = 812;
        var out = new org.apache.flink.core.memory.DataOutputSerializer(64);
        DetectorStateSerializer.INSTANCE.serialize(s, out);
        DetectorState back = DetectorStateSerializer.INSTANCE.deserialize(
                new org.apache.flink.core.memory.DataInputDeserializer(out.getCopyOfBuffer()));
        assertThat(back).isEqualTo(s);
        DetectorState copy = DetectorStateSerializer.INSTANCE.copy(s);
        copy.rr.rr[3] = 1;
        assertThat(s.rr.rr[3]).isEqualTo(812); // a copy shares nothing (the heap backend copies during snapshots)
    }

    @Test
    void anOldSavepointCarriesOnInTheOneValueState() throws Exception {
        RrAnalyserState rr = new RrAnalyserState();
        rr.afActive = true;
        rr.afOnsetMs = T0 - 600_000L;
        rr.lastBeatMs = T0 - 1_000L;
        rr.beatsSeen = 777;
        WearActivityState wear = new WearActivityState();
        wear.lastDataMs = T0 - 1_000L;

        OperatorSubtaskState old;
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(
                new OldLayout(rr.toBytes(), java.util.HexFormat.of().parseHex(HEART_RATE_FORMAT_2), wear.toBytes())),
                (String s) -> s, Types.STRING)) {
            h.open();
            h.processElement(new StreamRecord<>(PATIENT, T0));
            old = h.snapshot(1, 1);
        }

        List<Object> seen = upgradeAndProbe(old);
        DetectorState now = (DetectorState) seen.get(0);
        assertThat(now.rr).isEqualTo(rr); // a wear report leaves the rhythm analyser as it was
        assertThat(now.rr.beatsSeen).isEqualTo(777);
        assertThat(now.afRateBpm).isEqualTo(121.5f);
        assertThat(now.arrival.lastReceivedMs).isEqualTo(T0 + 5_000L);
        assertThat(now.arrival.newestAnalysedMs).isEqualTo(T0); // the wear report was analysed, not held
        assertThat(now.arrival.holding()).isFalse();
        assertThat(now.wear.lastWearMs).isEqualTo(T0);
        // the heart-rate thresholds' format-2 state carries on in format 4: the tachycardia open with its statistics,
        // no minute in progress (the next sample begins one), its samples' sources not known
        assertThat(now.hr.tachyOpen).isTrue();
        assertThat(now.hr.tachy.sum).isEqualTo(1302.5);
        assertThat(now.hr.brady.min).isEqualTo(38f);
        assertThat(now.hr.minute.isOpen()).isFalse();
        assertThat(now.hr.tachy.rrPercent()).isNaN();
        assertThat(now.hr.toBytes()[0]).isEqualTo((byte) 4);
        assertThat(seen.get(1)).isEqualTo("old handles cleared");
    }
}
