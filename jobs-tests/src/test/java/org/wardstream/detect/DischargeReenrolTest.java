package org.wardstream.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.wardstream.ingest.DeviceReading;

/**
 * Probe 17a, D1 and D5 (tests brought from branch probe17a), and pausing (D2): a patient discharged (enrolment status DISCHARGED) while an episode is open, and re-enrolled
 * (status ACTIVE again) a few minutes later, e.g. a discharge recorded by mistake and corrected, or a readmission the
 * same hour. The alerter closes the open alert at the discharge (CLOSED, reason unenrolled) and forgets the episode;
 * the signal detector keeps its state (only a tombstone clears it), so its detectors still hold the episode OPEN and
 * never START it again. The ingest gate dead-letters the readings while discharged (not sent here: the gap they
 * leave is what the detector sees). Through the job's detection operators ({@link DetectionChain}).
 */
class DischargeReenrolTest {
    static final String P = "p017001";
    static final long T0 = Instant.parse("2026-03-02T10:00:00Z").toEpochMilli();
    static final long MIN = 60_000L;
    @AutoClose
    final DetectionChain chain = DetectionChain.enrolled(P);

    static DeviceReading base(DeviceReading.Kind kind, long time) {
        DeviceReading r = new DeviceReading();
        r.patientId = P;
        r.programme = "virtual-ward";
        r.sourceId = "watch";
        r.eventId = kind + "-" + time;
        r.kind = kind;
        r.time = time;
        r.timeReceived = time + 2000;
        return r;
    }

    /** Worn, still, 140/min every 15 s from {@code from} to {@code to} (minutes after T0). */
    void tachycardia(long from, long to) throws Exception {
        DeviceReading worn = base(DeviceReading.Kind.WEAR, T0 + from * MIN);
        worn.onBody = true;
        worn.wearMethod = "OPTICAL";
        chain.send(worn);
        for (long t = T0 + from * MIN; t < T0 + to * MIN; t += 15_000) {
            if ((t - T0) % MIN == 0) {
                DeviceReading a = base(DeviceReading.Kind.ACTIVITY, t);
                a.intervalSeconds = 60;
                a.steps = 0;
                a.timeReceived = t + MIN + 1000;
                chain.send(a);
            }
            DeviceReading hr = base(DeviceReading.Kind.HEART_RATE, t);
            hr.bpm = 140f;
            chain.send(hr);
            chain.watermark(t);
        }
    }

    /** AF (irregular, ~120/min) as one RR batch a minute from {@code from} to {@code to} (minutes after T0). */
    void af(Random random, long from, long to) throws Exception {
        for (long m = from; m < to; m++) {
            long start = T0 + m * MIN;
            java.util.List<Integer> rr = new java.util.ArrayList<>();
            long t = 0;
            while (t < MIN) {
                int v = 330 + random.nextInt(340);
                rr.add(v);
                t += v;
            }
            DeviceReading b = base(DeviceReading.Kind.RR_BATCH, start);
            b.rrStart = start;
            b.rrMs = rr.stream().mapToInt(Integer::intValue).toArray();
            b.rrQuality = new byte[b.rrMs.length];
            b.timeReceived = start + MIN + 2000;
            chain.send(b);
            chain.watermark(start);
        }
    }

    long openedAtOrAfter(String type, long minute) {
        return chain.alerts(type).stream().filter(a -> a.kind.equals("OPENED") && a.atMs >= T0 + minute * MIN).count();
    }

    List<String> kinds(String type) {
        return chain.alerts(type).stream().map(a -> a.kind + "@" + (a.atMs - T0) / 1000 + "s"
                + (a.reason == null ? "" : "(" + a.reason + ")")).toList();
    }

