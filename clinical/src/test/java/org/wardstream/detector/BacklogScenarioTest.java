package org.wardstream.detector;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.wardstream.episodes.AlertChange;
import org.wardstream.episodes.DetectorPath;
import org.wardstream.episodes.EpisodeState;
import org.wardstream.episodes.Transition;
import org.wardstream.rules.EffectiveRules;
import org.wardstream.rules.EpisodeType;
import org.wardstream.rules.Rules;

/**
 * Adversarial backlogs and device clocks through the plain-Java detector and alert lifecycle (the job's steps 1 and 3
 * without CEP): uploads the tests of issue 14 did not try, and a clock set back. The AF in each must be alerted, with
 * consistent times, every alert opened must close, and what is not analysed is counted (dead-lettered).
 */
class BacklogScenarioTest {
    private static final long T0 = 1_772_441_000_000L;
    private static final long MIN = 60_000L;
    private static final String P = "p-backlog";
    private final EffectiveRules rules = Rules.loadClasspath().defaults();
    private final PatientDetector d = new PatientDetector(rules, ZoneId.of("UTC"));
    private final long silence = d.wearTracker().parameters().silenceLimitMs();

    private final DetectorState s = new DetectorState();
    private final List<Reading> held = new ArrayList<>();
    private final List<Transition> transitions = new ArrayList<>();
    private int deadLettered;
    private final PatientDetector.Output out = new PatientDetector.Output() {
        @Override
        public void transition(Transition t, String programme, long delayedByMs, long receivedMs) {
            transitions.add(t);
            if (t.type() == EpisodeType.BRADYCARDIA && t.kind() == Transition.Kind.START) {
                bradycardiaStartReceivedMs.add(receivedMs);
            }
        }

        @Override
        public void outOfOrderSamples(int n) {
            skippedSamples += n;
        }

        @Override
        public void cue(PatternCue cue) {
        }

        @Override
        public void restarted(String patient) {
            restarts++;
        }

        @Override
        public void outOfOrderBeats(int n) {
            ignoredBeats += n;
        }

        @Override
        public void beatClockReanchored() {
            reanchors++;
        }
    };
    private int ignoredBeats;
    private int skippedSamples;
    private final List<Long> bradycardiaStartReceivedMs = new ArrayList<>();
    private int reanchors;
    private int restarts;

    private static Reading minute(Random random, long start, long received, boolean af) {
        return ArrivalDriver.minute(random, start, received, af);
    }

    private int alreadyAnalysed;

    private void feed(Reading r) {
        PatientDetector.Arrival a = ArrivalDriver.feed(d, s, P, r, held, out);
        if (a == PatientDetector.Arrival.DEAD_LETTER) {
            deadLettered++;
        } else if (a == PatientDetector.Arrival.ALREADY_ANALYSED) {
            alreadyAnalysed++;
        }
    }

    /** Fires the detector's timers up to {@code toMs}, as the watermark would. */
    private void timersUpTo(long toMs) {
        for (long t = d.nextTimerMs(s); t != Long.MIN_VALUE && t <= toMs; t = d.nextTimerMs(s)) {
            d.onTime(s, P, null, t, new ArrayList<>(held), out);
            if (!s.arrival.holding()) {
                held.clear();
            }
        }
    }

    private List<AlertChange> alerts(EpisodeType type) {
        Map<EpisodeType, EpisodeState> states = new EnumMap<>(EpisodeType.class);
        List<AlertChange> changes = new ArrayList<>();
        DetectorPath.lifecycle(transitions, ty -> states.computeIfAbsent(ty, x -> new EpisodeState()), rules,
                changes::add, null);
        // the end of the input: the alert stage's timer decides an AF alert held across a gap in the RR data (closed at
        // its last evidence when no AF was found again within 10 min of the data resuming; EpisodeLifecycle)
        EpisodeState af = states.get(EpisodeType.ATRIAL_FIBRILLATION);
        if (af != null && af.dataResumedMs != EpisodeState.NO_TIME) {
            changes.addAll(org.wardstream.episodes.EpisodeLifecycle.onTransition(af, Transition.tick(P,
                    EpisodeType.ATRIAL_FIBRILLATION, org.wardstream.episodes.EpisodeLifecycle.nextTimerMs(af,
                            rules.rule(EpisodeType.ATRIAL_FIBRILLATION)), "test"), rules));
        }
        return changes.stream().filter(c -> c.type() == type).toList();
    }

    /**
     * Feeds the readings in order of receipt (the timers firing as the watermark would, 5 min behind), then up to
     * minute 185; none may be dead-lettered and the analysis may not restart.
     */
    private void assertAllAnalysedInArrivalOrder(List<Reading> arrivals) {
        arrivals.sort(java.util.Comparator.comparingLong(Reading::receivedMs)); // stable: in order of arrival
        for (Reading r : arrivals) {
            timersUpTo(r.receivedMs() - 5 * MIN);
            feed(r);
        }
        timersUpTo(T0 + 185 * MIN);
        assertThat(deadLettered + alreadyAnalysed).isZero();
        assertThat(restarts).isZero();
    }

