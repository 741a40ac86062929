package org.wardstream.signals;

import org.junit.jupiter.api.Test;
import org.wardstream.rules.Rules;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.wardstream.signals.ActivityState.ACTIVE;
import static org.wardstream.signals.ActivityState.WORN_STILL;
import static org.wardstream.signals.HeartRateEvent.Kind.BRADYCARDIA_END;
import static org.wardstream.signals.HeartRateEvent.Kind.BRADYCARDIA_SEVERE;
import static org.wardstream.signals.HeartRateEvent.Kind.BRADYCARDIA_START;
import static org.wardstream.signals.HeartRateEvent.Kind.TACHYCARDIA_END;
import static org.wardstream.signals.HeartRateEvent.Kind.TACHYCARDIA_START;

class HeartRateThresholdsTest {

    static final ZoneId LONDON = ZoneId.of("Europe/London");
    static final Rules RULES = Rules.loadClasspath();
    static final HeartRateThresholds HR = new HeartRateThresholds(HeartRateParameters.from(RULES.defaults(), LONDON));
    /** 2026-06-10 14:00 local (awake). */
    static final long DAY = ZonedDateTime.of(2026, 6, 10, 14, 0, 0, 0, LONDON).toInstant().toEpochMilli();
    /** 2026-06-10 02:00 local (asleep). */
    static final long NIGHT = ZonedDateTime.of(2026, 6, 10, 2, 0, 0, 0, LONDON).toInstant().toEpochMilli();
    static final long MIN = 60_000;

    static final class Feed {
        final HeartRateState state;
        final List<HeartRateEvent> events = new ArrayList<>();
        long t;

        Feed(long t0) {
            this(t0, new HeartRateState());
        }

        Feed(long t0, HeartRateState state) {
            t = t0;
            this.state = state;
        }

        /**
         * One sample per minute for {@code minutes} minutes (the first at the current time); ACTIVE is walking (100
         * steps a minute: ACTIVE with no cadence is movement not known).
         */
        Feed minutes(int minutes, double bpm, ActivityState activity) {
            for (int i = 0; i < minutes; i++) {
                events.addAll(HR.onSample(state, t, bpm, activity, activity == ACTIVE ? 100 : Double.NaN));
                t += MIN;
            }
            return this;
        }

        List<HeartRateEvent.Kind> kinds() {
            return events.stream().map(HeartRateEvent::kind).toList();
        }
    }

    @Test
    void tachycardiaNeedsRateAboveThresholdForTheFullDurationAtRest() {
        // one sample a minute: each minute is its sample. 10 samples span 9 minutes: just short, whatever follows
        assertThat(new Feed(DAY).minutes(10, 130, WORN_STILL).minutes(5, 80, WORN_STILL).events).isEmpty();
        // 11 samples span 10 minutes: long enough, decided when the next sample (any rate) completes the 11th minute
        // (one sample later than the former sample-by-sample rule, which decided at the 11th sample), start back-dated
        // to the first sample
        assertThat(new Feed(DAY).minutes(11, 130, WORN_STILL).events).isEmpty();
        Feed f = new Feed(DAY).minutes(11, 130, WORN_STILL).minutes(1, 80, WORN_STILL);
        assertThat(f.kinds()).containsExactly(TACHYCARDIA_START);
        assertThat(f.events.get(0).episodeStartMs()).isEqualTo(DAY);
        assertThat(f.events.get(0).atMs()).isEqualTo(DAY + 11 * MIN);
        // exactly at the threshold is not above it
        assertThat(new Feed(DAY).minutes(30, 120, WORN_STILL).events).isEmpty();
        assertThat(new Feed(DAY).minutes(12, 121, WORN_STILL).kinds()).containsExactly(TACHYCARDIA_START);
        // one sample below the threshold restarts the run
        Feed broken = new Feed(DAY).minutes(6, 130, WORN_STILL).minutes(1, 115, WORN_STILL).minutes(6, 130, WORN_STILL);
        assertThat(broken.events).isEmpty();
    }

