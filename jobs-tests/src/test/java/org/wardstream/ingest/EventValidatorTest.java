package org.wardstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.wardstream.ingest.TestEvents.T0;
import static org.wardstream.ingest.TestEvents.clean;
import static org.wardstream.ingest.TestEvents.key;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.wardstream.contract.Rejection;
import org.wardstream.contract.DeadLetterReason;
import org.wardstream.schema.BeatQuality;
import org.wardstream.schema.DeviceEvent;
import org.wardstream.schema.DeviceEventKey;
import org.wardstream.schema.DeviceStatus;
import org.wardstream.schema.Connectivity;

class EventValidatorTest {
    final EventValidator validator = new EventValidator(IngestSettings.defaults());

    DeviceReading ok(DeviceEvent e) throws Rejection {
        return validator.validate(key("p1"), e, 0);
    }

    void rejected(DeviceEventKey k, DeviceEvent e, DeadLetterReason reason, String detailPart) {
        assertThatThrownBy(() -> validator.validate(k, e, 0))
                .isInstanceOfSatisfying(Rejection.class, r -> assertThat(r.reason()).isEqualTo(reason))
                .hasMessageContaining(detailPart);
    }

    void rejected(DeviceEvent e, DeadLetterReason reason, String detailPart) {
        rejected(key("p1"), e, reason, detailPart);
    }

    @Test
    void flattensEachPayload() throws Exception {
        DeviceReading hr = ok(TestEvents.heartRate("e1", T0, 72.5f));
        assertThat(hr.kind).isEqualTo(DeviceReading.Kind.HEART_RATE);
        assertThat(hr.bpm).isEqualTo(72.5f);
        assertThat(hr.signalQuality).isEqualTo(0.9f);
        assertThat(hr.patientId).isEqualTo("p1");
        assertThat(hr.time).isEqualTo(T0.toEpochMilli());
        assertThat(hr.timeReceived).isEqualTo(T0.toEpochMilli() + 2000);

        DeviceReading rr = ok(TestEvents.rr("e2", T0, List.of(800, 150, 4000),
                List.of(BeatQuality.CLEAN, BeatQuality.ARTEFACT, BeatQuality.GAP)));
        assertThat(rr.rrMs).containsExactly(800, 150, 4000);
        assertThat(rr.rrQuality).containsExactly(DeviceReading.RR_CLEAN, DeviceReading.RR_ARTEFACT, DeviceReading.RR_GAP);

        DeviceReading act = ok(TestEvents.activity("e3", T0, 300, 250, null));
        assertThat(act.steps).isEqualTo(250);
        assertThat(act.activityCount).isEqualTo(-1);

        DeviceEvent status = DeviceEvent.newBuilder(TestEvents.heartRate("e4", T0, 60))
                .setPayload(new DeviceStatus(55, Connectivity.RECONNECTED, 120)).build();
        DeviceReading s = ok(status);
        assertThat(s.batteryPercent).isEqualTo(55);
        assertThat(s.connectivity).isEqualTo(DeviceReading.CONN_RECONNECTED);
    }

    @Test
    void missingOrInvalidFieldsAreInvalidField() {
        rejected(TestEvents.heartRate(" ", T0, 70), DeadLetterReason.INVALID_FIELD, "eventId");
        rejected(new DeviceEventKey("virtual-ward", "", "dev"), TestEvents.heartRate("e", T0, 70),
                DeadLetterReason.INVALID_FIELD, "key.patientId");
        rejected(TestEvents.rr("e", T0, List.of(800, 810), clean(1)), DeadLetterReason.INVALID_FIELD, "length");
        rejected(TestEvents.rr("e", T0, List.of(), clean(0)), DeadLetterReason.INVALID_FIELD, "empty");
        rejected(TestEvents.activity("e", T0, 0, 10, null), DeadLetterReason.INVALID_FIELD, "intervalSeconds");
        rejected(TestEvents.activity("e", T0, 60, null, null), DeadLetterReason.INVALID_FIELD, "neither");
        rejected(DeviceEvent.newBuilder(TestEvents.heartRate("e", T0, 70)).setUtcOffsetMinutes(24 * 60).build(),
                DeadLetterReason.INVALID_FIELD, "utcOffsetMinutes");
        rejected(TestEvents.heartRate("e", java.time.Instant.EPOCH, 70), DeadLetterReason.INVALID_FIELD, "2000");
        rejected(DeviceEvent.newBuilder(TestEvents.heartRate("e", T0, 70))
                .setPayload(new DeviceStatus(140, Connectivity.ONLINE, null)).build(),
                DeadLetterReason.INVALID_FIELD, "batteryPercent");
    }