    /** Ten live sinus minutes from T0, each received 2 s after its end. */
    private void liveSinus(Random random) {
        for (int m = 0; m < 10; m++) {
            feed(minute(random, T0 + m * MIN, T0 + (m + 1) * MIN + 2_000, false));
        }
    }

    /** Minutes 10 to 169 as buffered on the device: AF from minute 40 to minute 99, sinus otherwise. */
    private List<Reading> backlog(Random random, long reconnect) {
        List<Reading> b = new ArrayList<>();
        for (int m = 10; m < 170; m++) {
            b.add(minute(random, T0 + m * MIN, reconnect, m >= 40 && m < 100));
        }
        return b;
    }

    private static Reading receivedAt(Reading r, long receivedMs) {
        Reading.RrBatch b = (Reading.RrBatch) r;
        return new Reading.RrBatch(b.timeMs(), receivedMs, 0, null, b.startMs(), b.rrMs(), b.quality());
    }

    private void assertOneAfAlertInsideTheBacklog() {
        List<AlertChange> af = alerts(EpisodeType.ATRIAL_FIBRILLATION);
        assertThat(af).extracting(AlertChange::kind).containsExactly(AlertChange.Kind.OPENED, AlertChange.Kind.CLOSED);
        AlertChange opened = af.get(0), closed = af.get(1);
        assertThat(closed.episodeId()).isEqualTo(opened.episodeId());
        assertThat(closed.episodeStartMs()).isEqualTo(opened.episodeStartMs());
        assertThat(opened.episodeStartMs()).isBetween(T0 + 39 * MIN, T0 + 42 * MIN);
        assertThat(closed.episodeEndMs()).isBetween(T0 + 99 * MIN, T0 + 102 * MIN);
        assertThat(closed.atMs()).isGreaterThanOrEqualTo(closed.episodeEndMs());
        assertThat(opened.atMs()).isBetween(opened.episodeStartMs(), closed.episodeEndMs());
        assertThat(deadLettered).isZero();
    }

    @Test
    void aShuffledBacklogAfterDeviceOfflineWithAfOnsetAndOffsetAndARepeatedBatchGivesOneConsistentAfAlert() {
        Random random = new Random(7);
        liveSinus(random);
        long reconnect = T0 + 4 * 60 * MIN;
        timersUpTo(reconnect - 1); // the device-offline alert fires before the backlog comes
        assertThat(alerts(EpisodeType.DEVICE_OFFLINE)).extracting(AlertChange::kind)
                .containsExactly(AlertChange.Kind.OPENED);
        List<Reading> backlog = backlog(random, reconnect);
        backlog.add(backlog.get(50)); // a batch sent twice (a retried upload: same beats)
        Collections.shuffle(backlog, random);
        long received = reconnect;
        for (Reading r : backlog) {
            received += 150;
            feed(receivedAt(r, received));
            if (random.nextInt(10) == 0) { // live data from the same patient, interleaved with the upload
                feed(new Reading.HeartRate(received - 1_000, received, 0, null, 72f));
            }
        }
        // live data after the upload ends the hold
        for (int i = 0; i < 10; i++) {
            feed(minute(random, received + i * MIN, received + (i + 1) * MIN + 2_000, false));
        }
        assertOneAfAlertInsideTheBacklog();
        assertThat(alerts(EpisodeType.DEVICE_OFFLINE)).extracting(AlertChange::kind)
                .containsExactly(AlertChange.Kind.OPENED, AlertChange.Kind.CLOSED);
    }

    /** The readings dead-lettered before the analysis restarts on an earlier clock (the restart's own is analysed). */
    private static final int BEFORE_RESTART = PatientDetector.ORDER.parameters().restartAfterReadings() - 1;

    /** Every AF alert opened was closed, with the same episode, an end after its start and known after its end. */
    private List<AlertChange> afAlertsEachClosed() {
        List<AlertChange> af = alerts(EpisodeType.ATRIAL_FIBRILLATION);
        List<AlertChange> opened = af.stream().filter(c -> c.kind() == AlertChange.Kind.OPENED).toList();
        List<AlertChange> closed = af.stream().filter(c -> c.kind() == AlertChange.Kind.CLOSED).toList();
        assertThat(closed).extracting(AlertChange::episodeId)
                .containsExactlyInAnyOrderElementsOf(opened.stream().map(AlertChange::episodeId).toList());
        for (AlertChange c : closed) {
            assertThat(c.episodeEndMs()).isGreaterThan(c.episodeStartMs());
            assertThat(c.atMs()).isGreaterThanOrEqualTo(c.episodeEndMs());
        }
        return opened;
    }

