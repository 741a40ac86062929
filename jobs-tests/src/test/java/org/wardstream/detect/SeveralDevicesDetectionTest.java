package org.wardstream.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.wardstream.ingest.DeviceReading;

/**
 * Wear is judged per device (adversarial probe 16a, D2), through the job's detection operators (DetectionChain): two
 * devices of one patient (source ids "watch" and "strap"); the strap goes on its charger and says so; the worn watch
 * reports 140/min at rest for half an hour. When the detector kept wear per patient, not per device, the strap's
 * CHARGER report made the patient "not worn" and the urgent tachycardia alert was never raised.
 */
class SeveralDevicesDetectionTest {
    static final String P = "p000216";
    static final long T0 = Instant.parse("2026-03-02T10:00:00Z").toEpochMilli();
    static final long MIN = 60_000L;
    @AutoClose
    final DetectionChain chain = DetectionChain.enrolled(P);

    static DeviceReading base(String source, DeviceReading.Kind kind, long time) {
        DeviceReading r = new DeviceReading();
        r.patientId = P;
        r.programme = "virtual-ward";
        r.sourceId = source;
        r.eventId = source + "-" + kind + "-" + time;
        r.kind = kind;
        r.time = time;
        r.timeReceived = time + 2000;
        return r;
    }

    void run(boolean strapOnCharger) throws Exception {
        DeviceReading worn = base("watch", DeviceReading.Kind.WEAR, T0);
        worn.onBody = true;
        worn.wearMethod = "OPTICAL";
        chain.send(worn);
        for (long t = T0; t < T0 + 40 * MIN; t += 15_000) {
            if (strapOnCharger && t == T0 + 2 * MIN) {
                DeviceReading charging = base("strap", DeviceReading.Kind.WEAR, t);
                charging.onBody = false;
                charging.wearMethod = "CHARGER";
                chain.send(charging);
            }
            if ((t - T0) % MIN == 0) {
                DeviceReading a = base("watch", DeviceReading.Kind.ACTIVITY, t);
                a.intervalSeconds = 60;
                a.steps = 0;
                a.timeReceived = t + MIN + 1000;
                chain.send(a);
            }
            DeviceReading hr = base("watch", DeviceReading.Kind.HEART_RATE, t);
            hr.bpm = 140f;
            chain.send(hr);
            chain.watermark(t);
        }
    }

    @Test
    void control_theWatchAloneRaisesTachycardia() throws Exception {
        run(false);
        assertThat(chain.alerts("tachycardia")).extracting(a -> a.kind).contains("OPENED");
    }

    @Test
    void theStrapOnItsChargerDoesNotSilenceTheWatchsTachycardia() throws Exception {
        run(true);
        assertThat(chain.alerts("tachycardia")).as("tachycardia alerts with the strap charging")
                .extracting(a -> a.kind).contains("OPENED");
    }
}