    @Test
    void physiologicallyImpossibleValuesAreImplausible() throws Exception {
        rejected(TestEvents.heartRate("e", T0, 19.9f), DeadLetterReason.IMPLAUSIBLE_VALUE, "20-300");
        rejected(TestEvents.heartRate("e", T0, 301f), DeadLetterReason.IMPLAUSIBLE_VALUE, "20-300");
        rejected(TestEvents.rr("e", T0, List.of(800, 150, 190), clean(3)), DeadLetterReason.IMPLAUSIBLE_VALUE,
                "2 of its 3 intervals (more than half) are clean and outside 200-60000 ms, the first rrMs[1]");
        rejected(TestEvents.rr("e", T0, List.of(60_001), clean(1)), DeadLetterReason.IMPLAUSIBLE_VALUE, "200-60000");
        rejected(TestEvents.activity("e", T0, 60, 301, null), DeadLetterReason.IMPLAUSIBLE_VALUE, "per minute");
        // the limits themselves are plausible; a flagged interval is not judged as a clean one
        assertThat(ok(TestEvents.heartRate("e", T0, 20f)).bpm).isEqualTo(20f);
        assertThat(ok(TestEvents.heartRate("e", T0, 300f)).bpm).isEqualTo(300f);
        assertThat(ok(TestEvents.rr("e", T0, List.of(200, 5000), clean(2))).rrMs).containsExactly(200, 5000);
        // a 5.8 s asystolic pause (as in MIT-BIH record 232) is data the pause rule must see, not an implausible value
        assertThat(ok(TestEvents.rr("e", T0, List.of(900, 5800, 60_000), clean(3))).rrMs).containsExactly(900, 5800, 60_000);
        assertThat(ok(TestEvents.rr("e", T0, List.of(90, 9000), List.of(BeatQuality.ARTEFACT, BeatQuality.GAP))).rrMs)
                .hasSize(2);
    }

    /**
     * A wearable's minute of beats with one double-detected beat (a "clean" interval of 150 ms) was dead-lettered
     * whole: the minute's AF or pause went unanalysed. A batch with at most half its intervals clean and implausible is
     * accepted as sent; the detector analyses those intervals as excluded (an artefact below 200 ms, a gap above
     * 60,000 ms) and counts them (PatientDetector, implausibleBeatsExcluded). More than half: still refused.
     */
    @Test
    void aFewImplausibleCleanIntervalsDoNotRefuseTheirBatch() throws Exception {
        java.util.ArrayList<Integer> minute = new java.util.ArrayList<>(java.util.Collections.nCopies(75, 800));
        minute.set(30, 150);
        minute.set(60, 5800); // a genuine pause in the same minute
        DeviceReading r = ok(TestEvents.rr("e", T0, minute, clean(75)));
        assertThat(r.rrMs[30]).isEqualTo(150);
        assertThat(r.rrQuality[30]).as("converted by the detector, which counts it").isEqualTo(DeviceReading.RR_CLEAN);
        assertThat(r.rrMs[60]).isEqualTo(5800);
        // exactly half is not "mostly": accepted; a 61-s clean interval among them too
        assertThat(ok(TestEvents.rr("e", T0, List.of(800, 150, 61_000, 790), clean(4))).rrMs).hasSize(4);
    }