    @Test
    void aBacklogUploadedInTwoPartsNewerPartFirstAndMoreThanTheHoldApartStillRaisesTheAfInTheOlderPart() {
        // the phone uploads the newer part first, then the older part 6 minutes later (a retried request): the newer
        // part's hold has ended and been analysed by then, so the older part is behind the patient's newest analysed
        // reading; it is analysed on its own clock after a few readings (dead-lettered, counted)
        Random random = new Random(8);
        liveSinus(random);
        long reconnect = T0 + 4 * 60 * MIN;
        List<Reading> backlog = backlog(random, reconnect);
        List<Reading> older = backlog.subList(0, 80), newer = backlog.subList(80, backlog.size());
        long received = reconnect;
        for (Reading r : newer) {
            feed(receivedAt(r, received += 100));
        }
        received += 6 * MIN;
        for (Reading r : older) {
            feed(receivedAt(r, received += 100));
        }
        for (int i = 0; i < 10; i++) { // live data after the upload
            feed(minute(random, received + i * MIN, received + (i + 1) * MIN + 2_000, false));
        }
        List<AlertChange> opened = afAlertsEachClosed();
        // the AF of minutes 40-99: found in the older part (from its onset) and in the newer part (from minute 90)
        assertThat(opened).extracting(AlertChange::episodeStartMs)
                .anySatisfy(start -> assertThat(start).isBetween(T0 + 39 * MIN, T0 + 42 * MIN));
        assertThat(alerts(EpisodeType.ATRIAL_FIBRILLATION)).filteredOn(c -> c.kind() == AlertChange.Kind.CLOSED)
                .allSatisfy(c -> {
                    assertThat(c.episodeStartMs()).isBetween(T0 + 39 * MIN, T0 + 100 * MIN);
                    assertThat(c.episodeEndMs()).isBetween(T0 + 40 * MIN, T0 + 102 * MIN);
                });
        // the older part lies inside the gap of the analysed data (the newer part resumed after it): it fills the gap,
        // analysed from its first reading (probe 20a D1; before: minutes 10 to 13, sinus, dead-lettered)
        assertThat(deadLettered).isZero();
    }

    @Test
    void aDeviceClockSetBackAnHourWhileLiveStillRaisesTheAfThatFollows() {
        // the device's clock is corrected back by an hour (a time-zone mix-up) at minute 10, then AF from minute 15 to
        // 35: readings are received live, their device times an hour behind the ones before
        Random random = new Random(9);
        liveSinus(random);
        long skew = 60 * MIN;
        for (int m = 10; m < 50; m++) {
            long real = T0 + m * MIN;
            feed(receivedAt(minute(random, real - skew, 0, m >= 15 && m < 35), real + MIN + 2_000));
        }
        timersUpTo(T0 + 51 * MIN);
        List<AlertChange> opened = afAlertsEachClosed();
        assertThat(opened).extracting(AlertChange::episodeStartMs).singleElement()
                .satisfies(start -> assertThat(start).isBetween(T0 + 14 * MIN - skew, T0 + 17 * MIN - skew));
        assertThat(alerts(EpisodeType.ATRIAL_FIBRILLATION)).filteredOn(c -> c.kind() == AlertChange.Kind.CLOSED)
                .singleElement().satisfies(c -> assertThat(c.episodeEndMs())
                        .isBetween(T0 + 34 * MIN - skew, T0 + 37 * MIN - skew));
        assertThat(deadLettered).isEqualTo(BEFORE_RESTART); // minutes 10 to 13 on the new clock, sinus
        assertThat(restarts).isEqualTo(1);
    }

    @Test
    void aSecondDeviceOnAClockAnHourBehindNeverTakesTheAnalysisAwayFromTheCurrentClock() {
        // two devices report for the patient, one with its clock an hour behind: its readings are dead-lettered (the
        // analysis does not switch back and forth, closing and reopening episodes), the other's AF is alerted once
        Random random = new Random(10);
        liveSinus(random);
        long skew = 60 * MIN;
        int behind = 0;
        for (int m = 10; m < 50; m++) {
            long real = T0 + m * MIN;
            feed(minute(random, real, real + MIN + 2_000, m >= 15 && m < 35));
            feed(receivedAt(minute(random, real - skew, 0, false), real + MIN + 3_000));
            behind++;
        }
        List<AlertChange> opened = afAlertsEachClosed();
        assertThat(opened).extracting(AlertChange::episodeStartMs).singleElement()
                .satisfies(start -> assertThat(start).isBetween(T0 + 14 * MIN, T0 + 17 * MIN));
        assertThat(deadLettered).isEqualTo(behind);
        assertThat(restarts).isZero();
    }

    @Test
    void aFewStragglersFromHalfAnHourAgoDoNotCloseAndReopenTheOngoingAf() {
        Random random = new Random(11);
        liveSinus(random);
        List<Reading> earlier = new ArrayList<>();
        for (int m = 10; m < 60; m++) {
            long t = T0 + m * MIN;
            Reading live = minute(random, t, t + MIN + 2_000, m >= 15);
            feed(live);
            if (m >= 20 && m < 23) {
                earlier.add(live);
            }
            if (m == 52) { // a retried request re-sends three readings of minutes 20-22 as new ones
                for (Reading r : earlier) {
                    feed(receivedAt(r, t + MIN + 2_500));
                }
            }
        }
        // all three dead-lettered: the first out of order, the other two, with it an upload of minutes already
        // analysed, as already analysed
        assertThat(deadLettered).isEqualTo(1);
        assertThat(alreadyAnalysed).isEqualTo(2);
        assertThat(restarts).isZero();
        assertThat(alerts(EpisodeType.ATRIAL_FIBRILLATION)).extracting(AlertChange::kind)
                .containsExactly(AlertChange.Kind.OPENED);
    }

