package org.wardstream.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Random;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.wardstream.ingest.DeviceReading;
import org.wardstream.ingest.EnrolmentUpdate;
import org.wardstream.ingest.PatientProfile;
import org.wardstream.rules.Rules;

/** The detector operator with Flink's harness: readings, watermarks, event-time timers, late backlogs. */
class PatientDetectorTest {
    static final String P = "p000001";
    static final long T0 = Instant.parse("2026-03-02T09:00:00Z").toEpochMilli();
    KeyedTwoInputStreamOperatorTestHarness<String, DeviceReading, EnrolmentUpdate, AlertEvent> harness;
    final Random random = new Random(11);

    @BeforeEach
    void setUp() throws Exception {
        harness = ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(new PatientDetector(Rules.loadClasspath()),
                r -> r.patientId, u -> u.patientId, Types.STRING);
        harness.open();
        PatientProfile profile = new PatientProfile();
        profile.programme = "virtual-ward";
        profile.status = "ACTIVE";
        profile.timeZone = "Europe/London";
        harness.processElement2(new StreamRecord<>(new EnrolmentUpdate(P, profile)));
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    static DeviceReading base(DeviceReading.Kind kind, long time) {
        DeviceReading r = new DeviceReading();
        r.patientId = P;
        r.programme = "virtual-ward";
        r.sourceId = "dev";
        r.eventId = kind + "-" + time;
        r.kind = kind;
        r.time = time;
        r.timeReceived = time + 2000;
        return r;
    }

    /** One minute of beats from {@code start}: sinus (small variability) or AF (irregularly irregular). */
    DeviceReading rrMinute(long start, boolean af) {
        DeviceReading r = base(DeviceReading.Kind.RR_BATCH, start);
        int n = 0;
        int[] rr = new int[200];
        long t = 0;
        while (t < 60_000) {
            int v = af ? 450 + random.nextInt(600) : 820 + random.nextInt(40);
            rr[n++] = v;
            t += v;
        }
        r.rrStart = start;
        r.rrMs = java.util.Arrays.copyOf(rr, n);
        r.rrQuality = new byte[n];
        return r;
    }

    DeviceReading worn(long time) {
        DeviceReading r = base(DeviceReading.Kind.WEAR, time);
        r.onBody = true;
        r.wearMethod = "OPTICAL";
        return r;
    }

    void send(DeviceReading r) throws Exception {
        harness.processElement1(new StreamRecord<>(r, r.time));
    }

    List<AlertEvent> alerts() {
        return harness.extractOutputValues();
    }

    List<AlertEvent> alerts(String type) {
        return alerts().stream().filter(a -> a.episodeType.equals(type)).toList();
    }

    @Test
    void sinusRhythmRaisesNothingAndAfRaisesOneAlertThatCloses() throws Exception {
        send(worn(T0));
        for (int m = 0; m < 10; m++) {
            send(rrMinute(T0 + m * 60_000L, false));
        }
        assertThat(alerts("atrial-fibrillation")).isEmpty();
        for (int m = 10; m < 30; m++) {
            send(rrMinute(T0 + m * 60_000L, true));
            harness.processBothWatermarks(new Watermark(T0 + m * 60_000L));
        }
        for (int m = 30; m < 45; m++) {
            send(rrMinute(T0 + m * 60_000L, false));
            harness.processBothWatermarks(new Watermark(T0 + m * 60_000L));
        }
        List<AlertEvent> af = alerts("atrial-fibrillation");
        assertThat(af).extracting(a -> a.kind).startsWith("OPENED").contains("CLOSED");
        assertThat(af.stream().filter(a -> a.kind.equals("OPENED"))).hasSize(1);
        AlertEvent opened = af.get(0);
        assertThat(opened.episodeStartMs).isBetween(T0 + 9 * 60_000L, T0 + 12 * 60_000L);
        assertThat(opened.delayedByMs).isZero();
        assertThat(af).extracting(a -> a.episodeId).containsOnly(opened.episodeId);
    }

    @Test
    void silenceBecomesDeviceOfflineOnTheWatermarkAndABacklogFromTheGapStillRaisesItsAf() throws Exception {
        send(worn(T0));
        for (int m = 0; m < 5; m++) {
            send(rrMinute(T0 + m * 60_000L, false));
        }
        // three hours pass for everyone else: the watermark moves on, this patient's device says nothing
        harness.processBothWatermarks(new Watermark(T0 + 3 * 3600_000L));
        assertThat(alerts("device-offline")).singleElement().satisfies(a -> {
            assertThat(a.kind).isEqualTo("OPENED");
            assertThat(a.episodeStartMs).isBetween(T0 + 4 * 60_000L, T0 + 6 * 60_000L);
        });

        // the device reconnects and uploads its backlog: AF from inside the gap, three hours behind
        long lateBy = 3 * 3600_000L - 30 * 60_000L;
        for (int m = 5; m < 30; m++) {
            DeviceReading r = rrMinute(T0 + m * 60_000L, m >= 10);
            r.lateByMs = lateBy;
            r.timeReceived = T0 + 3 * 3600_000L;
            send(r);
        }
        assertThat(alerts("device-offline")).extracting(a -> a.kind).containsExactly("OPENED", "CLOSED");
        List<AlertEvent> af = alerts("atrial-fibrillation");
        assertThat(af).isNotEmpty();
        assertThat(af.get(0).kind).isEqualTo("OPENED");
        assertThat(af.get(0).delayedByMs).isEqualTo(lateBy);
        assertThat(af.get(0).episodeStartMs).isBetween(T0 + 9 * 60_000L, T0 + 12 * 60_000L);
    }

    @Test
    void aTombstoneErasesThePatientsDetectorState() throws Exception {
        send(worn(T0));
        send(rrMinute(T0, false));
        assertThat(harness.numKeyedStateEntries()).isPositive();
        harness.processElement2(new StreamRecord<>(new EnrolmentUpdate(P, null)));
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void liveReadingsWaitWhileAnAnnouncedBacklogUploads() throws Exception {
        send(worn(T0));
        for (int m = 0; m < 5; m++) {
            send(rrMinute(T0 + m * 60_000L, false));
        }
        long reconnect = T0 + 3 * 3600_000L;
        DeviceReading status = base(DeviceReading.Kind.STATUS, reconnect);
        status.connectivity = DeviceReading.CONN_RECONNECTED;
        status.bufferedEvents = 7; // an announced count that is off must not matter
        status.timeReceived = reconnect + 500;
        send(status);
        List<DeviceReading> backlog = new java.util.ArrayList<>();
        for (int m = 5; m < 30; m++) {
            DeviceReading r = rrMinute(T0 + m * 60_000L, m >= 10); // AF from minute 10
            r.timeReceived = reconnect + 1000;
            r.lateByMs = 2 * 3600_000L;
            backlog.add(r);
        }
        // the upload interleaves with live data: a live sinus minute arrives after the first five backlog minutes
        for (int i = 0; i < 5; i++) {
            send(backlog.get(i));
        }
        DeviceReading live = rrMinute(reconnect + 60_000L, false);
        live.timeReceived = reconnect + 1200;
        send(live);
        for (int i = 5; i < backlog.size(); i++) {
            send(backlog.get(i));
        }
        DeviceReading later = rrMinute(reconnect + 4 * 60_000L, false); // live data moves on: the held minute goes
        later.timeReceived = reconnect + 4 * 60_000L + 1000;
        send(later);
        // the AF inside the backlog is found: no beat of it was out of order behind the live minute
        assertThat(alerts("atrial-fibrillation")).isNotEmpty()
                .first().satisfies(a -> assertThat(a.episodeStartMs).isBetween(T0 + 9 * 60_000L, T0 + 12 * 60_000L));
        // and the live minute, analysed after the backlog, closed the AF (it is sinus, hours later)
        assertThat(alerts("atrial-fibrillation")).extracting(a -> a.kind).contains("OPENED", "CLOSED");
    }
}