    @Test
    void anOpenTachycardiaIsAnnouncedAgainFromATimeOnlyWhileItsSamplesShowItGoingOnThen() {
        assertThat(HR.reannounceTachycardia(new HeartRateState(), DAY)).isNull(); // none open
        Feed f = new Feed(DAY).minutes(21, 130, WORN_STILL); // open from DAY (at DAY + 11 min), last sample at DAY + 20 min
        HeartRateEvent again = HR.reannounceTachycardia(f.state, DAY + 15 * MIN);
        assertThat(again.kind()).isEqualTo(TACHYCARDIA_START);
        assertThat(again.episodeStartMs()).isEqualTo(DAY + 15 * MIN);
        assertThat(again.atMs()).isEqualTo(DAY + 20 * MIN);
        assertThat(again.samples()).isEqualTo(21);
        assertThat(again.meanBpm()).isEqualTo(130.0);
        // from before the episode: its own start; no sample at or after the time yet: nothing
        assertThat(HR.reannounceTachycardia(f.state, DAY - MIN).episodeStartMs()).isEqualTo(DAY);
        assertThat(HR.reannounceTachycardia(f.state, DAY + 21 * MIN)).isNull();
        // a recovery beginning (the minute in progress below 110): the rate is falling back, nothing; the state is unchanged
        f.minutes(1, 100, WORN_STILL);
        assertThat(HR.reannounceTachycardia(f.state, DAY + 15 * MIN)).isNull();
        // and once its minute is complete (a recovery running)
        f.minutes(1, 100, WORN_STILL);
        assertThat(HR.reannounceTachycardia(f.state, DAY + 15 * MIN)).isNull();
        assertThat(f.minutes(2, 100, WORN_STILL).kinds()).containsExactly(TACHYCARDIA_START, TACHYCARDIA_END);
        assertThat(f.events.get(1).episodeStartMs()).isEqualTo(DAY);
    }

    @Test
    void tachycardiaWhileActiveIsExertionNotAnEpisode() {
        assertThat(new Feed(DAY).minutes(30, 140, ACTIVE).events).isEmpty();
        assertThat(new Feed(DAY).minutes(30, 140, ActivityState.NOT_WORN).events).isEmpty();
        // walking then resting: the run starts when rest starts
        Feed f = new Feed(DAY).minutes(20, 140, ACTIVE).minutes(12, 130, WORN_STILL);
        assertThat(f.kinds()).containsExactly(TACHYCARDIA_START);
        assertThat(f.events.get(0).episodeStartMs()).isEqualTo(DAY + 20 * MIN);
    }