    @Test
    void aDeviceClockSetBackDuringAfClosesTheAlertSayingWhyAndTheAfThatGoesOnOpensANewOne() {
        Random random = new Random(12);
        for (int m = 0; m < 10; m++) { // live, AF from minute 2
            feed(minute(random, T0 + m * MIN, T0 + (m + 1) * MIN + 2_000, m >= 2));
        }
        long skew = 60 * MIN;
        for (int m = 10; m < 40; m++) { // the clock goes back an hour at minute 10; AF goes on to minute 30
            long real = T0 + m * MIN;
            feed(receivedAt(minute(random, real - skew, 0, m < 30), real + MIN + 2_000));
        }
        timersUpTo(T0 + 41 * MIN);
        List<AlertChange> af = alerts(EpisodeType.ATRIAL_FIBRILLATION);
        assertThat(af).extracting(AlertChange::kind).containsExactly(AlertChange.Kind.OPENED, AlertChange.Kind.CLOSED,
                AlertChange.Kind.OPENED, AlertChange.Kind.CLOSED);
        AlertChange first = af.get(1), second = af.get(3);
        assertThat(first.reason()).isEqualTo(AlertChange.CLOCK_RESTART);
        assertThat(first.episodeStartMs()).isBetween(T0 + MIN, T0 + 4 * MIN);
        assertThat(first.episodeEndMs()).isBetween(T0 + 9 * MIN, T0 + 10 * MIN + 2_000); // its last clean beat (the minute's beats end just after it)
        assertThat(second.reason()).isNull(); // the AF ended on the new clock
        assertThat(second.episodeStartMs()).isBetween(T0 + 14 * MIN - skew, T0 + 15 * MIN - skew);
        assertThat(second.episodeEndMs()).isBetween(T0 + 29 * MIN - skew, T0 + 32 * MIN - skew);
        assertThat(second.episodeId()).isNotEqualTo(first.episodeId());
        assertThat(deadLettered).isEqualTo(BEFORE_RESTART);
    }

    /**
     * Minutes 0 to {@code minutes} received live, AF from {@code afFrom} to {@code afTo}; the request carrying
     * minutes 20-29 failed and is retried at minute 50 (within a second), while the live readings went on. Timers run
     * to the end. Returns how many readings were retried.
     */
    private int liveWithRetriedRequest(Random random, int minutes, int afFrom, int afTo) {
        List<Reading> failed = new ArrayList<>();
        for (int m = 0; m < minutes; m++) {
            long t = T0 + m * MIN;
            Reading r = minute(random, t, t + MIN + 2_000, m >= afFrom && m < afTo);
            if (m >= 20 && m < 30) {
                failed.add(r);
            } else {
                feed(r);
            }
            if (m == 50) {
                long received = t + MIN + 3_000;
                for (Reading f : failed) {
                    feed(receivedAt(f, received += 50));
                }
            }
        }
        timersUpTo(T0 + (minutes + 1) * MIN);
        return failed.size();
    }

    @Test
    void aRetriedRequestOfTenMinutesReceivedTwentyMinutesLateWhileLiveDataGoOnIsAnalysedAndItsAfAlerted() {
        // live sinus; the request carrying minutes 20-29 (AF) failed and is retried at minute 50, while the live
        // readings of minutes 30-60 were delivered: the retried readings are analysed, not lost
        liveWithRetriedRequest(new Random(13), 60, 20, 30);
        List<AlertChange> opened = afAlertsEachClosed();
        assertThat(opened).singleElement().satisfies(a -> assertThat(a.episodeStartMs())
                .isBetween(T0 + 19 * MIN, T0 + 26 * MIN)); // from the first readings analysed after the restart
        // minutes 20-29 are a gap in the analysed data (19 to 30): the retry fills it, analysed from its first reading
        // (probe 20a D1; before: minutes 20 to 23 dead-lettered)
        assertThat(deadLettered).isZero();
    }