    @Test
    void deviceTimeBeyondTheToleranceIsFutureTime() throws Exception {
        DeviceEvent base = TestEvents.heartRate("e", T0, 70);
        DeviceEvent atTolerance = DeviceEvent.newBuilder(base).setTimeReceived(T0.minusSeconds(300)).build();
        assertThat(ok(atTolerance).time).isEqualTo(T0.toEpochMilli());
        DeviceEvent beyond = DeviceEvent.newBuilder(base).setTimeReceived(T0.minusSeconds(301)).build();
        rejected(beyond, DeadLetterReason.FUTURE_TIME, "after timeReceived");
        DeviceEvent twoDays = DeviceEvent.newBuilder(base).setTime(T0.plusSeconds(2 * 86400)).build();
        rejected(twoDays, DeadLetterReason.FUTURE_TIME, "tolerance 300 s");
        // timeReceived itself ahead of the broker's clock
        assertThatThrownBy(() -> validator.validate(key("p1"), base, T0.toEpochMilli() - 600_000))
                .isInstanceOfSatisfying(Rejection.class,
                        r -> assertThat(r.reason()).isEqualTo(DeadLetterReason.FUTURE_TIME));
    }

    /** Issue 15 item 4: the clocks a client controls are checked against the broker's and the job's. */
    @Test
    void aReadingDated2001ReceivedNowIsStaleTime() {
        long now = java.time.Instant.parse("2026-12-04T21:00:00Z").toEpochMilli();
        EventValidator v = new EventValidator(IngestSettings.defaults(), () -> now);
        DeviceEvent e = DeviceEvent.newBuilder(TestEvents.heartRate("e", java.time.Instant.parse("2001-03-02T09:00:00Z"), 70))
                .setTimeReceived(java.time.Instant.ofEpochMilli(now - 2_000)).build();
        assertThatThrownBy(() -> v.validate(key("p1"), e, now))
                .isInstanceOfSatisfying(Rejection.class, r -> {
                    assertThat(r.reason()).isEqualTo(DeadLetterReason.STALE_TIME);
                    assertThat(r.getMessage()).contains("device time is 9408 d before the broker timestamp (window 7 d)");
                });
        // a backlog of six days is still data
        DeviceEvent backlog = DeviceEvent.newBuilder(e).setTime(java.time.Instant.ofEpochMilli(now - 6 * 86_400_000L)).build();
        org.assertj.core.api.Assertions.assertThatNoException().isThrownBy(() -> v.validate(key("p1"), backlog, now));
    }

    @Test
    void receiptTimeFarBeforeTheBrokerTimestampIsStaleTime() {
        long now = T0.plusSeconds(86_400 * 2).toEpochMilli();
        EventValidator v = new EventValidator(IngestSettings.defaults(), () -> now);
        DeviceEvent e = TestEvents.heartRate("e", T0, 70); // received T0 + 2 s, produced two days later
        assertThatThrownBy(() -> v.validate(key("p1"), e, now))
                .isInstanceOfSatisfying(Rejection.class, r -> {
                    assertThat(r.reason()).isEqualTo(DeadLetterReason.STALE_TIME);
                    assertThat(r.getMessage()).startsWith("timeReceived is 47 h before");
                });
    }

    @Test
    void aProducerSettingCreateTimeAndReceiptTime59MinutesAheadIsFutureTimeByTheJobsClock() {
        long now = T0.toEpochMilli();
        EventValidator v = new EventValidator(IngestSettings.defaults(), () -> now);
        java.time.Instant ahead = T0.plusSeconds(59 * 60);
        DeviceEvent e = DeviceEvent.newBuilder(TestEvents.heartRate("e", ahead, 70)).setTimeReceived(ahead).build();
        // consistent with its own CreateTime (the broker accepts up to 1 h ahead): only the job's clock tells
        assertThatThrownBy(() -> v.validate(key("p1"), e, ahead.toEpochMilli()))
                .isInstanceOfSatisfying(Rejection.class, r -> {
                    assertThat(r.reason()).isEqualTo(DeadLetterReason.FUTURE_TIME);
                    assertThat(r.getMessage()).contains("after the job's clock");
                });
        // with a LogAppendTime timestamp the broker's clock says the same
        assertThatThrownBy(() -> v.validate(key("p1"), e, now))
                .isInstanceOfSatisfying(Rejection.class,
                        r -> assertThat(r.getMessage()).contains("after the broker timestamp"));
    }