    @Test
    void tachycardiaGoingOnAfterAQuickReEnrolmentIsAlertedAgain() throws Exception {
        tachycardia(0, 20);
        assertThat(openedAtOrAfter("tachycardia", 0)).as("control: alerted before the discharge").isEqualTo(1);
        chain.enrol(P, "DISCHARGED");
        assertThat(kinds("tachycardia")).as("closed at the discharge").anyMatch(k -> k.startsWith("CLOSED"));
        chain.enrol(P, "ACTIVE"); // corrected: the readings of minutes 20-23 were refused
        tachycardia(23, 60); // 140/min at rest goes on for 37 more minutes
        assertThat(openedAtOrAfter("tachycardia", 23))
                .as("tachycardia alerts after the re-enrolment, while 140/min at rest goes on 37 min; all changes: %s",
                        kinds("tachycardia"))
                .isEqualTo(1);
    }

    @Test
    void control_tachycardiaAfterALongerAbsenceIsAlertedAgain() throws Exception {
        tachycardia(0, 20);
        chain.enrol(P, "DISCHARGED");
        chain.enrol(P, "ACTIVE");
        tachycardia(30, 70); // 10 min without readings: the heart-rate detector's 5-min sample gap closes its episode
        assertThat(openedAtOrAfter("tachycardia", 30)).as("all changes: %s", kinds("tachycardia")).isEqualTo(1);
    }

    @Test
    void afGoingOnAfterAQuickReEnrolmentIsAlertedAgain() throws Exception {
        Random random = new Random(17);
        af(random, 0, 20);
        assertThat(openedAtOrAfter("atrial-fibrillation", 0)).as("control: alerted before the discharge").isEqualTo(1);
        chain.enrol(P, "DISCHARGED");
        chain.enrol(P, "ACTIVE");
        af(random, 23, 120); // AF goes on for 97 more minutes
        assertThat(openedAtOrAfter("atrial-fibrillation", 23))
                .as("AF alerts after the re-enrolment while AF goes on 97 min; all changes: %s", kinds("atrial-fibrillation"))
                .isEqualTo(1);
    }

    @Test
    void control_afAfterALongerAbsenceIsAlertedAgain() throws Exception {
        Random random = new Random(17);
        af(random, 0, 20);
        chain.enrol(P, "DISCHARGED");
        chain.enrol(P, "ACTIVE");
        af(random, 40, 120); // 20 min without beats: the analyser's 10-min bridge closes its AF
        assertThat(openedAtOrAfter("atrial-fibrillation", 40)).as("all changes: %s", kinds("atrial-fibrillation")).isEqualTo(1);
    }

    /**
     * D5 (same run): the CLOSED record written at the discharge says the tachycardia ended at minute 11 (its last
     * "evidence": the START; the heart-rate detector sends no UPDATE while an episode goes on), while 140/min at rest
     * went on until the discharge at minute 20. The closing record contradicts the data (and the alert's own duration).
     */
    @Test
    void theCloseAtDischargeSaysWhenTheTachycardiaWasLastSeen() throws Exception {
        tachycardia(0, 20);
        chain.enrol(P, "DISCHARGED");
        var closed = chain.alerts("tachycardia").stream().filter(a -> a.kind.equals("CLOSED")).findFirst().orElseThrow();
        assertThat((closed.episodeEndMs - T0) / 1000)
                .as("end (s after T0) of the tachycardia closed at the discharge; last sample at 140/min: 1185 s")
                .isGreaterThanOrEqualTo(19 * 60);
    }

    /**
     * PAUSED ("temporarily not monitored, e.g. in hospital"): the open alert closes with the reason "monitoring
     * paused", nothing is alerted during the pause (the watch worn in hospital at 140/min), and a tachycardia going on
     * when the pause ends is alerted afresh.
     */
    @Test
    void aPauseClosesTheOpenAlertAndAfterItTheTachycardiaIsAlertedAfresh() throws Exception {
        tachycardia(0, 20);
        chain.enrol(P, "PAUSED");
        tachycardia(20, 60); // still worn in hospital
        chain.enrol(P, "ACTIVE");
        tachycardia(60, 90);
        List<String> kinds = kinds("tachycardia");
        assertThat(kinds).hasSize(3);
        assertThat(kinds.get(0)).isEqualTo("OPENED@660s");
        assertThat(kinds.get(1)).startsWith("CLOSED@").endsWith("(monitoring paused)");
        assertThat(kinds.get(2)).as("alerted afresh 11 min after the pause ended").isEqualTo("OPENED@4260s");
    }
}