    /**
     * Adversarial probe 16a, D1: the phone app re-sends (new event ids: ingest's de-duplication cannot see it; or the
     * same ids beyond its horizon) minutes 6-44, analysed long ago, at minute 60 while live data go on. AF of minutes
     * 10-29 was alerted and closed. The re-sent readings lie wholly inside the data already analysed: a repeat, not an
     * earlier clock. Restarting there re-detected the AF with its onset back-dated to the restart (10:00, before the
     * alerted onset 10:07.7), which the lifecycle took for data of an earlier clock: a second AF alert (2 OPENED, 2
     * episode ids) raised about 40 min after the AF ended.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {1, 2, 3})
    void aReSentUploadOfReadingsAlreadyAnalysedDoesNotAlertTheirClosedAfAgain(int seed) {
        {
            Random random = new Random(seed);
            List<Reading> live = new ArrayList<>();
            for (int m = 0; m < 60; m++) {
                Reading r = minute(random, T0 + m * MIN, T0 + (m + 1) * MIN + 2_000, m >= 10 && m < 30);
                live.add(r);
                feed(r);
            }
            long resent = T0 + 60 * MIN + 5_000;
            for (int m = 6; m < 45; m++) {
                feed(receivedAt(live.get(m), resent + 50L * m));
            }
            for (int m = 60; m < 75; m++) {
                feed(minute(random, T0 + m * MIN, T0 + (m + 1) * MIN + 2_000, false));
            }
            timersUpTo(T0 + 76 * MIN);
            List<AlertChange> af = afAlertsEachClosed();
            assertThat(af).as("seed %d: one AF alert for the one episode", seed).hasSize(1);
            assertThat(af.get(0).episodeStartMs()).isBetween(T0 + 10 * MIN, T0 + 11 * MIN);
            assertThat(restarts).as("a repeat is no earlier clock").isZero();
            // every re-sent reading dead-lettered: the first as out of order (one reading is no upload yet), the
            // rest as already analysed
            assertThat(deadLettered).isEqualTo(1);
            assertThat(alreadyAnalysed).isEqualTo(38);
        }
    }

    /**
     * One device, live to minute 30, offline (buffering) minutes 30-149, AF {@code afFrom}-99 and a 4.5-s pause at
     * minute 120; it reconnects at 150:09, says so ("reconnected, 120 buffered") and, {@code uploadAfterMs} later,
     * uploads its buffer oldest first, one minute of data every {@code uploadEveryMs}; live again from minute 175.
     */
    private void reconnectAnnouncedThenUpload(int afFrom, long uploadAfterMs, long uploadEveryMs) {
        Random random = new Random(3);
        long reconnect = T0 + 150 * MIN + 9_000;
        List<Reading> arrivals = new ArrayList<>();
        arrivals.add(new Reading.Status(reconnect, reconnect, 0, null, true, 120));
        long upload = reconnect + uploadAfterMs;
        for (int m = 0; m < 190; m++) {
            long t = T0 + m * MIN;
            Reading.RrBatch b = (Reading.RrBatch) minute(random, t, t + MIN + 2_000, m >= afFrom && m < 100);
            int[] rr = b.rrMs();
            if (m == 120) {
                rr = rr.clone();
                rr[rr.length / 2] = 4_500;
            }
            if (m >= 30 && m < 150) {
                arrivals.add(new Reading.RrBatch(b.timeMs(), upload + uploadEveryMs * (m - 30), 0, null, b.startMs(),
                        rr, b.quality()));
            } else if (m < 30 || m >= 175) {
                arrivals.add(b);
            }
        }
        arrivals.sort(java.util.Comparator.comparingLong(Reading::receivedMs));
        for (Reading r : arrivals) {
            timersUpTo(r.receivedMs() - 5 * MIN); // the watermark follows the other patients' live data
            feed(r);
        }
        timersUpTo(T0 + 200 * MIN);
    }

    /** Nothing of the backlog dead-lettered: one AF alert ending at about minute 100, the pause alerted. */
    private void assertTheAnnouncedBacklogIsAnalysedWhole() {
        assertThat(deadLettered + alreadyAnalysed).as("backlog readings dead-lettered").isZero();
        assertThat(restarts).isZero();
        List<AlertChange> af = afAlertsEachClosed();
        assertThat(af).hasSize(1);
        assertThat(alerts(EpisodeType.ATRIAL_FIBRILLATION)).filteredOn(c -> c.kind() == AlertChange.Kind.CLOSED)
                .singleElement().satisfies(c -> assertThat(c.episodeEndMs()).isBetween(T0 + 99 * MIN, T0 + 102 * MIN));
        assertThat(alerts(EpisodeType.PAUSE)).extracting(AlertChange::kind).contains(AlertChange.Kind.OPENED);
    }

    /**
     * Adversarial probe 16a, D3: "reconnected, n buffered" is held with the first part of a backlog uploaded over
     * more than the hold (5 min; here a minute of data every 5 s) and analysed last of it (its device time is the
     * reconnection). It counted as the newest analysed reading, so the rest of the backlog (minutes 90-149) was more
     * than 10 min older and, inside the AF still open, dead-lettered out-of-order: 50 minutes lost, the AF "ended"
     * at minute 90 (the data gap), the pause at minute 120 never alerted.
     */
    @Test
    void anAnnouncedBacklogUploadedOverMoreThanTheHoldIsAnalysedWhole() {
        reconnectAnnouncedThenUpload(60, 1_000, 5_000);
        assertTheAnnouncedBacklogIsAnalysedWhole();
    }