    @Test
    void theWindowsAreConfigurable() throws Exception {
        long now = T0.toEpochMilli();
        EventValidator narrow = new EventValidator(IngestSettings.defaults().withClockWindows(
                java.time.Duration.ofMinutes(1), java.time.Duration.ofHours(1), java.time.Duration.ofMinutes(10)), () -> now);
        DeviceEvent twoHoursOld = DeviceEvent.newBuilder(TestEvents.heartRate("e", T0.minusSeconds(7200), 70))
                .setTimeReceived(T0).build();
        assertThatThrownBy(() -> narrow.validate(key("p1"), twoHoursOld, now))
                .isInstanceOfSatisfying(Rejection.class,
                        r -> assertThat(r.reason()).isEqualTo(DeadLetterReason.STALE_TIME));
        assertThat(validator.validate(key("p1"), twoHoursOld, now).time).isEqualTo(T0.toEpochMilli() - 7_200_000);
    }

    @Test
    void theWindowsAreJobArguments() {
        java.util.Map<String, String> args = java.util.Map.of("max-device-age", "P2D", "max-receipt-lag", "PT1H");
        IngestSettings s = IngestSettings.defaults().withClockWindowArgs(args::get);
        assertThat(s.maxDeviceAge()).isEqualTo(java.time.Duration.ofDays(2));
        assertThat(s.maxReceiptLag()).isEqualTo(java.time.Duration.ofHours(1));
        assertThat(s.futureTolerance()).isEqualTo(IngestSettings.defaults().futureTolerance());
        assertThat(s.outOfOrderness()).isEqualTo(IngestSettings.defaults().outOfOrderness());
        assertThat(IngestSettings.defaults().withClockWindowArgs(java.util.Map.of("out-of-orderness", "PT10M")::get)
                .outOfOrderness()).isEqualTo(java.time.Duration.ofMinutes(10));
        assertThatThrownBy(() -> IngestSettings.defaults().withClockWindowArgs(java.util.Map.of("max-device-age", "7 days")::get))
                .hasMessageContaining("--max-device-age must be a positive ISO-8601 duration");
    }

    /**
     * The beats of an RR batch carry their own clock ({@code start} plus the intervals), which the device-time checks
     * of {@code time} did not cover: one batch whose beats lay days ahead (a GAP interval of 2^31-1 ms, or a start
     * in 2100) put the patient's RR analyser's clock there, and every later genuine beat was then ignored as out of
     * order, so that patient's AF and pauses went unseen for weeks. A start in 1970 had its beats skipped silently.
     */
    @Test
    void anRrBatchWhoseBeatsLieAwayFromItsDeviceTimeIsRefused() throws Exception {
        // a GAP interval of 24.8 days: the batch's last beat is weeks after its receipt
        rejected(TestEvents.rr("e", T0, List.of(800, Integer.MAX_VALUE), List.of(BeatQuality.CLEAN, BeatQuality.GAP)),
                DeadLetterReason.FUTURE_TIME, "last beat");
        // a start far from the reading's own device time, either way
        DeviceEvent base = TestEvents.rr("e", T0, List.of(800, 810), clean(2));
        for (java.time.Instant start : List.of(java.time.Instant.parse("2100-01-01T00:00:00Z"),
                java.time.Instant.parse("1970-01-01T00:00:00Z"), T0.plusSeconds(301), T0.minusSeconds(301))) {
            DeviceEvent e = DeviceEvent.newBuilder(base)
                    .setPayload(new org.wardstream.schema.RrIntervalBatch(start, List.of(800, 810), clean(2))).build();
            rejected(e, DeadLetterReason.INVALID_FIELD, "rrBatch.start");
        }
        // within the tolerance both are data: a start a little off time, and beats up to the tolerance after receipt
        DeviceEvent near = DeviceEvent.newBuilder(base)
                .setPayload(new org.wardstream.schema.RrIntervalBatch(T0.plusSeconds(300), List.of(800), clean(1))).build();
        assertThat(ok(near).rrStart).isEqualTo(T0.toEpochMilli() + 300_000);
        assertThat(ok(TestEvents.rr("e", T0, List.of(900, 301_100), List.of(BeatQuality.CLEAN, BeatQuality.GAP)))
                .rrMs).hasSize(2); // last beat 5 min after receipt (T0 + 2 s)
        rejected(TestEvents.rr("e", T0, List.of(900, 301_101), List.of(BeatQuality.CLEAN, BeatQuality.GAP)),
                DeadLetterReason.FUTURE_TIME, "last beat");
    }

