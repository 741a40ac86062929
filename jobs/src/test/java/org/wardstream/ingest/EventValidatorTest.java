package org.wardstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.wardstream.ingest.TestEvents.T0;
import static org.wardstream.ingest.TestEvents.clean;
import static org.wardstream.ingest.TestEvents.key;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.wardstream.contract.DeadLetterReason;
import org.wardstream.schema.BeatQuality;
import org.wardstream.schema.DeviceEvent;
import org.wardstream.schema.DeviceEventKey;
import org.wardstream.schema.DeviceStatus;
import org.wardstream.schema.Connectivity;

class EventValidatorTest {
    final EventValidator validator = new EventValidator(IngestSettings.defaults());

    DeviceReading ok(DeviceEvent e) throws EventValidator.Rejection {
        return validator.validate(key("p1"), e, 0);
    }

    void rejected(DeviceEventKey k, DeviceEvent e, DeadLetterReason reason, String detailPart) {
        assertThatThrownBy(() -> validator.validate(k, e, 0))
                .isInstanceOfSatisfying(EventValidator.Rejection.class, r -> assertThat(r.reason()).isEqualTo(reason))
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
        rejected(TestEvents.rr("e", T0, List.of(800, 150), clean(2)), DeadLetterReason.IMPLAUSIBLE_VALUE, "rrMs[1]");
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
                .isInstanceOfSatisfying(EventValidator.Rejection.class,
                        r -> assertThat(r.reason()).isEqualTo(DeadLetterReason.FUTURE_TIME));
    }
}