    /**
     * The same when the status is released alone (the upload starts 12 min after it, beyond the hold's release
     * timer) and AF was going on as the device lost its connection: the whole backlog was too old and, AF being open,
     * dead-lettered.
     */
    @Test
    void anAnnouncedBacklogUploadedLongAfterItsAnnouncementIsAnalysedWhole() {
        reconnectAnnouncedThenUpload(20, 12 * MIN, 1_000);
        assertTheAnnouncedBacklogIsAnalysedWhole();
    }

    /**
     * Adversarial probe 16a, D4: two devices on the same clock. A watch sends heart rate live every 15 s throughout;
     * the RR strap is out of range of the phone for minutes 30-149 (AF 60-99 in its buffer), then uploads the buffer
     * oldest first, one minute every 5 s (no "reconnected" message) while the watch's readings keep arriving. The
     * watch held the patient's newest analysed reading at "now", so every buffered minute was more than 10 min older:
     * the watch's live readings among them kept the "earlier clock" from restarting, and 119 of the 120 minutes were
     * dead-lettered, the AF never alerted. An RR batch is now judged against the RR analysed so far.
     */
    @Test
    void oneDevicesBacklogIsAnalysedWhileTheOtherDeviceStreamsLive() {
        Random random = new Random(5);
        long upload = T0 + 150 * MIN + 10_000;
        List<Reading> arrivals = new ArrayList<>();
        for (int m = 0; m < 180; m++) {
            long t = T0 + m * MIN;
            Reading.RrBatch b = (Reading.RrBatch) minute(random, t, t + MIN + 2_000, m >= 60 && m < 100);
            if (m >= 30 && m < 150) {
                arrivals.add(new Reading.RrBatch(b.timeMs(), upload + 5_000L * (m - 30), 0, null, b.startMs(),
                        b.rrMs(), b.quality(), "strap"));
            } else if (m < 30 || m >= 161) {
                arrivals.add(new Reading.RrBatch(b.timeMs(), b.receivedMs(), 0, null, b.startMs(), b.rrMs(),
                        b.quality(), "strap"));
            }
            for (long h = t; h < t + MIN; h += 15_000) {
                arrivals.add(new Reading.HeartRate(h, h + 2_000, 0, null, 72f, "watch"));
            }
        }
        assertAllAnalysedInArrivalOrder(arrivals);
        List<AlertChange> af = afAlertsEachClosed();
        assertThat(af).singleElement().satisfies(a -> assertThat(a.episodeStartMs())
                .isBetween(T0 + 59 * MIN, T0 + 62 * MIN));
        assertThat(alerts(EpisodeType.ATRIAL_FIBRILLATION)).filteredOn(c -> c.kind() == AlertChange.Kind.CLOSED)
                .singleElement().satisfies(c -> assertThat(c.episodeEndMs()).isBetween(T0 + 99 * MIN, T0 + 102 * MIN));
    }

    /**
     * The reverse of D4: the chest strap streams RR live throughout; the watch is out of range of the phone for
     * minutes 30-149 (heart rate 35/min, a severe bradycardia, in minutes 60-79 of its buffer) and uploads its buffered
     * samples oldest first, a minute's four every 5 s, while the strap's batches keep arriving. Judged against the
     * patient's newest analysed reading (the strap's live RR), every buffered sample was more than the 10-min reorder
     * bound older, and the strap's live batches kept the "earlier clock" from restarting: dead-lettered
     * out-of-order, the bradycardia never alerted. A heart-rate sample is now judged against the heart-rate samples
     * the devices sent so far (the watch's own: its backlog is in order for it). Since probe 18a (D3) the strap's beats
     * give the heart-rate detector a rate a minute while the watch sends none (one source at a time): the strap shows
     * the same bradycardia live, and it is alerted then; the watch's buffered samples, arriving after the strap's rate
     * was read for their minutes, are analysed (never dead-lettered) and left out of the rate (one source at a time).
     */
    @Test
    void oneWatchsHeartRateBacklogIsAnalysedWhileTheStrapStreamsRrLive() {
        Random random = new Random(6);
        long upload = T0 + 150 * MIN + 10_000;
        List<Reading> arrivals = new ArrayList<>();
        for (int m = 0; m < 180; m++) {
            long t = T0 + m * MIN;
            Reading.RrBatch b = m >= 60 && m < 80 ? slowMinute(random, t, t + MIN + 2_000)
                    : (Reading.RrBatch) minute(random, t, t + MIN + 2_000, false);
            arrivals.add(new Reading.RrBatch(b.timeMs(), b.receivedMs(), 0, null, b.startMs(), b.rrMs(), b.quality(),
                    "strap"));
            float bpm = m >= 60 && m < 80 ? 35f : 72f;
            for (long h = t; h < t + MIN; h += 15_000) {
                if (m >= 30 && m < 150) {
                    arrivals.add(new Reading.HeartRate(h, upload + 5_000L * (m - 30), 0, null, bpm, "watch"));
                } else if (m < 30 || m >= 161) { // live again once its buffer is uploaded
                    arrivals.add(new Reading.HeartRate(h, h + 2_000, 0, null, bpm, "watch"));
                }
            }
        }
        assertAllAnalysedInArrivalOrder(arrivals);
        List<AlertChange> brady = alerts(EpisodeType.BRADYCARDIA);
        // the strap's rate a minute is dated at each clock minute's end: the episode starts up to 3 minutes after the
        // first slow beat (a watch's samples: up to 2)
        assertThat(brady).filteredOn(c -> c.kind() == AlertChange.Kind.OPENED).singleElement()
                .satisfies(a -> assertThat(a.episodeStartMs()).isBetween(T0 + 59 * MIN, T0 + 63 * MIN));
        assertThat(brady).filteredOn(c -> c.kind() == AlertChange.Kind.CLOSED).singleElement()
                .satisfies(c -> assertThat(c.episodeEndMs()).isBetween(T0 + 79 * MIN, T0 + 83 * MIN));
        // found live, from the strap's beats, long before the watch's buffer came at minute 150; the buffered samples
        // of the minutes the strap's rate covered were analysed and left out of the rate
        assertThat(bradycardiaStartReceivedMs).singleElement().satisfies(r -> assertThat(r).isLessThan(T0 + 70 * MIN));
        assertThat(skippedSamples).isPositive();
    }