    @Test
    void tachycardiaEndsWithHysteresisAndCarriesEvidence() {
        Feed f = new Feed(DAY).minutes(11, 130, WORN_STILL).minutes(5, 150, ACTIVE);
        // 115 is below 120 but not below 120 - 10: still open
        f.minutes(10, 115, WORN_STILL);
        assertThat(f.kinds()).containsExactly(TACHYCARDIA_START);
        // below 110: recovery run of 2 minutes (3 samples, 2 minutes apart) closes it, when the next sample completes
        // its last minute
        long recoveryStart = f.t;
        f.minutes(3, 100, WORN_STILL);
        assertThat(f.kinds()).containsExactly(TACHYCARDIA_START);
        f.minutes(1, 100, WORN_STILL);
        assertThat(f.kinds()).containsExactly(TACHYCARDIA_START, TACHYCARDIA_END);
        HeartRateEvent end = f.events.get(1);
        assertThat(end.atMs()).isEqualTo(recoveryStart);
        assertThat(end.reason()).isEqualTo(HeartRateEvent.RECOVERED);
        // evidence from the episode only: not the recovery samples, which come after its end
        assertThat(end.maxBpm()).isEqualTo(150);
        assertThat(end.minBpm()).isEqualTo(115);
        assertThat(end.samples()).isEqualTo(11 + 5 + 10);
        assertThat(end.meanBpm()).isCloseTo((11 * 130 + 5 * 150 + 10 * 115) / 26.0, org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void aDataGapBreaksTheRunAndClosesAnOpenEpisodeAtTheLastSample() {
        Feed f = new Feed(DAY).minutes(6, 130, WORN_STILL);
        f.t += 10 * MIN;
        f.minutes(6, 130, WORN_STILL);
        assertThat(f.events).isEmpty();
        Feed open = new Feed(DAY).minutes(12, 130, WORN_STILL);
        long last = open.t - MIN;
        open.t += 10 * MIN;
        open.minutes(1, 130, WORN_STILL);
        assertThat(open.kinds()).containsExactly(TACHYCARDIA_START, TACHYCARDIA_END);
        assertThat(open.events.get(1).atMs()).isEqualTo(last);
        assertThat(open.events.get(1).reason()).isEqualTo(HeartRateEvent.DATA_GAP);
    }

    @Test
    void aRestartOnAnEarlierClockClosesAnOpenEpisodeAtTheLastSampleAndEarlierSamplesCountAgain() {
        Feed f = new Feed(DAY).minutes(12, 130, WORN_STILL);
        long last = f.t - MIN;
        HR.restart(f.state, f.events::add);
        assertThat(f.kinds()).containsExactly(TACHYCARDIA_START, TACHYCARDIA_END);
        assertThat(f.events.get(1).atMs()).isEqualTo(last);
        f.events.clear();
        f.t = DAY - 60 * MIN; // the clock went back an hour: a new tachycardia on it is found
        f.minutes(12, 130, WORN_STILL);
        assertThat(f.kinds()).containsExactly(TACHYCARDIA_START);
        assertThat(f.events.get(0).episodeStartMs()).isEqualTo(DAY - 60 * MIN);
        Feed fresh = new Feed(DAY);
        HR.restart(fresh.state, fresh.events::add); // nothing seen yet: nothing to close
        assertThat(fresh.events).isEmpty();
    }

    @Test
    void severeBradycardiaAfterOneMinuteAtAnyTime() {
        // two minutes below 40 (samples a minute apart), decided when the next sample completes the second
        Feed f = new Feed(NIGHT).minutes(2, 38, WORN_STILL);
        assertThat(f.events).isEmpty();
        f.minutes(1, 38, WORN_STILL);
        assertThat(f.kinds()).containsExactly(BRADYCARDIA_START);
        assertThat(f.events.get(0).atMs()).isEqualTo(NIGHT + 2 * MIN);
        assertThat(f.events.get(0).severe()).isTrue();
        assertThat(new Feed(NIGHT).minutes(5, 40, WORN_STILL).events).as("40 is not below 40").isEmpty();
    }

    @Test
    void sustainedBradycardiaOnlyWhileAwake() {
        // 45 bpm all night: no episode (asleep, not below 40)
        assertThat(new Feed(NIGHT).minutes(120, 45, WORN_STILL).events).isEmpty();
        // ...but walking at night counts as awake
        assertThat(new Feed(NIGHT).minutes(12, 45, ACTIVE).kinds()).containsExactly(BRADYCARDIA_START);
        // awake: 10 minutes below 50 (11 samples, then the one completing the last minute) opens, 9 minutes does not
        assertThat(new Feed(DAY).minutes(10, 48, WORN_STILL).minutes(1, 60, WORN_STILL).events).isEmpty();
        Feed f = new Feed(DAY).minutes(12, 48, WORN_STILL);
        assertThat(f.kinds()).containsExactly(BRADYCARDIA_START);
        assertThat(f.events.get(0).severe()).isFalse();
        // then the severe criterion: escalation event once
        f.minutes(5, 35, WORN_STILL);
        assertThat(f.kinds()).containsExactly(BRADYCARDIA_START, BRADYCARDIA_SEVERE);
        // recovery needs >= 50 + 5 for 2 minutes; 52 is not enough
        f.minutes(10, 52, WORN_STILL);
        assertThat(f.kinds()).containsExactly(BRADYCARDIA_START, BRADYCARDIA_SEVERE);
        f.minutes(3, 60, WORN_STILL);
        assertThat(f.kinds()).containsExactly(BRADYCARDIA_START, BRADYCARDIA_SEVERE);
        f.minutes(1, 60, WORN_STILL);
        assertThat(f.kinds()).containsExactly(BRADYCARDIA_START, BRADYCARDIA_SEVERE, BRADYCARDIA_END);
        HeartRateEvent end = f.events.get(2);
        assertThat(end.minBpm()).isEqualTo(35);
        assertThat(end.maxBpm()).isEqualTo(52); // the recovery at 60 is after the episode's end
        assertThat(end.severe()).isTrue();
    }

    @Test
    void perPatientOverrideChangesTheThreshold() {
        var mine = new HeartRateThresholds(HeartRateParameters.from(
                RULES.forPatient(Map.of("tachycardia.rateBpm", 100.0, "tachycardia.minDuration", 5.0)), LONDON));
        HeartRateState s = new HeartRateState();
        List<HeartRateEvent> ev = new ArrayList<>();
        for (int i = 0; i <= 6; i++) ev.addAll(mine.onSample(s, DAY + i * MIN, 110, WORN_STILL, Double.NaN));
        assertThat(ev).extracting(HeartRateEvent::kind).containsExactly(TACHYCARDIA_START);
    }

    @Test
    void rhythmAnalyserParametersComeFromTheRules() {
        assertThat(RhythmRuleParameters.from(RULES.defaults())).isEqualTo(org.wardstream.rhythm.RhythmParameters.DEFAULTS);
        var p = RhythmRuleParameters.from(RULES.forPatient(Map.of("pause.minPause", 4.0, "atrial-fibrillation.onsetSegments", 7.0)));
        assertThat(p.pauseThresholdMs()).isEqualTo(4000);
        assertThat(p.onsetSegments()).isEqualTo(7);
    }

    @Test
    void stateIsSmallAndRoundTripsMidEpisode() throws Exception {
        Feed a = new Feed(DAY).minutes(11, 130, WORN_STILL).minutes(1, 45, WORN_STILL);
        a.t -= 30_000; // and a minute in progress with two samples
        a.minutes(1, 44, WORN_STILL);
        byte[] bytes = a.state.toBytes();
        assertThat(bytes).hasSize(HeartRateState.SERIALIZED_SIZE);
        // format 3 adds the minute in progress (38 bytes; 197 before), format 4 the sample sources (two ints in each of
        // the 7 statistics: 56 bytes; 225 before): still fixed and small
        assertThat(bytes.length).isEqualTo(281);
        HeartRateState back = HeartRateState.readFrom(new DataInputStream(new ByteArrayInputStream(bytes)));
        assertThat(back).isEqualTo(a.state);
        assertThat(back.minute.stats.count).isEqualTo(2);
        // continuing from the restored copy gives the same events as continuing the original
        Feed b = new Feed(a.t, HeartRateState.fromBytes(back.toBytes()));
        a.events.clear();
        a.minutes(20, 100, WORN_STILL);
        b.minutes(20, 100, WORN_STILL);
        assertThat(b.events).isEqualTo(a.events).isNotEmpty();
        assertThat(b.state).isEqualTo(a.state);
    }

    /** {@code s} in format 3 (minute by minute, without the sample sources), as format 3's code wrote it. */
    static byte[] formatThree(HeartRateState s) {
        try {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            java.io.DataOutputStream out = new java.io.DataOutputStream(bytes);
            out.writeByte(3);
            out.writeLong(s.lastSampleMs);
            out.writeLong(s.minute.startMs);
            statsWithoutSources(out, s.minute.stats);
            out.writeInt(s.minute.atRest);
            out.writeInt(s.minute.awake);
            out.writeLong(s.tachySinceMs);
            out.writeLong(s.tachyStartMs);
            out.writeLong(s.tachyRecoverSinceMs);
            out.writeBoolean(s.tachyOpen);
            statsWithoutSources(out, s.tachy);
            out.writeLong(s.bradySevereSinceMs);
            out.writeLong(s.bradySustainedSinceMs);
            out.writeLong(s.bradyStartMs);
            out.writeLong(s.bradyRecoverSinceMs);
            out.writeBoolean(s.bradyOpen);
            out.writeBoolean(s.bradySevere);
            out.writeBoolean(s.bradyOpenedSevere);
            for (RateStats r : List.of(s.brady, s.tachyRecovery, s.bradyRecovery, s.severeRun, s.sustainedRun)) {
                statsWithoutSources(out, r);
            }
            return bytes.toByteArray();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void statsWithoutSources(java.io.DataOutputStream out, RateStats r) throws java.io.IOException {
        out.writeFloat(r.min);
        out.writeFloat(r.max);
        out.writeDouble(r.sum);
        out.writeInt(r.count);
    }

    /**
     * {@code s} in format 2 (sample by sample): format 3's bytes less the minute in progress, with the former start of
     * the run below the sustained rate (read and dropped) before the bradycardia fields.
     */
    static byte[] formatTwo(HeartRateState s) {
        byte[] v3 = formatThree(s);
        int tachyAt = 1 + 8 + MinuteBucket.SERIALIZED_SIZE_WITHOUT_SOURCES;
        int bradyAt = tachyAt + 8 * 3 + 1 + 20;
        java.nio.ByteBuffer v2 = java.nio.ByteBuffer.allocate(v3.length - MinuteBucket.SERIALIZED_SIZE_WITHOUT_SOURCES + 8);
        v2.put((byte) 2).put(v3, 1, 8).put(v3, tachyAt, bradyAt - tachyAt).putLong(s.bradySevereSinceMs)
                .put(v3, bradyAt, v3.length - bradyAt);
        return v2.array();
    }

    @Test
    void format3IsReadWithTheSampleSourcesNotKnown() {
        // an open tachycardia from a device's samples, stored by format 3 (no sources): read with its statistics, the
        // sources of its samples unknown; the samples after the upgrade say theirs
        Feed a = new Feed(DAY).minutes(12, 130, WORN_STILL);
        assertThat(a.state.tachy.fromDevice).isEqualTo(a.state.tachy.count).isPositive();
        HeartRateState back = HeartRateState.fromBytes(formatThree(a.state));
        assertThat(back.tachy.count).isEqualTo(a.state.tachy.count);
        assertThat(back.tachy.sum).isEqualTo(a.state.tachy.sum);
        assertThat(back.tachy.fromDevice).isZero();
        assertThat(back.tachy.rrPercent()).isNaN();
        assertThat(back.toBytes()[0]).isEqualTo((byte) 4);
        Feed b = new Feed(a.t, back).minutes(4, 90, WORN_STILL);
        assertThat(b.kinds()).containsExactly(TACHYCARDIA_END);
        assertThat(b.events.get(0).rrPercent()).as("its known samples (after the upgrade: none inside it)").isNaN();
    }

    @Test
    void theEventsSayWhichSourceTheEpisodesSamplesCameFrom() {
        // device samples only, then the same from RR intervals only, then half and half
        Feed device = new Feed(DAY).minutes(12, 130, WORN_STILL);
        assertThat(device.kinds()).containsExactly(TACHYCARDIA_START);
        assertThat(device.events.get(0).rrPercent()).isZero();
        HeartRateState st = new HeartRateState();
        List<HeartRateEvent> ev = new ArrayList<>();
        for (int i = 0; i <= 11; i++) {
            ev.addAll(HR.onSample(st, DAY + i * MIN, 130, WORN_STILL, Double.NaN, true));
        }
        assertThat(ev).extracting(HeartRateEvent::kind).containsExactly(TACHYCARDIA_START);
        assertThat(ev.get(0).rrPercent()).isEqualTo(100.0);
        HeartRateState mixed = new HeartRateState();
        ev.clear();
        for (int i = 0; i <= 11; i++) {
            ev.addAll(HR.onSample(mixed, DAY + i * MIN, 130, WORN_STILL, Double.NaN, i >= 6));
        }
        assertThat(ev.get(0).rrPercent()).as("6 of the 12 samples from RR intervals").isEqualTo(50.0);
    }

    @Test
    void theFormerStateFormatsAreStillRead() {
        Feed a = new Feed(DAY).minutes(12, 130, WORN_STILL);
        assertThat(a.state.tachyOpen).isTrue();
        byte[] v2 = formatTwo(a.state);
        assertThat(v2).hasSize(1 + 8 + (8 * 3 + 1 + 20) + (8 * 5 + 3 + 20) + 4 * 20);
        int v1Size = 1 + 8 + (8 * 3 + 1 + 20) + (8 * 5 + 3 + 20);
        byte[] v1 = java.util.Arrays.copyOf(v2, v1Size);
        v1[0] = 1;
        for (byte[] old : List.of(v1, v2)) {
            HeartRateState back = HeartRateState.fromBytes(old);
            assertThat(back.tachyOpen).isTrue();
            assertThat(back.tachy.count).isEqualTo(a.state.tachy.count);
            assertThat(back.minute.isOpen()).as("no minute in progress").isFalse();
            assertThat(back.tachyRecovery.count).isZero();
            Feed b = new Feed(a.t, back).minutes(4, 90, WORN_STILL);
            assertThat(b.kinds()).containsExactly(TACHYCARDIA_END);
            assertThat(b.events.get(0).episodeStartMs()).isEqualTo(DAY);
        }
        // a run in progress keeps its start: its samples (each above the rate) count as completed minutes; the first
        // sample after the upgrade begins a minute
        Feed run = new Feed(DAY).minutes(8, 130, WORN_STILL);
        HeartRateState upgraded = HeartRateState.fromBytes(formatTwo(run.state));
        assertThat(upgraded.tachySinceMs).isEqualTo(DAY);
        Feed c = new Feed(run.t, upgraded).minutes(4, 130, WORN_STILL);
        assertThat(c.kinds()).containsExactly(TACHYCARDIA_START);
        assertThat(c.events.get(0).episodeStartMs()).isEqualTo(DAY);
        assertThat(c.events.get(0).atMs()).isEqualTo(DAY + 11 * MIN);
    }

    @Test
    void aBradycardiaClosesWithTheRatesInsideItNotTheRecoveryAfterIt() {
        Feed f = new Feed(DAY).minutes(5, 62, ACTIVE);
        for (int i = 0; i < 6; i++) {
            f.minutes(1, 36 + i % 4, WORN_STILL); // 36-39/min
        }
        f.minutes(4, 68, WORN_STILL); // recovered: the episode ended at the first of these
        HeartRateEvent end = f.events.stream().filter(e -> e.kind() == BRADYCARDIA_END).findFirst().orElseThrow();
        assertThat(end.minBpm()).isEqualTo(36);
        assertThat(end.maxBpm()).isEqualTo(39);
        assertThat(end.meanBpm()).isBetween(36.0, 39.0);
    }

    @Test
    void aTachycardiaClosesWithTheRatesInsideItAndABrokenRecoveryCountsInside() {
        Feed f = new Feed(DAY).minutes(11, 130, WORN_STILL)
                .minutes(1, 100, WORN_STILL) // a recovery that breaks: inside the episode
                .minutes(1, 128, WORN_STILL)
                .minutes(4, 90, WORN_STILL); // the recovery that ends it
        HeartRateEvent end = f.events.stream().filter(e -> e.kind() == TACHYCARDIA_END).findFirst().orElseThrow();
        assertThat(end.minBpm()).isEqualTo(100);
        assertThat(end.maxBpm()).isEqualTo(130);
        assertThat(end.samples()).isEqualTo(13);
    }

    @Test
    void aSevereBradycardiaEscalationCarriesTheSevereRunAsEvidence() {
        Feed f = new Feed(DAY).minutes(12, 45, ACTIVE) // sustained criterion (below 50 while awake)
                .minutes(3, 37, ACTIVE);                 // then below 40 for 2 min: severe
        HeartRateEvent severe = f.events.stream().filter(e -> e.kind() == BRADYCARDIA_SEVERE).findFirst().orElseThrow();
        assertThat(severe.maxBpm()).isEqualTo(37);
        assertThat(severe.minBpm()).isEqualTo(37);
        assertThat(severe.episodeStartMs()).isEqualTo(DAY);
    }

    @Test
    void readingsSixMinutesApartMakeARunAndOneFastReadingDoesNot() {
        // probe 17a, D6: background sampling every 6 min; each reading is a minute of its own
        HeartRateState st = new HeartRateState();
        List<HeartRateEvent> ev = new ArrayList<>();
        for (int i = 0; i < 4; i++) ev.addAll(HR.onSample(st, DAY + i * 6 * MIN, 150, WORN_STILL, Double.NaN));
        assertThat(ev).extracting(HeartRateEvent::kind).containsExactly(TACHYCARDIA_START);
        assertThat(ev.get(0).episodeStartMs()).isEqualTo(DAY);
        assertThat(ev.get(0).atMs()).as("decided at the fourth reading").isEqualTo(DAY + 18 * MIN);
        HeartRateState one = new HeartRateState();
        List<HeartRateEvent> none = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            none.addAll(HR.onSample(one, DAY + i * 6 * MIN, i % 3 == 1 ? 150 : 70, WORN_STILL, Double.NaN));
        }
        assertThat(none).isEmpty();
        HeartRateState far = new HeartRateState();
        List<HeartRateEvent> gaps = new ArrayList<>();
        for (int i = 0; i < 10; i++) gaps.addAll(HR.onSample(far, DAY + i * 11 * MIN, 150, WORN_STILL, Double.NaN));
        assertThat(gaps).as("over the 10-min gap limit").isEmpty();
    }

    @Test
    void movementNotKnownIsNeitherRestNorWalking() {
        // ACTIVE with no cadence: accelerometer counts only (probe 17a, D7)
        assertThat(HR.atRest(ACTIVE, Double.NaN)).isFalse();
        assertThat(HR.atRest(ACTIVE, 5)).isTrue();
        HeartRateState st = new HeartRateState();
        List<HeartRateEvent> ev = new ArrayList<>();
        for (int i = 0; i < 30; i++) ev.addAll(HR.onSample(st, NIGHT + i * MIN, 45, ACTIVE, Double.NaN));
        assertThat(ev).as("45/min at night, movement not known: not awake").isEmpty();
    }

    @Test
    void readingsTheDeviceRatesBelowTheQualityFloorAreNotReliable() {
        assertThat(HR.reliable(0.05)).isFalse();
        assertThat(HR.reliable(0.49)).isFalse();
        assertThat(HR.reliable(0.5)).isTrue();
        assertThat(HR.reliable(Double.NaN)).as("not reported").isTrue();
    }
}