    /**
     * Adversarial probe 16a, D7: a backlog's batch of a minute holding one GAP interval mis-encoded as 90 min. Its last
     * beat is still before its receipt (hours later), so the bound above let it through, and the patient's beat clock
     * went 90 min ahead of the backlog's next batches. A batch may span at most an hour of device time.
     */
    @Test
    void aBacklogBatchSpanningMoreThanAnHourIsImplausible() throws Exception {
        java.time.Instant received = T0.plusSeconds(3 * 3600);
        DeviceEvent glitched = DeviceEvent.newBuilder(TestEvents.rr("e", T0, List.of(800, 90 * 60_000, 810),
                List.of(BeatQuality.CLEAN, BeatQuality.GAP, BeatQuality.CLEAN))).setTimeReceived(received).build();
        rejected(glitched, DeadLetterReason.IMPLAUSIBLE_VALUE, "rrBatch spans 90 min");
        DeviceEvent hour = DeviceEvent.newBuilder(TestEvents.rr("e", T0, List.of(800, 60 * 60_000 - 800),
                List.of(BeatQuality.CLEAN, BeatQuality.GAP))).setTimeReceived(received).build();
        assertThat(ok(hour).rrMs).hasSize(2);
        DeviceEvent overHour = DeviceEvent.newBuilder(TestEvents.rr("e", T0, List.of(801, 60 * 60_000 - 800),
                List.of(BeatQuality.CLEAN, BeatQuality.GAP))).setTimeReceived(received).build();
        rejected(overHour, DeadLetterReason.IMPLAUSIBLE_VALUE, "at most 60 min");
    }

    /**
     * An activity sample moves the wear tracker's clock to the end of its interval: one sample of a day's interval
     * received live opened and closed a device-offline episode in the future and hid the patient's real silence for the
     * day. The interval must have ended by its receipt, within the tolerance.
     */
    @Test
    void anActivityIntervalEndingAfterItsReceiptIsRefused() throws Exception {
        rejected(TestEvents.activity("e", T0, 86_400, 0, null), DeadLetterReason.FUTURE_TIME, "activity interval ends");
        // a day's steps uploaded after the day is data; so is an interval ending within the tolerance of its receipt
        DeviceEvent day = DeviceEvent.newBuilder(TestEvents.activity("e", T0, 86_400, 9_000, null))
                .setTimeReceived(T0.plusSeconds(86_400 + 60)).build();
        assertThat(ok(day).intervalSeconds).isEqualTo(86_400);
        assertThat(ok(TestEvents.activity("e", T0, 302, 10, null)).intervalSeconds).isEqualTo(302); // received T0 + 2 s
        rejected(TestEvents.activity("e", T0, 303, 10, null), DeadLetterReason.FUTURE_TIME, "tolerance 300 s");
    }
}