    /** A minute of regular beats at 35/min (1,714 +- 10 ms) from {@code start}, from the strap, received then. */
    private static Reading.RrBatch slowMinute(Random random, long start, long received) {
        List<Integer> rr = new ArrayList<>();
        long t = 0;
        while (t < MIN) {
            int v = 1_704 + random.nextInt(21);
            rr.add(v);
            t += v;
        }
        int[] ms = rr.stream().mapToInt(Integer::intValue).toArray();
        return new Reading.RrBatch(start, received, 0, null, start, ms, new byte[ms.length], "strap");
    }

    /**
     * Adversarial probe 16a, D7: a backlog of minutes 0-174 uploaded at minute 180 (AF in minutes 30-79); in ONE batch
     * (minute 20) the device encoded a GAP ("could not read") interval as 90 min. The RR analyser's beat clock went 90
     * min ahead, and every beat of the next 90 minutes of good batches was "out of order": skipped and only counted,
     * the AF never alerted, nothing dead-lettered. The next batch, later by its own start than the glitched one, now
     * re-anchors the clock (ingest refuses such a batch too: it spans more than an hour, EventValidator).
     */
    @Test
    void oneGlitchedGapIntervalInABacklogDoesNotHideTheBeatsAfterIt() {
        Random random = new Random(9);
        long upload = T0 + 180 * MIN;
        int expectedIgnored = 0; // each minute's last beat may lie just past the next minute's start
        long lastBeat = Long.MIN_VALUE;
        for (int m = 0; m < 175; m++) {
            Reading.RrBatch b = (Reading.RrBatch) minute(random, T0 + m * MIN, upload + 10L * m, m >= 30 && m < 80);
            long beat = b.startMs();
            for (int v : b.rrMs()) {
                beat += v;
                if (beat <= lastBeat) expectedIgnored++;
            }
            lastBeat = beat;
            if (m == 20) {
                int[] rr = b.rrMs().clone();
                byte[] q = b.quality().clone();
                rr[rr.length / 2] = 90 * 60_000; // a GAP claimed to last 90 min
                q[rr.length / 2] = (byte) org.wardstream.rhythm.BeatQuality.GAP.ordinal();
                b = new Reading.RrBatch(b.timeMs(), b.receivedMs(), 0, null, b.startMs(), rr, q);
            }
            feed(b);
        }
        timersUpTo(upload + 30 * MIN);
        assertThat(alerts(EpisodeType.ATRIAL_FIBRILLATION)).filteredOn(c -> c.kind() == AlertChange.Kind.OPENED)
                .singleElement().satisfies(a -> assertThat(a.episodeStartMs()).isBetween(T0 + 29 * MIN, T0 + 32 * MIN));
        assertThat(ignoredBeats).as("no beat ignored but those before the previous minute's last").isEqualTo(expectedIgnored);
        assertThat(deadLettered).isZero();
        assertThat(reanchors).as("the clock re-anchored at minute 21").isEqualTo(1);
    }

    @Test
    void aRetriedRequestInsideAnOngoingAfKeepsItsAlertOpenUntilTheAfEnds() {
        // AF from minute 5 to minute 110, received live; the request carrying minutes 20-29 failed and is retried at
        // minute 50: those minutes lie inside the AF alert already open, so the analysis must not restart (which
        // closed that alert at minute 50 and held the AF going on back for the 1-h cool-down: no open AF alert from
        // minute 51 to 110)
        int retried = liveWithRetriedRequest(new Random(14), 120, 5, 110);
        List<AlertChange> af = alerts(EpisodeType.ATRIAL_FIBRILLATION);
        assertThat(af).extracting(AlertChange::kind).containsExactly(AlertChange.Kind.OPENED, AlertChange.Kind.CLOSED);
        AlertChange closed = af.get(1);
        assertThat(closed.reason()).isNull();
        assertThat(closed.episodeStartMs()).isBetween(T0 + 4 * MIN, T0 + 7 * MIN);
        assertThat(closed.episodeEndMs()).isBetween(T0 + 109 * MIN, T0 + 112 * MIN);
        assertThat(restarts).isZero();
        assertThat(deadLettered).isEqualTo(retried); // analysed by no one: the open alert covers their time
    }

