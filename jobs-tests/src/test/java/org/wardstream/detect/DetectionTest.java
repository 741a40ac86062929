package org.wardstream.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import java.util.Map;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.wardstream.detector.PatternCue;
import org.wardstream.ingest.DeviceReading;
import org.wardstream.ingest.EnrolmentUpdate;
import org.wardstream.ingest.PatientProfile;

/**
 * The detection stage's operators (signal detector, CEP patterns, alert lifecycle) in Flink's test harnesses,
 * wired as in the job: readings, watermarks, event-time timers, late backlogs, compound patterns, overrides.
 */
class DetectionTest {
    static final String P = "p000001";
    static final long T0 = Instant.parse("2026-03-02T09:00:00Z").toEpochMilli();
    static final long MIN = 60_000L;
    @AutoClose
    final DetectionChain chain = DetectionChain.enrolled(P);
    final Random random = new Random(11);

    /** {@link DetectionChain#profile}, ACTIVE, with threshold overrides. */
    static PatientProfile profile(Map<String, Double> overrides) {
        PatientProfile profile = DetectionChain.profile("ACTIVE");
        profile.thresholdOverrides.putAll(overrides);
        return profile;
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
        return rrMinute(start, af, false);
    }

    /** ... with {@code fast}: AF at a mean ventricular rate of about 120/min (above the 110 escalation rate). */
    DeviceReading rrMinute(long start, boolean af, boolean fast) {
        DeviceReading r = base(DeviceReading.Kind.RR_BATCH, start);
        int n = 0;
        int[] rr = new int[300];
        long t = 0;
        while (t < 60_000) {
            int v = !af ? 820 + random.nextInt(40) : fast ? 330 + random.nextInt(340) : 450 + random.nextInt(600);
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

    DeviceReading activity(long start, int minutes, int steps) {
        DeviceReading r = base(DeviceReading.Kind.ACTIVITY, start);
        r.intervalSeconds = minutes * 60;
        r.steps = steps;
        return r;
    }

    /** One minute of sinus beats with one clean RR of {@code pauseMs} in the middle. */
    DeviceReading rrMinuteWithPause(long start, int pauseMs) {
        DeviceReading r = rrMinute(start, false);
        r.rrMs[r.rrMs.length / 2] = pauseMs;
        return r;
    }

    void send(DeviceReading r) throws Exception {
        chain.send(r);
    }

    void watermark(long t) throws Exception {
        chain.watermark(t);
    }

    List<StreamedAlertChange> alerts(String type) {
        return chain.alerts(type);
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
            watermark(T0 + m * 60_000L);
        }
        for (int m = 30; m < 45; m++) {
            send(rrMinute(T0 + m * 60_000L, false));
            watermark(T0 + m * 60_000L);
        }
        List<StreamedAlertChange> af = alerts("atrial-fibrillation");
        assertThat(af).extracting(a -> a.kind).startsWith("OPENED").contains("CLOSED");
        assertThat(af.stream().filter(a -> a.kind.equals("OPENED"))).hasSize(1);
        StreamedAlertChange opened = af.get(0);
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
        watermark(T0 + 3 * 3600_000L);
        assertThat(alerts("device-offline")).singleElement().satisfies(a -> {
            assertThat(a.kind).isEqualTo("OPENED");
            assertThat(a.episodeStartMs).isBetween(T0 + 4 * 60_000L, T0 + 6 * 60_000L);
        });

        // the device reconnects and uploads its backlog: AF from inside the gap, received three hours later
        long received = T0 + 3 * 3600_000L;
        for (int m = 5; m < 30; m++) {
            DeviceReading r = rrMinute(T0 + m * 60_000L, m >= 10);
            r.timeReceived = received;
            send(r);
        }
        watermark(received + 10 * MIN); // no more data: the held backlog is released
        List<StreamedAlertChange> offline = alerts("device-offline");
        assertThat(offline).extracting(a -> a.kind).containsExactly("OPENED", "CLOSED");
        // the outage lasted until the device reconnected, not until the first buffered reading
        assertThat(offline.get(1).episodeEndMs).isEqualTo(received);
        List<StreamedAlertChange> af = alerts("atrial-fibrillation");
        assertThat(af).isNotEmpty();
        assertThat(af.get(0).kind).isEqualTo("OPENED");
        // delayed by: receipt minus device time of the newest beat of the reading that completed the evidence (a
        // one-minute batch, ending 60-61 s after its start)
        assertThat(af.get(0).delayedByMs).isBetween(received - af.get(0).atMs - MIN - 1_100, received - af.get(0).atMs);
        assertThat(af.get(0).episodeStartMs).isBetween(T0 + 9 * 60_000L, T0 + 12 * 60_000L);
    }

    @Test
    void anUnannouncedBacklogIsAnalysedInDeviceTimeOrderAndMarkedDelayed() throws Exception {
        send(worn(T0));
        for (int m = 0; m < 5; m++) {
            send(rrMinute(T0 + m * 60_000L, false));
        }
        // the device only ever says ONLINE: no "reconnected" message. Offline for three hours; on reconnection a live
        // minute wins the race with the upload of the buffered minutes, AF among them
        long back = T0 + 3 * 3600_000L;
        DeviceReading live = rrMinute(back, false);
        live.timeReceived = back + 61_000;
        send(live);
        Map<Integer, DeviceReading> buffered = new java.util.HashMap<>();
        for (int m = 5; m < 50; m++) {
            DeviceReading r = rrMinute(T0 + m * 60_000L, m >= 10 && m < 40); // AF for 30 minutes
            r.timeReceived = back + 62_000 + 20L * m;
            buffered.put(m, r);
            send(r);
        }
        DeviceReading online = base(DeviceReading.Kind.STATUS, back + 2 * MIN);
        online.connectivity = DeviceReading.CONN_ONLINE;
        online.bufferedEvents = 0;
        send(online);
        assertThat(alerts("atrial-fibrillation")).isEmpty(); // held: the upload may still be under way
        send(rrMinute(back + 7 * MIN, false)); // live data after the hold: the held readings are analysed in order
        List<StreamedAlertChange> af = alerts("atrial-fibrillation");
        assertThat(af).extracting(a -> a.kind).containsExactly("OPENED", "CLOSED");
        StreamedAlertChange opened = af.get(0);
        assertThat(opened.episodeStartMs).isBetween(T0 + 9 * MIN, T0 + 12 * MIN);
        // delayed by receipt minus device time of the newest beat of the buffered minute that completed the evidence:
        // no watermark
        List<Long> delays = new java.util.ArrayList<>();
        for (int k = 9; k <= 14; k++) {
            DeviceReading r = buffered.get(k);
            delays.add(r.timeReceived - (r.rrStart + java.util.Arrays.stream(r.rrMs).asLongStream().sum()));
        }
        assertThat(opened.delayedByMs).isIn(delays);
        assertThat(af.get(1).episodeEndMs).isBetween(T0 + 39 * MIN, T0 + 42 * MIN);
        assertThat(chain.detectorDeadLetters()).isEmpty();
        // nothing was received for three hours (no watermark moved meanwhile): the device was offline, from its last
        // data to the reconnection, whatever its backlog shows in device time
        List<StreamedAlertChange> offline = alerts("device-offline");
        assertThat(offline).extracting(a -> a.kind).containsExactly("OPENED", "CLOSED");
        assertThat(offline.get(1).episodeStartMs).isEqualTo(T0 + 4 * MIN);
        assertThat(offline.get(1).episodeEndMs).isEqualTo(back + 61_000);
    }

    @Test
    void aReadingTooOldToAnalyseInOrderIsDeadLetteredWithAReason() throws Exception {
        send(worn(T0));
        for (int m = 0; m < 60; m++) {
            send(rrMinute(T0 + m * 60_000L, false));
        }
        DeviceReading old = rrMinute(T0 + 5 * MIN, true);
        old.origin = "device-events-0@77";
        send(old); // 55 minutes older than what was analysed: it cannot be put in order any more
        assertThat(chain.detectorDeadLetters()).singleElement().satisfies(d -> {
            assertThat(d.reason).isEqualTo("out-of-order");
            // newest beats: about T0+60 analysed, about T0+6 in the old batch
            assertThat(d.detail).containsPattern("5[345] min before").contains("bound 10 min");
            assertThat(d.origin).isEqualTo("device-events-0@77");
        });
    }

    /**
     * Adversarial probe 16a, D1, through the operators: the phone app re-sends minutes 6-44 (new event ids) at minute
     * 60, after the AF of minutes 10-29 was alerted and closed. An upload wholly inside the data already analysed is a
     * repeat: dead-lettered {@code already-analysed} (its first reading {@code out-of-order}), no restart, no second
     * AF alert (before: a restart on the "earlier clock" re-detected the AF and alerted it again).
     */
    @Test
    void anUploadRepeatingReadingsAlreadyAnalysedIsDeadLetteredAndItsAfIsNotAlertedAgain() throws Exception {
        send(worn(T0));
        List<DeviceReading> live = new java.util.ArrayList<>();
        for (int m = 0; m < 60; m++) {
            DeviceReading r = rrMinute(T0 + m * MIN, m >= 10 && m < 30);
            r.timeReceived = T0 + (m + 1) * MIN + 2_000;
            live.add(r);
            send(r);
            watermark(T0 + m * MIN);
        }
        for (int m = 6; m < 45; m++) {
            DeviceReading first = live.get(m);
            DeviceReading again = base(DeviceReading.Kind.RR_BATCH, first.time);
            again.eventId = "resent-" + first.eventId;
            again.rrStart = first.rrStart;
            again.rrMs = first.rrMs;
            again.rrQuality = first.rrQuality;
            again.timeReceived = T0 + 60 * MIN + 5_000 + 50L * m;
            send(again);
        }
        for (int m = 60; m < 75; m++) {
            DeviceReading r = rrMinute(T0 + m * MIN, false);
            r.timeReceived = T0 + (m + 1) * MIN + 2_000;
            send(r);
            watermark(T0 + m * MIN);
        }
        watermark(T0 + 80 * MIN);
        List<StreamedAlertChange> af = alerts("atrial-fibrillation");
        assertThat(af).extracting(a -> a.kind).containsExactly("OPENED", "CLOSED");
        assertThat(af).extracting(a -> a.episodeId).containsOnly(af.get(0).episodeId);
        assertThat(chain.detectorDeadLetters()).hasSize(39);
        assertThat(chain.detectorDeadLetters().get(0).reason).isEqualTo("out-of-order");
        assertThat(chain.detectorDeadLetters().subList(1, 39)).allSatisfy(d -> {
            assertThat(d.reason).isEqualTo("already-analysed");
            assertThat(d.detail).contains("repeating readings already analysed").contains("not an earlier clock");
        });
    }

    /**
     * Adversarial probe 16a, D3, through the operators: offline minutes 30-149 (AF 60-99, a 4.5-s pause at minute
     * 120), "reconnected, 120 buffered" at 150:09, then the buffer uploaded oldest first, a minute of data every 5 s
     * (longer than the 5-min hold), the watermark following receipt less 5 min. The status, analysed last of the first
     * hold, counted as the newest analysed reading: minutes 90-149 were dead-lettered out-of-order (50 readings), the AF
     * "ended" at minute 90 and the pause was never alerted.
     */
    @Test
    void anAnnouncedBacklogUploadedOverMoreThanTheHoldIsAnalysedWhole() throws Exception {
        List<DeviceReading> arrivals = new java.util.ArrayList<>();
        long upload = T0 + 150 * MIN + 10_000;
        for (int m = 0; m < 175; m++) {
            long t = T0 + m * MIN;
            DeviceReading r = m == 120 ? rrMinuteWithPause(t, 4_500) : rrMinute(t, m >= 60 && m < 100);
            if (m >= 30 && m < 150) {
                r.timeReceived = upload + 5_000L * (m - 30);
                arrivals.add(r);
            } else if (m < 30 || m >= 161) {
                r.timeReceived = t + MIN + 2_000;
                arrivals.add(r);
            }
        }
        DeviceReading status = base(DeviceReading.Kind.STATUS, upload - 1_000);
        status.timeReceived = upload - 1_000;
        status.connectivity = DeviceReading.CONN_RECONNECTED;
        status.bufferedEvents = 120;
        status.batteryPercent = 80;
        arrivals.add(status);
        arrivals.sort(java.util.Comparator.comparingLong(r -> r.timeReceived));
        long watermark = Long.MIN_VALUE;
        for (DeviceReading r : arrivals) {
            send(r);
            if (r.timeReceived - 5 * MIN > watermark) {
                watermark = r.timeReceived - 5 * MIN;
                watermark(watermark);
            }
        }
        watermark(T0 + 200 * MIN);
        assertThat(chain.detectorDeadLetters()).isEmpty();
        assertThat(alerts("pause")).extracting(a -> a.kind).contains("OPENED");
        assertThat(alerts("atrial-fibrillation")).extracting(a -> a.kind).containsExactly("OPENED", "CLOSED");
        assertThat(alerts("atrial-fibrillation").get(1).episodeEndMs).isBetween(T0 + 99 * MIN, T0 + 102 * MIN);
    }

    @Test
    void aDeviceClockSetBackAnHourWhileLiveStillRaisesTheAfThatFollowsAndClosesIt() throws Exception {
        send(worn(T0));
        for (int m = 0; m < 10; m++) {
            send(rrMinute(T0 + m * MIN, false));
            watermark(T0 + m * MIN);
        }
        // at minute 10 the device's clock goes back an hour; AF from minute 15 to 35; the watermark follows everyone
        // else's clocks (real time)
        long skew = 60 * MIN;
        for (int m = 10; m < 50; m++) {
            long real = T0 + m * MIN;
            DeviceReading r = rrMinute(real - skew, m >= 15 && m < 35);
            r.timeReceived = real + MIN + 2_000;
            send(r);
            watermark(real);
        }
        watermark(T0 + 60 * MIN);
        List<StreamedAlertChange> af = alerts("atrial-fibrillation");
        assertThat(af).extracting(a -> a.kind).containsExactly("OPENED", "CLOSED");
        assertThat(af.get(0).episodeStartMs).isBetween(T0 + 14 * MIN - skew, T0 + 17 * MIN - skew);
        assertThat(af.get(1).episodeEndMs).isBetween(T0 + 34 * MIN - skew, T0 + 37 * MIN - skew);
        // the readings before the analysis restarted on the earlier clock: dead-lettered with the reason, counted
        int before = org.wardstream.detector.PatientDetector.ORDER.parameters().restartAfterReadings() - 1;
        assertThat(chain.detectorDeadLetters()).hasSize(before).allSatisfy(d -> {
            assertThat(d.reason).isEqualTo("out-of-order");
            assertThat(d.detail).contains("restarts on the earlier clock");
        });
        assertThat(alerts("device-offline")).isEmpty();
    }

    @Test
    void aTombstoneErasesThePatientsDetectorState() throws Exception {
        chain.processingTime(0);
        send(worn(T0));
        send(rrMinute(T0, false));
        send(rrMinuteWithPause(T0 + MIN, 3600)); // a pause: the alerter now holds an episode
        assertThat(chain.signals.numKeyedStateEntries()).isPositive();
        assertThat(chain.alerter.numKeyedStateEntries()).isPositive();
        chain.enrol(new EnrolmentUpdate(P, null));
        // all that stays is the unenrolment's time and when to forget it (EnrolmentWait), for the enrolment grace
        assertThat(chain.signals.numKeyedStateEntries()).isEqualTo(2);
        assertThat(chain.signals.numEventTimeTimers()).isZero();
        assertThat(chain.alerter.numKeyedStateEntries()).isEqualTo(2);
        assertThat(chain.alerter.numEventTimeTimers()).isZero();
        chain.processingTime(GRACE_MS);
        assertThat(chain.signals.numKeyedStateEntries()).isZero();
        assertThat(chain.signals.numProcessingTimeTimers()).isZero();
        assertThat(chain.alerter.numKeyedStateEntries()).isZero();
        assertThat(chain.alerter.numProcessingTimeTimers()).isZero();
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
        DeviceReading later = rrMinute(reconnect + 6 * 60_000L, false); // live data after the hold: the held go
        later.timeReceived = reconnect + 6 * 60_000L + 1000;
        send(later);
        // the AF inside the backlog is found: no beat of it was out of order behind the live minute
        assertThat(alerts("atrial-fibrillation")).isNotEmpty()
                .first().satisfies(a -> assertThat(a.episodeStartMs).isBetween(T0 + 9 * 60_000L, T0 + 12 * 60_000L));
        // and the live minute, analysed after the backlog, closed the AF (it is sinus, hours later)
        assertThat(alerts("atrial-fibrillation")).extracting(a -> a.kind).contains("OPENED", "CLOSED");
    }

    /**
     * A wearable's minute with one double-detected beat (a "clean" interval of 150 ms) and a genuine 4.2-s pause was
     * dead-lettered whole by ingest (implausible-value), the pause never alerted. Through ingest's validation and the
     * detector: the batch is analysed, the 150-ms interval as an artefact (never a pause), the pause alerted once.
     */
    @Test
    void aMinuteWithOneDoubleDetectedBeatPassesIngestAndItsPauseIsAlerted() throws Exception {
        for (int m = 0; m < 10; m++) {
            send(rrMinute(T0 + m * MIN, false));
        }
        DeviceReading minute = rrMinuteWithPause(T0 + 10 * MIN, 4200);
        List<Integer> rr = new java.util.ArrayList<>(Arrays.stream(minute.rrMs).boxed().toList());
        rr.set(10, 150);
        org.wardstream.ingest.EventValidator validator = new org.wardstream.ingest.EventValidator(
                org.wardstream.ingest.IngestSettings.defaults(), () -> T0 + 60 * MIN);
        DeviceReading admitted = validator.validate(org.wardstream.ingest.TestEvents.key(P),
                org.wardstream.ingest.TestEvents.rr("double-detected", Instant.ofEpochMilli(T0 + 10 * MIN), rr,
                        org.wardstream.ingest.TestEvents.clean(rr.size())), 0);
        send(admitted);
        long pauseEnd = T0 + 10 * MIN;
        for (int i = 0; i <= rr.size() / 2; i++) {
            pauseEnd += rr.get(i);
        }
        long pauseEndMs = pauseEnd;
        assertThat(alerts("pause")).singleElement().satisfies(a -> {
            assertThat(a.kind).isEqualTo("OPENED");
            assertThat(a.episodeStartMs).isEqualTo(pauseEndMs - 4200);
        });
    }

    @Test
    void pauseFollowedByStillnessEscalatesThePauseAlertToUrgent() throws Exception {
        send(worn(T0));
        for (int m = 0; m < 10; m += 5) {
            send(activity(T0 + m * MIN, 5, 400)); // walking
        }
        for (int m = 0; m < 10; m++) {
            send(rrMinute(T0 + m * MIN, false));
        }
        send(rrMinuteWithPause(T0 + 10 * MIN, 3600));
        assertThat(alerts("pause")).singleElement().satisfies(a -> {
            assertThat(a.kind).isEqualTo("OPENED");
            assertThat(a.severity).isEqualTo("routine");
        });
        // from minute 11 the patient lies still, wearing the device, for 20 minutes
        for (int m = 11; m < 31; m++) {
            send(rrMinute(T0 + m * MIN, false));
            if ((m - 11) % 5 == 0) {
                send(activity(T0 + m * MIN, 5, 0));
            }
        }
        assertThat(chain.cues).extracting(c -> (Class) c.getClass()).contains(PatternCue.Pause.class, PatternCue.StillFor.class);
        List<StreamedAlertChange> pause = alerts("pause");
        assertThat(pause).extracting(a -> a.kind).containsExactly("OPENED", "ESCALATED");
        StreamedAlertChange escalated = pause.get(1);
        assertThat(escalated.severity).isEqualTo("urgent");
        assertThat(escalated.reason).contains("possible syncope or fall");
        assertThat(escalated.episodeId).isEqualTo(pause.get(0).episodeId);
        assertThat(escalated.atMs).isEqualTo(T0 + 21 * MIN); // 10 minutes of stillness from minute 11
    }

    @Test
    void stillnessLongAfterAPauseDoesNotEscalateIt() throws Exception {
        send(worn(T0));
        send(activity(T0, 5, 400));
        send(rrMinuteWithPause(T0 + MIN, 3600));
        for (int m = 2; m < 20; m++) {
            send(rrMinute(T0 + m * MIN, false));
            if (m % 5 == 0) {
                send(activity(T0 + m * MIN, 5, 400)); // still walking for 20 minutes
            }
        }
        for (int m = 20; m < 45; m += 5) {
            send(activity(T0 + m * MIN, 5, 0)); // stillness from minute 20: 19 minutes after the pause
        }
        assertThat(chain.cues).extracting(c -> (Class) c.getClass()).contains(PatternCue.StillFor.class);
        assertThat(alerts("pause")).extracting(a -> a.kind).doesNotContain("ESCALATED");
    }

    @Test
    void afWithASustainedFastRateEscalatesOnceAndAPerPatientOverrideAppliesWithoutARestart() throws Exception {
        send(worn(T0));
        for (int m = 0; m < 20; m++) {
            send(rrMinute(T0 + m * MIN, true, true));
        }
        List<StreamedAlertChange> af = alerts("atrial-fibrillation");
        assertThat(af).extracting(a -> a.kind).containsExactly("OPENED", "ESCALATED");
        assertThat(af.get(1).severity).isEqualTo("urgent");
        assertThat(af.get(1).reason).contains("fast ventricular rate");
        assertThat(af.get(1).evidence.get("fastRateBpm")).isGreaterThan(110.0);
        // the wording is written from the same numbers: the patient's threshold and the rate it reached
        assertThat(af.get(1).reason).contains("above 110/min").contains("reaching "
                + Math.round(af.get(1).evidence.get("fastRateBpm")) + "/min");
        assertThat(af.get(1).atMs - af.get(0).episodeStartMs).isGreaterThanOrEqualTo(5 * MIN);

        // another patient whose enrolment raises fastRateBpm to 140 (a clinician's override): no escalation
        String q = "p000002";
        chain.enrol(new EnrolmentUpdate(q, profile(Map.of("atrial-fibrillation.fastRateBpm", 140.0))));
        for (int m = 0; m < 20; m++) {
            DeviceReading r = rrMinute(T0 + m * MIN, true, true);
            r.patientId = q;
            send(r);
        }
        List<StreamedAlertChange> qAf = chain.alerts().stream().filter(a -> a.patientId.equals(q)).toList();
        assertThat(qAf).extracting(a -> a.kind).startsWith("OPENED").doesNotContain("ESCALATED");
        assertThat(chain.cues.stream().filter(c -> c.patientId().equals(q)).filter(PatternCue.AfRate.class::isInstance)
                .map(PatternCue.AfRate.class::cast)).isNotEmpty().allSatisfy(c -> assertThat(c.fast()).isFalse());
    }

    @Test
    void aPacemakerInTheEnrolmentReachesEveryAfAlertOfThatPatientOnly() throws Exception {
        // the enrolment field (Avro) -> the profile -> the alerter -> the Kafka record's FHIR text and component
        var withDevice = org.wardstream.ingest.TestEvents.enrolment("p000003", org.wardstream.schema.EnrolmentStatus.ACTIVE);
        withDevice.setPacemaker(true);
        PatientProfile paced = PatientProfile.of(withDevice);
        assertThat(paced.pacemaker).isTrue();
        assertThat(paced.rulesKey()).as("configures no rule").isEqualTo(profile(Map.of()).rulesKey());
        var notRecorded = org.wardstream.ingest.TestEvents.enrolment("p000004", org.wardstream.schema.EnrolmentStatus.ACTIVE);
        assertThat(notRecorded.getPacemaker()).isNull();
        assertThat(PatientProfile.of(notRecorded).pacemaker).isFalse();

        String q = "p000003";
        chain.enrol(new EnrolmentUpdate(q, paced));
        send(worn(T0));
        for (int m = 0; m < 45; m++) {
            boolean af = m >= 10 && m < 30;
            for (String patient : List.of(P, q)) {
                DeviceReading r = rrMinute(T0 + m * MIN, af);
                r.patientId = patient;
                send(r);
            }
            watermark(T0 + m * MIN);
        }
        var serializer = new AlertBundleSerializer("alerts");
        for (String patient : List.of(P, q)) {
            List<StreamedAlertChange> af = alerts("atrial-fibrillation").stream().filter(a -> a.patientId.equals(patient)).toList();
            assertThat(af).as(patient).extracting(a -> a.kind).startsWith("OPENED").contains("CLOSED");
            for (StreamedAlertChange a : af) {
                String bundle = new String(serializer.serialize(a, null, null).value(), java.nio.charset.StandardCharsets.UTF_8);
                if (patient.equals(q)) {
                    assertThat(a.pacemaker).isTrue();
                    assertThat(bundle).as(a.kind).contains("This patient has a pacemaker").contains("\"code\":\"cardiac-pacemaker\"");
                } else {
                    assertThat(a.pacemaker).isFalse();
                    assertThat(bundle).as(a.kind).doesNotContain("pacemaker");
                }
            }
        }
    }

    @Test
    void readingsThatOvertakeThePatientsEnrolmentWaitForItAndUseThePatientsOwnRules() throws Exception {
        // the enrolment reaches the detector on its own input: in a replay the readings the gate admitted can come first
        String q = "p000003";
        EnrolmentUpdate enrolment = new EnrolmentUpdate(q, profile(Map.of("atrial-fibrillation.fastRateBpm", 140.0)));
        for (int m = 0; m < 20; m++) {
            DeviceReading r = rrMinute(T0 + m * MIN, true, true);
            r.patientId = q;
            send(r);
        }
        assertThat(chain.cues).noneMatch(c -> c.patientId().equals(q)); // waiting, not analysed with packaged rules
        chain.enrol(enrolment);
        List<StreamedAlertChange> qAf = chain.alerts().stream().filter(a -> a.patientId.equals(q)).toList();
        assertThat(qAf).extracting(a -> a.kind).startsWith("OPENED").doesNotContain("ESCALATED");
        assertThat(chain.cues.stream().filter(c -> c.patientId().equals(q)).filter(PatternCue.AfRate.class::isInstance)
                .map(PatternCue.AfRate.class::cast)).isNotEmpty().allSatisfy(c -> assertThat(c.fast()).isFalse());
    }

    static final long GRACE_MS = org.wardstream.ingest.IngestSettings.defaults().enrolmentGrace().toMillis();

    /** Fast AF for {@code minutes} minutes from {@code start}: an alert once analysed. */
    void sendAf(String patient, long start, int minutes) throws Exception {
        for (int m = 0; m < minutes; m++) {
            DeviceReading r = rrMinute(start + m * MIN, true, true);
            r.patientId = patient;
            r.brokerTimestamp = r.timeReceived + 100;
            send(r);
        }
    }

    List<org.wardstream.ingest.DeadLetter> deadLetters(String reason) {
        return chain.detectorDeadLetters().stream().filter(d -> d.reason.equals(reason)).toList();
    }

    @Test
    void readingsPublishedBeforeAnUnenrolmentAreDeadLetteredNotHeldForAReEnrolment() throws Exception {
        chain.processingTime(0);
        long tombstone = T0 + 30 * MIN;
        chain.enrol(new EnrolmentUpdate("virtual-ward", P, null), tombstone); // the detector reads the unenrolment
        sendAf(P, T0, 20); // ... before these, which the gate admitted before it read it (published before it)
        assertThat(deadLetters("unknown-patient")).hasSize(20)
                .allSatisfy(d -> assertThat(d.detail).contains("before the patient's unenrolment"));
        chain.processingTime(GRACE_MS + 1); // the unenrolment is forgotten: no state left for the patient
        assertThat(chain.signals.numKeyedStateEntries()).isZero();
        assertThat(chain.alerter.numKeyedStateEntries()).isZero();
        chain.enrol(new EnrolmentUpdate(P, profile(Map.of()))); // re-enrolled months later: nothing stale analysed
        assertThat(chain.cues).noneMatch(c -> c.patientId().equals(P));
        assertThat(chain.alerts()).isEmpty();
    }

    @Test
    void aReEnrolmentsReadingsThatOvertakeItWaitForIt() throws Exception {
        chain.processingTime(0);
        chain.enrol(new EnrolmentUpdate("virtual-ward", P, null), T0 - MIN); // unenrolled, re-enrolled a minute later
        sendAf(P, T0, 20); // published after the unenrolment: the re-enrolment's, although it has not arrived yet
        assertThat(chain.detectorDeadLetters()).isEmpty();
        assertThat(chain.cues).noneMatch(c -> c.patientId().equals(P));
        chain.enrol(new EnrolmentUpdate(P, profile(Map.of())), T0);
        assertThat(alerts("atrial-fibrillation")).extracting(a -> a.kind).startsWith("OPENED");
    }

    @Test
    void aReadingWaitsForItsEnrolmentNoLongerThanTheGraceThenIsDeadLettered() throws Exception {
        chain.processingTime(0);
        int before = chain.signals.numKeyedStateEntries();
        String q = "p000004"; // admitted by the gate, but its enrolment never reaches the detector
        sendAf(q, T0, 5);
        chain.processingTime(GRACE_MS - 1);
        assertThat(chain.detectorDeadLetters()).isEmpty(); // still waiting
        chain.processingTime(GRACE_MS);
        assertThat(deadLetters("unknown-patient")).hasSize(5)
                .allSatisfy(d -> assertThat(d.detail).contains("no enrolment reached the detector within 300 s"));
        assertThat(chain.signals.numKeyedStateEntries()).isEqualTo(before); // the wait's state is freed
        chain.enrol(new EnrolmentUpdate(q, profile(Map.of())));
        assertThat(chain.cues).noneMatch(c -> c.patientId().equals(q));
    }

    @Test
    void afThatSlowsBeforeTheFastRateLastsItsMinimumDoesNotEscalate() throws Exception {
        send(worn(T0));
        for (int m = 0; m < 30; m++) {
            send(rrMinute(T0 + m * MIN, true, (m / 4) % 2 == 0)); // fast for 4 minutes, slower for 4, ...
        }
        assertThat(alerts("atrial-fibrillation")).extracting(a -> a.kind).containsExactly("OPENED");
    }

    @Test
    void aRegularTachycardiaThatOutlastsFastAfIsAlertedFromTheAfsEnd() throws Exception {
        // at rest: fast AF from minute 10 to 40 (its tachycardia, from minute 20, is the AF's fast rate), then a regular
        // 140/min (flutter with 2:1 block) until minute 130; heart rate every 5 s, each RR minute received after it
        List<DeviceReading> in = new java.util.ArrayList<>(List.of(worn(T0)));
        for (int m = 0; m < 150; m++) {
            long start = T0 + m * MIN;
            boolean af = m >= 10 && m < 40, flutter = m >= 40 && m < 130;
            DeviceReading rr = rrMinute(start, af, true);
            if (flutter) {
                rr.rrMs = new int[140];
                java.util.Arrays.fill(rr.rrMs, 428);
                rr.rrQuality = new byte[140];
            }
            rr.timeReceived = start + MIN + 2_000;
            DeviceReading still = activity(start, 1, 0);
            still.timeReceived = start + MIN + 1_000;
            in.addAll(List.of(rr, still));
            for (int k = 0; k < 12; k++) {
                DeviceReading hr = base(DeviceReading.Kind.HEART_RATE, start + k * 5_000L);
                hr.bpm = af || flutter ? 140f : 70f;
                in.add(hr);
            }
        }
        in.sort(java.util.Comparator.comparingLong(r -> r.timeReceived));
        for (DeviceReading r : in) {
            send(r);
            watermark(r.timeReceived - 5 * MIN);
        }
        watermark(T0 + 210 * MIN);
        List<StreamedAlertChange> af = alerts("atrial-fibrillation");
        assertThat(af).extracting(a -> a.kind).contains("OPENED", "CLOSED");
        long afEnd = af.get(af.size() - 1).episodeEndMs;
        assertThat(afEnd).isBetween(T0 + 39 * MIN, T0 + 41 * MIN);
        List<StreamedAlertChange> tachy = alerts("tachycardia");
        assertThat(tachy).extracting(a -> a.kind).containsExactly("OPENED", "CLOSED");
        assertThat(tachy.get(0).episodeStartMs).isBetween(afEnd, afEnd + MIN);
        assertThat(tachy.get(1).episodeId).isEqualTo(tachy.get(0).episodeId);
        assertThat(tachy.get(1).episodeStartMs).isEqualTo(tachy.get(0).episodeStartMs);
        assertThat(tachy.get(1).episodeEndMs).isBetween(T0 + 129 * MIN, T0 + 131 * MIN);
    }

    @Test
    void anAfAlertOpenWhenThePatientIsWithdrawnClosesAndAReEnrolmentsAfIsANewAlert() throws Exception {
        // status WITHDRAWN (not a tombstone) while AF is open, re-enrolled a day later and in AF again: every AF alert
        // that opened closes, and the two are never open at once
        openAfAlert();
        unenrol("WITHDRAWN", T0 + 31 * MIN);
        chain.processingTime(GRACE_MS + 1);
        long back = reEnrolInAf();
        for (int m = 20; m < 40; m++) {
            send(rrMinute(back + m * MIN, false));
            watermark(back + m * MIN);
        }
        List<StreamedAlertChange> af = alerts("atrial-fibrillation");
        assertThat(af).extracting(a -> a.kind).containsExactly("OPENED", "CLOSED", "OPENED", "CLOSED");
        assertThat(af.get(1).episodeId).isEqualTo(af.get(0).episodeId);
        assertThat(af.get(3).episodeId).isEqualTo(af.get(2).episodeId).isNotEqualTo(af.get(0).episodeId);
        assertThat(af.get(1).episodeEndMs).isBetween(af.get(0).episodeStartMs, T0 + 31 * MIN);
        assertThat(af.get(2).episodeStartMs).isGreaterThanOrEqualTo(back - MIN);
    }

    @Test
    void anAfAlertOpenAtATombstoneClosesThenAndAReEnrolmentsAfIsANewAlert() throws Exception {
        // the enrolment is erased (tombstone) while AF is open: the detector's and alerter's state go, so without a
        // close then the first alert stayed open for ever, and a second AF alert of the patient opened beside it
        openAfAlert();
        chain.enrol(new EnrolmentUpdate("virtual-ward", P, null), T0 + 31 * MIN);
        List<StreamedAlertChange> closed = alerts("atrial-fibrillation");
        assertThat(closed).extracting(a -> a.kind).containsExactly("OPENED", "CLOSED");
        StreamedAlertChange opened = closed.get(0), close = closed.get(1);
        assertThat(close.episodeId).isEqualTo(opened.episodeId);
        assertThat(close.episodeStartMs).isEqualTo(opened.episodeStartMs);
        assertThat(close.episodeEndMs).isBetween(opened.episodeStartMs, T0 + 30 * MIN);
        assertThat(close.notifyTeam).isFalse();
        assertThat(close.reason).isEqualTo(org.wardstream.episodes.AlertChange.UNENROLLED);
        assertThat(close.programme).isEqualTo("virtual-ward");
        chain.processingTime(GRACE_MS + 1);
        reEnrolInAf();
        assertThat(alerts("atrial-fibrillation")).extracting(a -> a.kind).containsExactly("OPENED", "CLOSED", "OPENED");
    }

    @Test
    void aDeviceOfflineAlertOpenWhenThePatientIsDischargedClosesWithoutSayingReconnected() throws Exception {
        // discharged (another programme takes the patient over) while the device is offline: the open alert closes,
        // record-only, and does not tell the team the device reconnected
        send(worn(T0));
        send(rrMinute(T0, false));
        watermark(T0 + 3 * 60 * MIN);
        assertThat(alerts("device-offline")).extracting(a -> a.kind).containsExactly("OPENED");
        unenrol("DISCHARGED", T0 + 3 * 60 * MIN);
        assertThat(alerts("device-offline")).extracting(a -> a.kind).containsExactly("OPENED", "CLOSED");
        StreamedAlertChange close = alerts("device-offline").get(1);
        assertThat(close.notifyTeam).isFalse();
        assertThat(close.reason).isEqualTo(org.wardstream.episodes.AlertChange.UNENROLLED);
        assertThat(close.episodeEndMs).isGreaterThanOrEqualTo(close.episodeStartMs);
    }

    /** Ten sinus minutes from T0, then AF from minute 10 to 29: one AF alert open. */
    void openAfAlert() throws Exception {
        chain.processingTime(0);
        send(worn(T0));
        for (int m = 0; m < 10; m++) {
            send(rrMinute(T0 + m * MIN, false));
        }
        for (int m = 10; m < 30; m++) {
            send(rrMinute(T0 + m * MIN, true));
            watermark(T0 + m * MIN);
        }
        assertThat(alerts("atrial-fibrillation")).extracting(a -> a.kind).containsExactly("OPENED");
    }

    /** Re-enrolled a day after T0, then 20 minutes of AF; returns the re-enrolment's time. */
    long reEnrolInAf() throws Exception {
        long back = T0 + 24 * 60 * MIN;
        chain.enrol(new EnrolmentUpdate(P, profile(Map.of())), back);
        for (int m = 0; m < 20; m++) {
            send(rrMinute(back + m * MIN, true));
            watermark(back + m * MIN);
        }
        return back;
    }

    @Test
    void aWithdrawnPatientsSilenceRaisesNoDeviceOfflineAlert() throws Exception {
        // withdrawn while monitored live: the device is returned, so its silence is expected; no alert about a patient
        // nobody monitors
        openAfAlert();
        unenrol("WITHDRAWN", T0 + 31 * MIN);
        watermark(T0 + 6 * 60 * MIN);
        assertThat(alerts("device-offline")).isEmpty();
        assertThat(alerts("atrial-fibrillation")).extracting(a -> a.kind).containsExactly("OPENED", "CLOSED");
    }

    /** The patient's enrolment gets status {@code status} (WITHDRAWN, DISCHARGED) at {@code atMs}. */
    void unenrol(String status, long atMs) throws Exception {
        PatientProfile p = profile(Map.of());
        p.status = status;
        chain.enrol(new EnrolmentUpdate(P, p), atMs);
    }
}
