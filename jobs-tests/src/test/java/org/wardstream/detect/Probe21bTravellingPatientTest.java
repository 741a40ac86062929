package org.wardstream.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.wardstream.ingest.DeviceReading;

/**
 * Adversarial probe 21b, D1: a patient travelling across time zones. A UK patient (enrolment Europe/London, the home
 * zone) visits family in New York in July. Their watch knows where they are: every reading says
 * {@code utcOffsetMinutes = -240} (EDT). They sleep 23:00-07:00 New York time (03:00-11:00 UTC), worn, still, with
 * the ordinary sleeping heart rate of 46/min of a fit older person.
 *
 * <p>TRIAGE.md: bradycardia below 50/min counts "while awake" (waking hours 08:00-22:00 <i>local time</i>; "slow rates
 * during sleep alone do not meet the second criterion", bradycardia.yaml), and inactivity is raised "waking hours
 * only (08:00-22:00 local time)". The detector judges waking hours in the enrolment's zone only and never reads the
 * reading's UTC offset: 08:00 in London is 03:00 in New York, so this sleeping patient gets a bradycardia alert at
 * about 03:10 and an inactivity alert ("possible welfare concern") at 06:00 their time, and the same patient awake
 * and sitting at 45/min from 17:00 to 22:00 New York time (22:00-03:00 London) is never alerted.
 *
 * <p>Control: the same night at home (readings with the London offset, sleep 23:00-07:00 BST) raises nothing.
 */
class Probe21bTravellingPatientTest {
    static final String P = "p021b01";
    static final long MIN = 60_000L;
    @AutoClose
    final DetectionChain chain = DetectionChain.enrolled(P); // home zone Europe/London

    static DeviceReading base(DeviceReading.Kind kind, long time, int utcOffsetMinutes) {
        DeviceReading r = new DeviceReading();
        r.patientId = P;
        r.programme = "virtual-ward";
        r.sourceId = "watch";
        r.eventId = "watch-" + kind + "-" + time;
        r.kind = kind;
        r.time = time;
        r.timeReceived = time + 2000;
        r.utcOffsetMinutes = utcOffsetMinutes;
        return r;
    }

    /** Worn and still, heart rate {@code bpm} every 30 s, from {@code from} to {@code to} (UTC). */
    void still(long from, long to, float bpm, int offset) throws Exception {
        DeviceReading worn = base(DeviceReading.Kind.WEAR, from, offset);
        worn.onBody = true;
        worn.wearMethod = "OPTICAL";
        chain.send(worn);
        for (long t = from; t < to; t += 30_000) {
            if ((t - from) % (5 * MIN) == 0) {
                DeviceReading a = base(DeviceReading.Kind.ACTIVITY, t, offset);
                a.intervalSeconds = 300;
                a.steps = 0;
                a.timeReceived = t + 5 * MIN + 1000;
                chain.send(a);
            }
            DeviceReading hr = base(DeviceReading.Kind.HEART_RATE, t, offset);
            hr.bpm = bpm;
            chain.send(hr);
            chain.watermark(t);
        }
    }

    static long utc(String s) {
        return Instant.parse(s).toEpochMilli();
    }

    static List<String> opened(List<StreamedAlertChange> alerts) {
        return alerts.stream().filter(a -> "OPENED".equals(a.kind))
                .map(a -> a.episodeType + " at " + Instant.ofEpochMilli(a.atMs)).toList();
    }

    @Test
    void aSleepingTravellerRaisesNoAwakeBradycardiaOrInactivity() throws Exception {
        // 23:00-07:00 EDT on the night of 1-2 July 2026 = 03:00-11:00 UTC on 2 July
        still(utc("2026-07-02T03:00:00Z"), utc("2026-07-02T11:00:00Z"), 46f, -240);
        assertThat(opened(chain.alerts()))
                .as("alerts raised while the patient slept in New York (23:00-07:00 EDT; the readings say UTC-4)")
                .isEmpty();
    }

    @Test
    void control_theSameNightAtHomeRaisesNothing() throws Exception {
        // 23:00-07:00 BST = 22:00-06:00 UTC
        still(utc("2026-07-01T22:00:00Z"), utc("2026-07-02T06:00:00Z"), 46f, 60);
        assertThat(opened(chain.alerts())).isEmpty();
    }

    @Test
    void anAwakeTravellersEveningBradycardiaIsAlerted() throws Exception {
        // awake, sitting, 45/min from 18:00 to 21:00 EDT (22:00-01:00 UTC): sustained bradycardia while awake
        still(utc("2026-07-01T22:00:00Z"), utc("2026-07-02T01:00:00Z"), 45f, -240);
        assertThat(opened(chain.alerts()))
                .as("alerts for 45/min for 3 h while awake in the evening in New York (18:00-21:00 EDT)")
                .anyMatch(s -> s.startsWith("bradycardia"));
    }

    // At home across the clock changes, the device reporting an offset of 0 all year (an hour from British summer
    // time: still home time). Held up in probe 21b; kept as the fix's guard.

    @Test
    void control_springForwardNightAsleepUntil0730Bst() throws Exception {
        still(utc("2026-03-28T22:30:00Z"), utc("2026-03-29T06:30:00Z"), 46f, 0); // 22:30 GMT - 07:30 BST
        assertThat(opened(chain.alerts())).isEmpty();
    }

    @Test
    void control_fallBackNightAsleepUntil0730Gmt() throws Exception {
        still(utc("2026-10-24T21:30:00Z"), utc("2026-10-25T07:30:00Z"), 46f, 0); // 22:30 BST - 07:30 GMT
        assertThat(opened(chain.alerts())).isEmpty();
    }

    @Test
    void control_awakeAt45From0800BstWithADeviceReportingZero() throws Exception {
        still(utc("2026-03-29T07:00:00Z"), utc("2026-03-29T07:30:00Z"), 45f, 0); // from 08:00 BST
        assertThat(chain.alerts("bradycardia")).filteredOn(a -> "OPENED".equals(a.kind)).singleElement()
                .satisfies(a -> assertThat(a.atMs).isBetween(utc("2026-03-29T07:10:00Z"), utc("2026-03-29T07:13:00Z")));
    }

    @Test
    void control_aTachycardiaAcrossTheRepeatedHourIsRemindedSixElapsedHoursLater() throws Exception {
        still(utc("2026-10-24T23:30:00Z"), utc("2026-10-25T06:30:00Z"), 140f, 0); // 00:30 BST - 06:30 GMT
        StreamedAlertChange open = chain.alerts("tachycardia").get(0);
        assertThat(chain.alerts("tachycardia")).filteredOn(a -> "UPDATED".equals(a.kind) && a.notifyTeam)
                .first().satisfies(r -> assertThat(r.atMs - open.atMs).isEqualTo(6 * 60 * MIN));
    }
}