    @Test
    void aClockSetBackDuringAfStillRestartsWhenItsReadingsComeOneAtATime() {
        // the same open AF, but the earlier readings come live on a clock set back 30 min (inside the episode, not
        // an upload): the analysis restarts there, as for a clock set back an hour
        Random random = new Random(15);
        for (int m = 0; m < 40; m++) {
            feed(minute(random, T0 + m * MIN, T0 + (m + 1) * MIN + 2_000, m >= 5));
        }
        long skew = 30 * MIN;
        for (int m = 40; m < 70; m++) {
            long real = T0 + m * MIN;
            feed(receivedAt(minute(random, real - skew, 0, m < 60), real + MIN + 2_000));
        }
        timersUpTo(T0 + 71 * MIN);
        assertThat(restarts).isEqualTo(1);
        assertThat(deadLettered).isEqualTo(BEFORE_RESTART);
        assertThat(alerts(EpisodeType.ATRIAL_FIBRILLATION)).filteredOn(c -> c.kind() == AlertChange.Kind.CLOSED)
                .first().satisfies(c -> assertThat(c.reason()).isEqualTo(AlertChange.CLOCK_RESTART));
    }

    @Test
    void afGoingOnAfterAClockSetBackAnHourDuringItIsAlertedAgainNotHeldBackByTheCoolDown() {
        // AF from minute 30 to 240, received live; at minute 120 the device clock steps back an hour (a time-zone
        // change applied twice): the restart closes the first alert at its last clean beat, and the AF found on the
        // new clock starts (device time) inside that closed alert, so it is no recurrence and alerts again
        Random random = new Random(16);
        long skew = 60 * MIN;
        for (int m = 0; m < 250; m++) {
            long real = T0 + m * MIN;
            long device = m < 120 ? real : real - skew;
            feed(receivedAt(minute(random, device, 0, m >= 30 && m < 240), real + MIN + 2_000));
        }
        timersUpTo(T0 + 251 * MIN);
        List<AlertChange> af = alerts(EpisodeType.ATRIAL_FIBRILLATION);
        assertThat(af).extracting(AlertChange::kind).containsExactly(AlertChange.Kind.OPENED, AlertChange.Kind.CLOSED,
                AlertChange.Kind.OPENED, AlertChange.Kind.CLOSED);
        assertThat(af.get(1).reason()).isEqualTo(AlertChange.CLOCK_RESTART);
        assertThat(af.get(2).episodeStartMs()).isBetween(T0 + 124 * MIN - skew, T0 + 127 * MIN - skew);
        assertThat(af.get(2).suppressedRecurrences()).isZero();
        assertThat(af.get(3).episodeEndMs()).isBetween(T0 + 239 * MIN - skew, T0 + 242 * MIN - skew);
        assertThat(restarts).isEqualTo(1);
    }

    @Test
    void aTachogramSyncedEveryFifteenMinutesBesideLiveHeartRateIsAnalysedAsLiveData() {
        // a chest strap uploads its RR recording every 15 min, as each window closes; a watch streams heart rate every
        // 5 s; AF from minute 40 to 100. Judged by their first beat, the batches were 15 min older than the live heart
        // rate, beyond the 10-min reorder bound: every batch was dead-lettered and the AF never alerted
        Random random = new Random(17);
        for (int w = 0; w < 10; w++) {
            long start = T0 + w * 15 * MIN;
            List<Integer> rr = new ArrayList<>();
            for (int m = 0; m < 15; m++) {
                int minute = w * 15 + m;
                for (int v : ((Reading.RrBatch) minute(random, 0, 0, minute >= 40 && minute < 100)).rrMs()) {
                    rr.add(v);
                }
            }
            int[] ms = rr.stream().mapToInt(Integer::intValue).toArray();
            long last = start;
            for (int v : ms) {
                last += v;
            }
            for (long t = start; t < last; t += 5_000) { // the watch's live samples of this window
                feed(new Reading.HeartRate(t, t + 1_000, 0, null, 75f));
            }
            Reading.RrBatch batch = new Reading.RrBatch(start, last + 5_000, 0, null, start, ms, new byte[ms.length]);
            assertThat(batch.newestMs()).isEqualTo(last);
            feed(batch);
        }
        timersUpTo(T0 + 151 * MIN);
        assertThat(deadLettered).isZero();
        List<AlertChange> opened = afAlertsEachClosed();
        assertThat(opened).singleElement().satisfies(a -> assertThat(a.episodeStartMs())
                .isBetween(T0 + 39 * MIN, T0 + 42 * MIN));
        assertThat(opened.get(0).atMs()).isLessThan(T0 + 46 * MIN); // found when the window 30-45 arrived
    }
}
