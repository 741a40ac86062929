package org.wardstream.episodes;

import org.junit.jupiter.api.Test;
import org.wardstream.rhythm.AfOffset;
import org.wardstream.rhythm.AfOnset;
import org.wardstream.rules.EffectiveRules;
import org.wardstream.rules.EpisodeType;
import org.wardstream.rules.RuleSchema;
import org.wardstream.rules.Rules;
import org.wardstream.rules.Severity;
import org.wardstream.signals.ActivityState;
import org.wardstream.signals.WearActivityEvent;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.wardstream.episodes.AlertChange.Kind.CLOSED;
import static org.wardstream.episodes.AlertChange.Kind.ESCALATED;
import static org.wardstream.episodes.AlertChange.Kind.OPENED;
import static org.wardstream.episodes.AlertChange.Kind.UPDATED;

class EpisodeLifecycleTest {

    static final EffectiveRules RULES = Rules.loadClasspath().defaults();
    static final String P = "patient-0001";
    static final String DV = "test-detector/1";
    static final long T0 = 1_780_000_000_000L, SEC = 1000, MIN = 60 * SEC, HOUR = 60 * MIN;

    static final class Run {
        final EpisodeState s = new EpisodeState();
        final List<AlertChange> out = new ArrayList<>();

        Run on(Transition t) {
            out.addAll(EpisodeLifecycle.onTransition(s, t, RULES));
            return this;
        }

        List<AlertChange.Kind> kinds() {
            return out.stream().map(AlertChange::kind).toList();
        }
    }

    static Transition start(EpisodeType type, long start, long at) {
        return Transition.start(P, type, start, at, DV, Map.of());
    }

    static Transition end(EpisodeType type, long at) {
        return Transition.end(P, type, at, DV, Map.of());
    }

    static Transition update(EpisodeType type, long at, double meanRate) {
        return Transition.update(P, type, at, DV, Map.of("meanRateBpm", meanRate));
    }

    @Test
    void oneAlertPerEpisodeAndNoRepeatWithinCoolDown() {
        Run r = new Run().on(start(EpisodeType.TACHYCARDIA, T0, T0 + 10 * MIN));
        for (int i = 1; i <= 30; i++) r.on(update(EpisodeType.TACHYCARDIA, T0 + 10 * MIN + i * MIN, 130));
        r.on(start(EpisodeType.TACHYCARDIA, T0 + 20 * MIN, T0 + 30 * MIN));   // duplicate start: merged
        r.on(end(EpisodeType.TACHYCARDIA, T0 + HOUR));
        assertThat(r.kinds()).containsExactly(OPENED, CLOSED);
        AlertChange opened = r.out.get(0);
        assertThat(opened.severity()).isEqualTo(Severity.URGENT);
        assertThat(opened.episodeStartMs()).isEqualTo(T0);
        assertThat(opened.notifyTeam()).isTrue();
        AlertChange closed = r.out.get(1);
        assertThat(closed.notifyTeam()).as("tachycardia closes without notifying").isFalse();
        assertThat(closed.episodeEndMs()).isEqualTo(T0 + HOUR);
        assertThat(closed.episodeId()).isEqualTo(opened.episodeId());
        // recurrence 20 min after the close: inside the 30 min cool-down -> suppressed, silent end
        r.out.clear();
        r.on(start(EpisodeType.TACHYCARDIA, T0 + HOUR + 20 * MIN, T0 + HOUR + 25 * MIN)).on(end(EpisodeType.TACHYCARDIA, T0 + HOUR + 28 * MIN));
        assertThat(r.out).isEmpty();
        // 30 min after the alerted close (suppressed episodes do not extend the cool-down): alerts, counting the suppressed one
        r.on(start(EpisodeType.TACHYCARDIA, T0 + HOUR + 30 * MIN, T0 + HOUR + 40 * MIN));
        assertThat(r.kinds()).containsExactly(OPENED);
        assertThat(r.out.get(0).suppressedRecurrences()).isEqualTo(1);
        assertThat(r.out.get(0).episodeId()).isNotEqualTo(opened.episodeId());
    }

    @Test
    void anEpisodeThatStartsBeforeTheLastAlertedOneIsNoRecurrenceAndAlerts() {
        // the older part of a backlog analysed after its newer part, or a device clock set back: the episode found
        // there starts before the one already alerted, so the cool-down after that one does not apply
        Run r = new Run().on(start(EpisodeType.TACHYCARDIA, T0 + HOUR, T0 + HOUR + 10 * MIN))
                .on(end(EpisodeType.TACHYCARDIA, T0 + 2 * HOUR));
        r.on(start(EpisodeType.TACHYCARDIA, T0, T0 + 10 * MIN)).on(end(EpisodeType.TACHYCARDIA, T0 + 30 * MIN));
        assertThat(r.kinds()).containsExactly(OPENED, CLOSED, OPENED, CLOSED);
        assertThat(r.out.get(2).episodeStartMs()).isEqualTo(T0);
        assertThat(r.out.get(2).episodeId()).isNotEqualTo(r.out.get(0).episodeId());
        assertThat(r.out.get(3).episodeEndMs()).isEqualTo(T0 + 30 * MIN);
    }

    @Test
    void anEpisodeThatStartsInsideTheLastAlertedOneIsNoRecurrenceAndAlerts() {
        // AF alerted from minute 30 and closed at minute 121 by a clock set back an hour (the analysis restarted):
        // the AF going on is found on the new clock from minute 65 of device time, inside the closed alert's period,
        // so it is not a recurrence after it and the cool-down does not hold it back
        Run r = new Run().on(start(EpisodeType.ATRIAL_FIBRILLATION, T0 + 30 * MIN, T0 + 31 * MIN))
                .on(new Transition(P, EpisodeType.ATRIAL_FIBRILLATION, Transition.Kind.END, EpisodeState.NO_TIME,
                        T0 + 121 * MIN, Transition.CLOCK_RESTART, DV, Map.of()));
        r.on(start(EpisodeType.ATRIAL_FIBRILLATION, T0 + 65 * MIN, T0 + 66 * MIN))
                .on(end(EpisodeType.ATRIAL_FIBRILLATION, T0 + 180 * MIN));
        assertThat(r.kinds()).containsExactly(OPENED, CLOSED, OPENED, CLOSED);
        assertThat(r.out.get(1).reason()).isEqualTo(AlertChange.CLOCK_RESTART);
        assertThat(r.out.get(2).episodeStartMs()).isEqualTo(T0 + 65 * MIN);
        assertThat(r.out.get(2).suppressedRecurrences()).isZero();
        // a start after the alert's end is a recurrence, held back by the cool-down as before
        r.on(start(EpisodeType.ATRIAL_FIBRILLATION, T0 + 181 * MIN, T0 + 182 * MIN))
                .on(end(EpisodeType.ATRIAL_FIBRILLATION, T0 + 190 * MIN));
        assertThat(r.kinds()).hasSize(4);
        // the same start inside an alert that ended (not a restart): the condition seen again, held back
        Run ended = new Run().on(start(EpisodeType.ATRIAL_FIBRILLATION, T0 + 30 * MIN, T0 + 31 * MIN))
                .on(end(EpisodeType.ATRIAL_FIBRILLATION, T0 + 121 * MIN))
                .on(start(EpisodeType.ATRIAL_FIBRILLATION, T0 + 65 * MIN, T0 + 66 * MIN))
                .on(end(EpisodeType.ATRIAL_FIBRILLATION, T0 + 180 * MIN));
        assertThat(ended.kinds()).containsExactly(OPENED, CLOSED);
    }

    @Test
    void aRecurrencePromotedByItsEscalationDoesNotCountItselfAsSuppressedWhateverTheArrivalOrder() {
        for (boolean late : new boolean[]{false, true}) {
            Run r = new Run().on(start(EpisodeType.ATRIAL_FIBRILLATION, T0, T0 + MIN))
                    .on(end(EpisodeType.ATRIAL_FIBRILLATION, T0 + 10 * MIN))
                    .on(start(EpisodeType.ATRIAL_FIBRILLATION, T0 + 30 * MIN, T0 + 31 * MIN)) // suppressed
                    .on(update(EpisodeType.ATRIAL_FIBRILLATION, T0 + 40 * MIN, 130.0));
            Transition fast = fastRate(T0 + 35 * MIN, T0 + 40 * MIN);
            Transition end = end(EpisodeType.ATRIAL_FIBRILLATION, T0 + 50 * MIN);
            if (late) {
                r.on(end).on(fast);
            } else {
                r.on(fast).on(end);
            }
            assertThat(r.kinds()).as("escalation late: %s", late).containsExactly(OPENED, CLOSED, OPENED, CLOSED);
            assertThat(r.out.get(2).suppressedRecurrences()).as("escalation late: %s", late).isZero();
        }
    }

    static Transition fastRate(long refersTo, long at) {
        return new Transition(P, EpisodeType.ATRIAL_FIBRILLATION, Transition.Kind.ESCALATE, refersTo, at,
                RuleSchema.FAST_VENTRICULAR_RATE, DV, Map.of("meanRateBpm", 130.0));
    }

    @Test
    void afEscalatesOnceOnTheFastRateCondition() {
        Run r = new Run().on(start(EpisodeType.ATRIAL_FIBRILLATION, T0, T0 + 35 * SEC));
        assertThat(r.kinds()).containsExactly(OPENED);
        assertThat(r.out.get(0).severity()).isEqualTo(Severity.ROUTINE);
        // rate evidence alone never escalates: the condition comes from the CEP pattern as an ESCALATE
        for (int i = 0; i <= 20; i++) r.on(update(EpisodeType.ATRIAL_FIBRILLATION, T0 + MIN + i * MIN, 150));
        assertThat(r.kinds()).containsExactly(OPENED);
        r.on(fastRate(T0 + 7 * MIN, T0 + 12 * MIN)).on(fastRate(T0 + 20 * MIN, T0 + 25 * MIN));
        assertThat(r.kinds()).containsExactly(OPENED, ESCALATED);
        AlertChange esc = r.out.get(1);
        assertThat(esc.severity()).isEqualTo(Severity.URGENT);
        assertThat(esc.atMs()).isEqualTo(T0 + 12 * MIN);
        assertThat(esc.reason()).contains("fast ventricular rate");
        assertThat(esc.episodeId()).isEqualTo(r.out.get(0).episodeId());
    }

    @Test
    void aPatternMatchThatCompletesAfterTheEpisodeClosedEscalatesThatEpisodeOnce() {
        Run r = new Run().on(start(EpisodeType.ATRIAL_FIBRILLATION, T0, T0 + 35 * SEC))
                .on(end(EpisodeType.ATRIAL_FIBRILLATION, T0 + 20 * MIN));
        assertThat(r.kinds()).containsExactly(OPENED, CLOSED);
        String id = r.out.get(0).episodeId();
        // the fast-rate match (fast from minute 7 to 12) reaches the lifecycle after the END
        r.on(fastRate(T0 + 7 * MIN, T0 + 12 * MIN)).on(fastRate(T0 + 7 * MIN, T0 + 12 * MIN));
        assertThat(r.kinds()).containsExactly(OPENED, CLOSED, ESCALATED);
        AlertChange late = r.out.get(2);
        assertThat(late.episodeId()).isEqualTo(id);
        assertThat(late.severity()).isEqualTo(Severity.URGENT);
        assertThat(late.episodeStartMs()).isEqualTo(T0);
        assertThat(late.episodeEndMs()).isEqualTo(T0 + 20 * MIN);
        // a match referring to a time outside the last alerted episode changes nothing
        r.on(fastRate(T0 + 30 * MIN, T0 + 35 * MIN));
        assertThat(r.kinds()).hasSize(3);
        // ... and neither does one referring to the closed episode while a newer one is open
        Run n = new Run().on(start(EpisodeType.ATRIAL_FIBRILLATION, T0, T0 + 35 * SEC))
                .on(end(EpisodeType.ATRIAL_FIBRILLATION, T0 + 20 * MIN))
                .on(start(EpisodeType.ATRIAL_FIBRILLATION, T0 + 13 * HOUR, T0 + 13 * HOUR + 35 * SEC))
                .on(fastRate(T0 + 7 * MIN, T0 + 12 * MIN));
        assertThat(n.kinds()).containsExactly(OPENED, CLOSED, OPENED, ESCALATED);
        assertThat(n.out.get(3).episodeId()).isEqualTo(n.out.get(0).episodeId());
        assertThat(n.s.severity).as("the open episode keeps its severity").isEqualTo((byte) Severity.ROUTINE.ordinal());
    }

    @Test
    void anEscalationThatOvertakesItsEpisodesStartIsAppliedWhenTheStartArrives() {
        // the pause-then-stillness match reaches the lifecycle before the pause's own START (different paths)
        Run r = new Run().on(new Transition(P, EpisodeType.PAUSE, Transition.Kind.ESCALATE, T0, T0 + 12 * MIN,
                RuleSchema.FOLLOWED_BY_STILLNESS, DV, Map.of("stillMinutes", 10.0)));
        assertThat(r.out).isEmpty();
        r.on(start(EpisodeType.PAUSE, T0, T0 + 3500));
        assertThat(r.kinds()).containsExactly(OPENED, ESCALATED);
        assertThat(r.out.get(1).severity()).isEqualTo(Severity.URGENT);
        assertThat(r.out.get(1).episodeId()).isEqualTo(r.out.get(0).episodeId());
        assertThat(r.out.get(1).atMs()).as("the escalation's own time, as in order").isEqualTo(T0 + 12 * MIN);
        assertThat(r.s.pendingMask).isZero();
        // the same changes (kinds, ids, times) as when the start arrives first
        Run inOrder = new Run().on(start(EpisodeType.PAUSE, T0, T0 + 3500)).on(new Transition(P, EpisodeType.PAUSE,
                Transition.Kind.ESCALATE, T0, T0 + 12 * MIN, RuleSchema.FOLLOWED_BY_STILLNESS, DV, Map.of()));
        assertThat(inOrder.out).extracting(AlertChange::kind, AlertChange::episodeId, AlertChange::atMs,
                AlertChange::severity).isEqualTo(r.out.stream().map(c -> org.assertj.core.groups.Tuple.tuple(
                c.kind(), c.episodeId(), c.atMs(), c.severity())).toList());
        // a held escalation that refers to a time before the next episode starts is dropped with it
        Run stale = new Run().on(new Transition(P, EpisodeType.PAUSE, Transition.Kind.ESCALATE, T0, T0 + 12 * MIN,
                RuleSchema.FOLLOWED_BY_STILLNESS, DV, Map.of()));
        stale.on(start(EpisodeType.PAUSE, T0 + HOUR, T0 + HOUR + 3500));
        assertThat(stale.kinds()).containsExactly(OPENED);
        assertThat(stale.out.get(0).severity()).isEqualTo(Severity.ROUTINE);
    }

    @Test
    void anEscalationOfTheNextEpisodeThatOvertakesTheCurrentOnesEndGoesToTheNextEpisode() {
        // AF episode 1 (escalated), then episode 2 whose own fast-rate match reaches the lifecycle before
        // episode 1's END and episode 2's START (they travel through the detector, the match through CEP)
        Run r = new Run().on(start(EpisodeType.ATRIAL_FIBRILLATION, T0, T0 + 35 * SEC))
                .on(update(EpisodeType.ATRIAL_FIBRILLATION, T0 + 10 * MIN, 130))
                .on(fastRate(T0 + MIN, T0 + 6 * MIN));
        r.on(fastRate(T0 + 2 * HOUR + MIN, T0 + 2 * HOUR + 6 * MIN)); // arrives early
        r.on(end(EpisodeType.ATRIAL_FIBRILLATION, T0 + 20 * MIN))
                .on(start(EpisodeType.ATRIAL_FIBRILLATION, T0 + 2 * HOUR, T0 + 2 * HOUR + 35 * SEC));
        assertThat(r.kinds()).as("held until episode 2's evidence reaches the fast run").containsExactly(OPENED,
                ESCALATED, CLOSED, OPENED);
        r.on(update(EpisodeType.ATRIAL_FIBRILLATION, T0 + 2 * HOUR + MIN, 130));
        assertThat(r.kinds()).containsExactly(OPENED, ESCALATED, CLOSED, OPENED, ESCALATED);
        assertThat(r.out.get(4).episodeId()).isEqualTo(r.out.get(3).episodeId()).isNotEqualTo(r.out.get(0).episodeId());
        assertThat(r.out.get(4).atMs()).isEqualTo(T0 + 2 * HOUR + 6 * MIN);
        // and an escalation of the current episode that overtakes its own evidence waits for that evidence
        Run early = new Run().on(start(EpisodeType.ATRIAL_FIBRILLATION, T0, T0 + 35 * SEC))
                .on(fastRate(T0 + 5 * MIN, T0 + 10 * MIN));
        assertThat(early.kinds()).containsExactly(OPENED);
        early.on(update(EpisodeType.ATRIAL_FIBRILLATION, T0 + 10 * MIN, 130));
        assertThat(early.kinds()).containsExactly(OPENED, ESCALATED);
        assertThat(early.out.get(1).atMs()).isEqualTo(T0 + 10 * MIN);
    }

    @Test
    void stillOngoingOnlyOnEvidenceAnIntervalAfterTheLastNotification() {
        // probe 17a D10: tachycardia alerted, evidence for 8 min, then no data. No "still ongoing" on time alone
        Run r = new Run().on(start(EpisodeType.TACHYCARDIA, T0, T0 + 10 * MIN));
        for (int i = 1; i <= 8; i++) r.on(update(EpisodeType.TACHYCARDIA, T0 + 10 * MIN + i * MIN, 140));
        assertThat(EpisodeLifecycle.nextTimerMs(r.s, RULES.rule(EpisodeType.TACHYCARDIA)))
                .as("no re-notification timer for an episode with evidence of its own").isEqualTo(EpisodeState.NO_TIME);
        r.on(Transition.tick(P, EpisodeType.TACHYCARDIA, T0 + 10 * MIN + 6 * HOUR, DV));
        r.on(Transition.tick(P, EpisodeType.TACHYCARDIA, T0 + 10 * MIN + 12 * HOUR, DV));
        assertThat(r.kinds()).containsExactly(OPENED);
        // evidence at 6 h 30 min after the opening: re-notified then, with that time
        r.on(update(EpisodeType.TACHYCARDIA, T0 + 10 * MIN + 6 * HOUR + 30 * MIN, 140));
        assertThat(r.kinds()).containsExactly(OPENED, UPDATED);
        assertThat(r.out.get(1).atMs()).isEqualTo(T0 + 10 * MIN + 6 * HOUR + 30 * MIN);
        assertThat(r.out.get(1).reason()).isEqualTo(AlertChange.STILL_ONGOING);
    }

    @Test
    void anUnenrolmentForgetsAHeldBackRecurrence() {
        // a recurrence held back by the cool-down when the patient is discharged: forgotten (no timer, nothing alerted
        // later), and a condition going on after a re-enrolment is alerted as new (the close is no cool-down's start)
        Run r = new Run().on(start(EpisodeType.TACHYCARDIA, T0, T0 + 10 * MIN)).on(end(EpisodeType.TACHYCARDIA, T0 + 30 * MIN));
        r.on(start(EpisodeType.TACHYCARDIA, T0 + 40 * MIN, T0 + 50 * MIN));
        assertThat(r.s.phase).isEqualTo(EpisodeState.SUPPRESSED);
        assertThat(EpisodeLifecycle.onUnenrolment(r.s, null, P, EpisodeType.TACHYCARDIA, RULES, DV)).isEmpty();
        assertThat(r.s.phase).isEqualTo(EpisodeState.IDLE);
        assertThat(EpisodeLifecycle.nextTimerMs(r.s, RULES.rule(EpisodeType.TACHYCARDIA))).isEqualTo(EpisodeState.NO_TIME);
        Run open = new Run().on(start(EpisodeType.TACHYCARDIA, T0, T0 + 10 * MIN));
        assertThat(EpisodeLifecycle.onUnenrolment(open.s, null, P, EpisodeType.TACHYCARDIA, RULES, DV, AlertChange.PAUSED))
                .extracting(AlertChange::kind, AlertChange::reason).containsExactly(org.assertj.core.groups.Tuple.tuple(CLOSED, AlertChange.PAUSED));
        open.out.clear();
        open.on(start(EpisodeType.TACHYCARDIA, T0 + 25 * MIN, T0 + 35 * MIN));
        assertThat(open.kinds()).as("after the end of the pause, within the cool-down of the close").containsExactly(OPENED);
    }

    @Test
    void afShorterThanMinDurationIsHeldThenOpenedOrDiscarded() {
        Run shortAf = new Run().on(start(EpisodeType.ATRIAL_FIBRILLATION, T0, T0 + 20 * SEC))
                .on(end(EpisodeType.ATRIAL_FIBRILLATION, T0 + 25 * SEC));
        assertThat(shortAf.out).isEmpty();
        assertThat(shortAf.s.phase).isEqualTo(EpisodeState.IDLE);
        Run longer = new Run().on(start(EpisodeType.ATRIAL_FIBRILLATION, T0, T0 + 20 * SEC));
        assertThat(longer.out).isEmpty();
        assertThat(EpisodeLifecycle.nextTimerMs(longer.s, RULES.rule(EpisodeType.ATRIAL_FIBRILLATION))).isEqualTo(T0 + 30 * SEC);
        longer.on(Transition.tick(P, EpisodeType.ATRIAL_FIBRILLATION, T0 + 30 * SEC, DV));
        assertThat(longer.kinds()).containsExactly(OPENED);
        assertThat(longer.out.get(0).episodeStartMs()).isEqualTo(T0);
    }

    @Test
    void deviceOfflineCloseNotifiesReconnectedAndRenotifiesDaily() {
        Run r = new Run().on(start(EpisodeType.DEVICE_OFFLINE, T0, T0 + 2 * HOUR));
        r.on(Transition.tick(P, EpisodeType.DEVICE_OFFLINE, T0 + 20 * HOUR, DV));
        assertThat(r.kinds()).containsExactly(OPENED);
        r.on(Transition.tick(P, EpisodeType.DEVICE_OFFLINE, T0 + 26 * HOUR, DV));
        r.on(Transition.tick(P, EpisodeType.DEVICE_OFFLINE, T0 + 27 * HOUR, DV));
        assertThat(r.kinds()).containsExactly(OPENED, UPDATED);
        assertThat(r.out.get(1).reason()).isEqualTo(AlertChange.STILL_ONGOING);
        r.on(end(EpisodeType.DEVICE_OFFLINE, T0 + 30 * HOUR));
        assertThat(r.kinds()).containsExactly(OPENED, UPDATED, CLOSED);
        AlertChange closed = r.out.get(2);
        assertThat(closed.notifyTeam()).isTrue();
        assertThat(closed.reason()).isEqualTo(AlertChange.RECONNECTED);
        assertThat(closed.episodeEndMs()).isEqualTo(T0 + 30 * HOUR);
        // a suppressed (cool-down) offline episode gets no "reconnected" either
        r.out.clear();
        r.on(start(EpisodeType.DEVICE_OFFLINE, T0 + 30 * HOUR + 10 * MIN, T0 + 32 * HOUR)).on(end(EpisodeType.DEVICE_OFFLINE, T0 + 32 * HOUR + 50 * MIN));
        assertThat(r.out).isEmpty();
    }

    @Test
    void aRecurrenceHeldBackByTheCoolDownIsAlertedWhenStillGoingOnACoolDownAfterItWasFound() {
        // a device offline again 10 min after it reconnected (inside the 1 h cool-down) and silent for days: the team
        // was told "reconnected"; the new outage is held back, then alerted an hour after it was found
        Run r = new Run().on(start(EpisodeType.DEVICE_OFFLINE, T0, T0 + 2 * HOUR)).on(end(EpisodeType.DEVICE_OFFLINE, T0 + 3 * HOUR));
        r.out.clear();
        r.on(start(EpisodeType.DEVICE_OFFLINE, T0 + 3 * HOUR + 10 * MIN, T0 + 5 * HOUR + 10 * MIN));
        assertThat(r.out).as("held back at first").isEmpty();
        long due = T0 + 6 * HOUR + 10 * MIN;
        assertThat(EpisodeLifecycle.nextTimerMs(r.s, RULES.rule(EpisodeType.DEVICE_OFFLINE))).isEqualTo(due);
        r.on(Transition.tick(P, EpisodeType.DEVICE_OFFLINE, due - 1, DV));
        assertThat(r.out).isEmpty();
        r.on(Transition.tick(P, EpisodeType.DEVICE_OFFLINE, due, DV));
        assertThat(r.kinds()).containsExactly(OPENED);
        AlertChange opened = r.out.get(0);
        assertThat(opened.notifyTeam()).isTrue();
        assertThat(opened.reason()).isEqualTo(AlertChange.SUSTAINED_RECURRENCE);
        assertThat(opened.episodeStartMs()).isEqualTo(T0 + 3 * HOUR + 10 * MIN);
        assertThat(opened.atMs()).isEqualTo(due);
        assertThat(opened.suppressedRecurrences()).as("alerted itself: not counted as held back").isZero();
        // from then on it is an ordinary alert: re-notified daily, closed with "reconnected"
        r.on(Transition.tick(P, EpisodeType.DEVICE_OFFLINE, due + 24 * HOUR, DV)).on(end(EpisodeType.DEVICE_OFFLINE, due + 30 * HOUR));
        assertThat(r.kinds()).containsExactly(OPENED, UPDATED, CLOSED);
        assertThat(r.out.get(2).episodeId()).isEqualTo(opened.episodeId());
        assertThat(r.out.get(2).reason()).isEqualTo(AlertChange.RECONNECTED);
    }

    @Test
    void aSustainedRecurrenceIsAlertedOnItsFirstEvidenceAfterTheDueTime() {
        // AF alerted and closed; AF again 20 min later (inside the 1 h cool-down) for 5 h: alerted on the first
        // evidence at or after an hour from when it was found, at that evidence's time; time alone (a TICK, the
        // data may have stopped) alerts nothing, and no timer is asked for it
        Run r = new Run().on(start(EpisodeType.ATRIAL_FIBRILLATION, T0, T0 + MIN))
                .on(end(EpisodeType.ATRIAL_FIBRILLATION, T0 + 30 * MIN));
        assertThat(r.kinds()).containsExactly(OPENED, CLOSED);
        r.out.clear();
        r.on(start(EpisodeType.ATRIAL_FIBRILLATION, T0 + 50 * MIN, T0 + 51 * MIN));
        r.on(update(EpisodeType.ATRIAL_FIBRILLATION, T0 + 100 * MIN, 95));
        assertThat(EpisodeLifecycle.nextTimerMs(r.s, RULES.rule(EpisodeType.ATRIAL_FIBRILLATION))).isEqualTo(EpisodeState.NO_TIME);
        r.on(Transition.tick(P, EpisodeType.ATRIAL_FIBRILLATION, T0 + 120 * MIN, DV));
        assertThat(r.out).isEmpty();
        r.on(update(EpisodeType.ATRIAL_FIBRILLATION, T0 + 140 * MIN, 95));
        assertThat(r.kinds()).containsExactly(OPENED);
        assertThat(r.out.get(0).atMs()).isEqualTo(T0 + 140 * MIN);
        assertThat(r.out.get(0).episodeStartMs()).isEqualTo(T0 + 50 * MIN);
        r.on(end(EpisodeType.ATRIAL_FIBRILLATION, T0 + 6 * HOUR));
        assertThat(r.kinds()).containsExactly(OPENED, CLOSED);
        // a short recurrence (flapping) after that is still held back and counted in the next alert
        r.out.clear();
        r.on(start(EpisodeType.ATRIAL_FIBRILLATION, T0 + 6 * HOUR + 10 * MIN, T0 + 6 * HOUR + 11 * MIN))
                .on(end(EpisodeType.ATRIAL_FIBRILLATION, T0 + 6 * HOUR + 40 * MIN));
        assertThat(r.out).isEmpty();
        // an END after the due time with no evidence between (it went on until then): alerted then, and closed
        Run late = new Run().on(start(EpisodeType.TACHYCARDIA, T0, T0 + 10 * MIN)).on(end(EpisodeType.TACHYCARDIA, T0 + 30 * MIN));
        late.out.clear();
        late.on(start(EpisodeType.TACHYCARDIA, T0 + 40 * MIN, T0 + 50 * MIN)).on(end(EpisodeType.TACHYCARDIA, T0 + 3 * HOUR));
        assertThat(late.kinds()).containsExactly(OPENED, CLOSED);
        assertThat(late.out.get(0).atMs()).isEqualTo(T0 + 3 * HOUR);
        assertThat(late.out.get(1).episodeEndMs()).isEqualTo(T0 + 3 * HOUR);
    }

    @Test
    void otherTypesCloseWithoutNotifying() {
        for (EpisodeType type : List.of(EpisodeType.TACHYCARDIA, EpisodeType.BRADYCARDIA, EpisodeType.INACTIVITY,
                EpisodeType.ATRIAL_FIBRILLATION)) {
            Run r = new Run().on(start(type, T0, T0 + 10 * MIN)).on(end(type, T0 + 20 * MIN));
            assertThat(r.kinds()).as(type.code()).containsExactly(OPENED, CLOSED);
            assertThat(r.out.get(1).notifyTeam()).as(type.code()).isFalse();
            assertThat(r.out.get(1).reason()).as(type.code()).isNull();
        }
    }

    @Test
    void pauseFollowedByStillnessEscalatesToUrgentAndTheWindowClosesIt() {
        Run r = new Run().on(start(EpisodeType.PAUSE, T0, T0 + 3500));
        r.on(start(EpisodeType.PAUSE, T0 + 2 * MIN, T0 + 2 * MIN + 4000));        // second pause: same episode
        r.on(Transition.escalate(P, EpisodeType.PAUSE, T0 + 12 * MIN, RuleSchema.FOLLOWED_BY_STILLNESS, DV, Map.of()));
        r.on(Transition.escalate(P, EpisodeType.PAUSE, T0 + 13 * MIN, RuleSchema.FOLLOWED_BY_STILLNESS, DV, Map.of()));
        assertThat(r.kinds()).containsExactly(OPENED, ESCALATED);
        assertThat(r.out.get(1).severity()).isEqualTo(Severity.URGENT);
        assertThat(r.out.get(1).reason()).contains("possible syncope or fall");
        long lastPause = T0 + 2 * MIN + 4000;
        assertThat(EpisodeLifecycle.nextTimerMs(r.s, RULES.rule(EpisodeType.PAUSE))).isEqualTo(lastPause + 15 * MIN + 1);
        r.on(Transition.tick(P, EpisodeType.PAUSE, lastPause + 15 * MIN + 1, DV));
        assertThat(r.kinds()).containsExactly(OPENED, ESCALATED, CLOSED);
        assertThat(r.out.get(2).episodeEndMs()).isEqualTo(lastPause);
        // inside the 30 min cool-down a plain pause is suppressed, but one followed by stillness still alerts (urgent)
        r.out.clear();
        r.on(start(EpisodeType.PAUSE, lastPause + 20 * MIN, lastPause + 20 * MIN + 3200));
        assertThat(r.out).isEmpty();
        r.on(Transition.escalate(P, EpisodeType.PAUSE, lastPause + 30 * MIN, RuleSchema.FOLLOWED_BY_STILLNESS, DV, Map.of()));
        assertThat(r.kinds()).containsExactly(OPENED);
        assertThat(r.out.get(0).severity()).isEqualTo(Severity.URGENT);
    }

    @Test
    void bradycardiaOpenedOnSevereCriterionStartsUrgentWithoutASeparateEscalation() {
        Run r = new Run().on(Transition.startEscalated(P, EpisodeType.BRADYCARDIA, T0, T0 + MIN,
                RuleSchema.SEVERE_BRADYCARDIA, DV, Map.of()));
        r.on(Transition.escalate(P, EpisodeType.BRADYCARDIA, T0 + 2 * MIN, RuleSchema.SEVERE_BRADYCARDIA, DV, Map.of()));
        assertThat(r.kinds()).containsExactly(OPENED);
        assertThat(r.out.get(0).severity()).isEqualTo(Severity.URGENT);
    }

    @Test
    void transitionsWithoutAnEpisodeDoNothing() {
        Run r = new Run().on(end(EpisodeType.TACHYCARDIA, T0)).on(update(EpisodeType.TACHYCARDIA, T0, 150))
                .on(Transition.escalate(P, EpisodeType.BRADYCARDIA, T0, RuleSchema.SEVERE_BRADYCARDIA, DV, Map.of()));
        assertThat(r.out).isEmpty();
    }

    /**
     * A pseudonym is issued by a programme: the same pseudonym in two programmes is two patients. Their episodes of the
     * same type starting at the same instant get different ids, and every change of each (including those the lifecycle
     * makes itself: a pause closed by its window, an escalation held until its episode opened) has its episode's id.
     */
    @Test
    void theSamePseudonymInTwoProgrammesHasEpisodesWithDifferentIds() {
        List<List<AlertChange>> both = new ArrayList<>();
        for (String programme : List.of("cardiac-north", "heart-failure")) {
            Run r = new Run()
                    .on(new Transition(P, EpisodeType.PAUSE, Transition.Kind.ESCALATE, T0, T0 + 2 * MIN,
                            RuleSchema.FOLLOWED_BY_STILLNESS, DV, Map.of(), programme))
                    .on(start(EpisodeType.PAUSE, T0, T0 + 4 * SEC).inProgramme(programme))
                    .on(Transition.tick(P, EpisodeType.PAUSE, T0 + HOUR, DV).inProgramme(programme));
            assertThat(r.kinds()).containsExactly(OPENED, ESCALATED, CLOSED);
            assertThat(r.out).extracting(AlertChange::episodeId)
                    .containsOnly(EpisodeIds.of(programme, P, EpisodeType.PAUSE, DV, T0));
            both.add(r.out);
        }
        assertThat(both.get(0).get(0).episodeId()).isNotEqualTo(both.get(1).get(0).episodeId());
        // each programme's patient has one episode with one id; the unenrolment's close too
        for (String programme : List.of("cardiac-north", "heart-failure")) {
            Run r = new Run().on(start(EpisodeType.TACHYCARDIA, T0, T0 + 10 * MIN).inProgramme(programme));
            List<AlertChange> closed = EpisodeLifecycle.onUnenrolment(r.s, programme, P, EpisodeType.TACHYCARDIA, RULES, DV);
            assertThat(closed).extracting(AlertChange::episodeId).containsOnly(r.out.get(0).episodeId(),
                    EpisodeIds.of(programme, P, EpisodeType.TACHYCARDIA, DV, T0));
        }
    }

    @Test
    void idsAreDeterministicAndReplayGivesIdenticalChanges() {
        String id = EpisodeIds.of(null, P, EpisodeType.PAUSE, DV, T0);
        assertThat(id).hasSize(32).matches("[0-9a-f]{32}");
        assertThat(EpisodeIds.of(null, P, EpisodeType.PAUSE, DV, T0)).isEqualTo(id);
        assertThat(EpisodeIds.of(null, P, EpisodeType.PAUSE, DV, T0 + 1)).isNotEqualTo(id);
        assertThat(EpisodeIds.of(null, P, EpisodeType.PAUSE, "test-detector/2", T0)).isNotEqualTo(id);
        assertThat(EpisodeIds.of(null, "patient-0002", EpisodeType.PAUSE, DV, T0)).isNotEqualTo(id);
        assertThat(EpisodeIds.of(null, P, EpisodeType.BRADYCARDIA, DV, T0)).isNotEqualTo(id);
        // the documented construction: SHA-256 of the programme (none here) and the four fields joined by newlines,
        // first 16 bytes in hex
        assertThat(id).isEqualTo(sha256Prefix("\n" + P + "\npause\n" + DV + "\n" + java.time.Instant.ofEpochMilli(T0)));
        assertThat(EpisodeIds.of("cardiac-north", P, EpisodeType.PAUSE, DV, T0)).isEqualTo(sha256Prefix("cardiac-north\n"
                + P + "\npause\n" + DV + "\n" + java.time.Instant.ofEpochMilli(T0)));
        // the scheme of the releases before the programme was in the id: the four fields alone
        assertThat(EpisodeIds.of(EpisodeIds.SCHEME_PSEUDONYM, "cardiac-north", P, EpisodeType.PAUSE, DV, T0))
                .isEqualTo(sha256Prefix(P + "\npause\n" + DV + "\n" + java.time.Instant.ofEpochMilli(T0)));

        List<Transition> script = new ArrayList<>();
        script.addAll(Transitions.fromRhythm(P, new AfOnset(T0, T0 + 40 * SEC, 0.2, 120)));
        for (int i = 1; i <= 12; i++) script.add(update(EpisodeType.ATRIAL_FIBRILLATION, T0 + i * MIN, 125));
        script.add(fastRate(T0 + MIN, T0 + 6 * MIN));
        script.addAll(Transitions.fromRhythm(P, new AfOffset(T0, T0 + 20 * MIN, T0 + 21 * MIN, AfOffset.Reason.REGULAR_RHYTHM)));
        Run a = new Run(), b = new Run();
        script.forEach(a::on);
        script.forEach(b::on);
        assertThat(a.kinds()).containsExactly(OPENED, ESCALATED, CLOSED);
        assertThat(b.out).isEqualTo(a.out);
        assertThat(a.out.get(0).episodeId())
                .isEqualTo(EpisodeIds.of(null, P, EpisodeType.ATRIAL_FIBRILLATION, Transitions.RHYTHM_DETECTOR_VERSION, T0));
    }

    @Test
    void wearEventsMapToDeviceOfflineAndInactivityTransitions() {
        List<Transition> off = Transitions.fromWearActivity(P,
                new WearActivityEvent.StateChange(ActivityState.ACTIVE, ActivityState.NO_DATA, T0 + 2 * HOUR, T0));
        assertThat(off).singleElement().satisfies(t -> {
            assertThat(t.type()).isEqualTo(EpisodeType.DEVICE_OFFLINE);
            assertThat(t.kind()).isEqualTo(Transition.Kind.START);
            assertThat(t.episodeStartMs()).isEqualTo(T0);
        });
        assertThat(Transitions.fromWearActivity(P,
                new WearActivityEvent.StateChange(ActivityState.ACTIVE, ActivityState.NOT_WORN, T0, T0))).isEmpty();
    }

    @Test
    void stateIsSmallAndRoundTrips() {
        Run r = new Run().on(start(EpisodeType.TACHYCARDIA, T0, T0 + 10 * MIN));
        byte[] bytes = r.s.toBytes();
        // + 16: the latest evidence's receipt and delay (format 7); + 3 + 15: the detector version that started the
        // episode and those of the last alerted and suppressed episodes, none here (format 8); + 8: when the data
        // resumed while an AF close is held for a data gap (format 11); + 9: when the data resumed after the gap the last
        // alert closed for, and whether the episode was re-opened by data filling such a gap (format 12); + 48: the gap an
        // AF alert went on across and the analysis of its readings uploaded late (format 13); + 1: no earlier closed
        // alert remembered (format 14)
        assertThat(bytes.length).isLessThanOrEqualTo(EpisodeState.MAX_SERIALIZED_SIZE)
                .isLessThan(100 + 3 + 16 + 3 + DV.length() + 8 + 9 + 48 + 1);
        EpisodeState back = EpisodeState.fromBytes(bytes);
        assertThat(back).isEqualTo(r.s);
        assertThat(EpisodeLifecycle.onTransition(back, end(EpisodeType.TACHYCARDIA, T0 + HOUR), RULES))
                .isEqualTo(EpisodeLifecycle.onTransition(r.s, end(EpisodeType.TACHYCARDIA, T0 + HOUR), RULES));
        // the episode id is derived from the state (its start and the detector version that started it), not stored in
        // it; the evidence kept is small (three count bytes when empty, 9 bytes a value), and so are the versions (one
        // byte when absent, one and the version's UTF-8 bytes otherwise)
        assertThat(new EpisodeState().toBytes()).hasSize(EpisodeState.MAX_SERIALIZED_SIZE
                - 3 * (EpisodeEvidence.MAX_SERIALIZED_SIZE - 1) - 2 * (EpisodeEvidence.MAX_EPISODE_SERIALIZED_SIZE - 1)
                - 3 * EpisodeState.MAX_DETECTOR_VERSION_BYTES
                - EpisodeState.MAX_EARLIER_ALERTS * (8 + 8 + 1 + 4 + 1 + 1 + EpisodeState.MAX_DETECTOR_VERSION_BYTES));
        // state written by the previous formats still reads, as from a savepoint: 5 (without the ended episodes'
        // evidence), 4 (without any evidence) and 3 (without the last suppressed episode either)
        EpisodeState idle = new EpisodeState();
        idle.episodeStartMs = T0;
        byte[] six = idle.toBytes();
        byte[] v5 = java.util.Arrays.copyOf(six, six.length - 2);
        v5[0] = 5;
        assertThat(EpisodeState.fromBytes(v5).episodeStartMs).isEqualTo(T0);
        assertThat(EpisodeState.fromBytes(v5).lastAlertEvidence).isEmpty();
        byte[] v4 = java.util.Arrays.copyOf(six, six.length - 2 - 3);
        v4[0] = 4;
        assertThat(EpisodeState.fromBytes(v4).episodeStartMs).isEqualTo(T0);
        assertThat(EpisodeState.fromBytes(v4).openingEvidence).isEmpty();
        byte[] v3 = java.util.Arrays.copyOf(bytes, bytes.length - (3 + DV.length()) - 16 - 3 - 2
                - 9 * r.s.openingEvidence.size());
        v3[0] = 3;
        EpisodeState old = EpisodeState.fromBytes(v3);
        assertThat(old.episodeStartMs).isEqualTo(T0);
        assertThat(old.pendingMask).isEqualTo(r.s.pendingMask);
        assertThat(old.lastSuppressedStartMs).isEqualTo(EpisodeState.NO_TIME);
        assertThat(old.openingEvidence).isEmpty();
        assertThat(old.detectorVersion).isNull();
        assertThat(old.toBytes()).hasSize(bytes.length - 9 * r.s.openingEvidence.size() - DV.length());
    }

    @Test
    void theClosingRecordKeepsTheEvidenceThatOpenedAndEscalatedTheEpisode() {
        // AF opened at a mean rate of 92, escalated for a fast rate of 131 sustained 5 min, closed with no evidence of
        // its own: a server that keeps only the last version must still show why it was raised
        Run af = new Run().on(Transition.start(P, EpisodeType.ATRIAL_FIBRILLATION, T0, T0 + 35 * SEC, DV,
                Map.of("meanRateBpm", 92.0, "irregularity", 0.21)));
        af.on(new Transition(P, EpisodeType.ATRIAL_FIBRILLATION, Transition.Kind.ESCALATE, T0 + 2 * MIN, T0 + 7 * MIN,
                RuleSchema.FAST_VENTRICULAR_RATE, DV, Map.of("fastRateBpm", 131.0, "fastMinutes", 5.0)));
        af.on(end(EpisodeType.ATRIAL_FIBRILLATION, T0 + 40 * MIN));
        assertThat(af.kinds()).containsExactly(OPENED, ESCALATED, CLOSED);
        AlertChange escalated = af.out.get(1);
        assertThat(escalated.reason()).isEqualTo(
                "AF with fast ventricular rate: smoothed mean above 110/min for 5 min, reaching 131/min");
        AlertChange closed = af.out.get(2);
        assertThat(closed.severity()).isEqualTo(Severity.URGENT);
        assertThat(closed.episodeStartMs()).isEqualTo(T0);
        assertThat(closed.episodeEndMs()).isEqualTo(T0 + 40 * MIN);
        assertThat(closed.evidence()).containsEntry("fastRateBpm", 131.0).containsEntry("fastMinutes", 5.0)
                .containsEntry("meanRateBpm", 92.0).containsEntry("irregularity", 0.21);

        // a pause escalated for stillness (possible syncope or fall), closed when its window expires
        Run pause = new Run().on(Transition.start(P, EpisodeType.PAUSE, T0, T0 + 4 * SEC, DV, Map.of("pauseMs", 4200.0)));
        pause.on(new Transition(P, EpisodeType.PAUSE, Transition.Kind.ESCALATE, T0, T0 + 12 * MIN,
                RuleSchema.FOLLOWED_BY_STILLNESS, DV, Map.of("pauseMs", 4200.0, "stillMinutes", 10.0)));
        pause.on(Transition.tick(P, EpisodeType.PAUSE, T0 + 5 * HOUR, DV));
        assertThat(pause.kinds()).containsExactly(OPENED, ESCALATED, CLOSED);
        assertThat(pause.out.get(1).reason()).isEqualTo("possible syncope or fall: pause of 4.2 s followed by stillness for 10 min");
        assertThat(pause.out.get(2).evidence()).containsEntry("pauseMs", 4200.0).containsEntry("stillMinutes", 10.0);
        assertThat(pause.out.get(2).severity()).isEqualTo(Severity.URGENT);
        // and the state that carried it is small and round-trips
        EpisodeState mid = new Run().on(Transition.start(P, EpisodeType.PAUSE, T0, T0 + 4 * SEC, DV,
                Map.of("pauseMs", 4200.0))).s;
        assertThat(EpisodeState.fromBytes(mid.toBytes()).openingEvidence).containsEntry("pauseMs", 4200.0);
    }

    @Test
    void anEscalationConfirmedAfterItsEpisodeClosedStillCarriesWhatOpenedIt() {
        // issue 14: the late ESCALATED is the closed episode's latest version (a FHIR server keeping only the latest
        // shows this one), so it carries the opening evidence and the closing summaries beside its own
        Run af = new Run().on(Transition.start(P, EpisodeType.ATRIAL_FIBRILLATION, T0, T0 + 35 * SEC, DV,
                Map.of("onsetRateBpm", 96.0, "irregularity", 0.42)));
        af.on(end(EpisodeType.ATRIAL_FIBRILLATION, T0 + 40 * MIN));
        af.on(new Transition(P, EpisodeType.ATRIAL_FIBRILLATION, Transition.Kind.ESCALATE, T0 + 2 * MIN, T0 + 7 * MIN,
                RuleSchema.FAST_VENTRICULAR_RATE, DV, Map.of("fastRateBpm", 131.0, "fastMinutes", 5.0)));
        assertThat(af.kinds()).containsExactly(OPENED, CLOSED, ESCALATED);
        AlertChange late = af.out.get(2);
        assertThat(late.ended()).isTrue();
        assertThat(late.episodeStartMs()).isEqualTo(T0);
        assertThat(late.episodeEndMs()).isEqualTo(T0 + 40 * MIN);
        assertThat(late.evidence()).containsEntry("onsetRateBpm", 96.0).containsEntry("irregularity", 0.42)
                .containsEntry("fastRateBpm", 131.0).containsEntry("fastMinutes", 5.0);
        // the same after a restore between the close and the late match (the closed episode's evidence is state)
        Run restored = new Run().on(Transition.start(P, EpisodeType.ATRIAL_FIBRILLATION, T0, T0 + 35 * SEC, DV,
                Map.of("onsetRateBpm", 96.0, "irregularity", 0.42))).on(end(EpisodeType.ATRIAL_FIBRILLATION, T0 + 40 * MIN));
        EpisodeState back = EpisodeState.fromBytes(restored.s.toBytes());
        assertThat(EpisodeLifecycle.onTransition(back, new Transition(P, EpisodeType.ATRIAL_FIBRILLATION,
                Transition.Kind.ESCALATE, T0 + 2 * MIN, T0 + 7 * MIN, RuleSchema.FAST_VENTRICULAR_RATE, DV,
                Map.of("fastRateBpm", 131.0, "fastMinutes", 5.0)), RULES)).singleElement()
                .satisfies(c -> assertThat(c.evidence()).isEqualTo(late.evidence()));

        // a suppressed (cool-down) episode promoted after it ended: both records carry what opened it and the pause
        Run p = new Run().on(Transition.start(P, EpisodeType.ATRIAL_FIBRILLATION, T0, T0 + 35 * SEC, DV,
                Map.of("onsetRateBpm", 90.0)));
        p.on(end(EpisodeType.ATRIAL_FIBRILLATION, T0 + 10 * MIN));
        p.on(Transition.start(P, EpisodeType.ATRIAL_FIBRILLATION, T0 + 20 * MIN, T0 + 21 * MIN, DV,
                Map.of("onsetRateBpm", 104.0, "irregularity", 0.37)));
        p.on(end(EpisodeType.ATRIAL_FIBRILLATION, T0 + 50 * MIN));
        assertThat(p.kinds()).containsExactly(OPENED, CLOSED);
        p.on(new Transition(P, EpisodeType.ATRIAL_FIBRILLATION, Transition.Kind.ESCALATE, T0 + 25 * MIN, T0 + 31 * MIN,
                RuleSchema.FAST_VENTRICULAR_RATE, DV, Map.of("fastRateBpm", 128.0, "fastMinutes", 6.0)));
        assertThat(p.kinds()).containsExactly(OPENED, CLOSED, OPENED, CLOSED);
        for (AlertChange c : p.out.subList(2, 4)) {
            assertThat(c.episodeStartMs()).isEqualTo(T0 + 20 * MIN);
            assertThat(c.evidence()).as(c.kind().name()).containsEntry("onsetRateBpm", 104.0)
                    .containsEntry("irregularity", 0.37).containsEntry("fastRateBpm", 128.0);
        }
        assertThat(p.out.get(3).episodeEndMs()).isEqualTo(T0 + 50 * MIN);
    }

    @Test
    void anAfStartStatesThePatientsOwnBarsAndEveryLaterRecordOfTheEpisodeKeepsThem() {
        AfOnset onset = new AfOnset(T0, T0 + 40 * SEC, 0.93, 84);
        // the validated bars: the AF start says nothing of them; the onset bar alone, or the bar without a rise alone
        assertThat(Transitions.fromRhythm(P, onset)).singleElement()
                .satisfies(t -> assertThat(t.evidence()).containsOnlyKeys("onsetRateBpm", "irregularity"));
        assertThat(Transitions.fromRhythm(P, onset, new org.wardstream.signals.RhythmRuleParameters.OwnOnsetBars(0.91, Double.NaN))).singleElement()
                .satisfies(t -> assertThat(t.evidence()).containsOnlyKeys("onsetRateBpm", "irregularity", "onsetBar"));
        assertThat(Transitions.fromRhythm(P, onset, new org.wardstream.signals.RhythmRuleParameters.OwnOnsetBars(Double.NaN, 0.87)))
                .singleElement().satisfies(t -> assertThat(t.evidence()).containsOnlyKeys("onsetRateBpm", "irregularity",
                        "onsetBarWithoutRateRise").containsEntry("onsetBarWithoutRateRise", 0.87));
        // both bars of the patient's own: the four values of the start are all kept (EpisodeEvidence.MAX_VALUES), through a
        // savepoint, and the escalation, the close and an escalation confirmed after the close still carry them
        var own = new org.wardstream.signals.RhythmRuleParameters.OwnOnsetBars(0.91, 0.87);
        Run af = new Run();
        Transitions.fromRhythm(P, onset, own).forEach(af::on);
        assertThat(af.kinds()).containsExactly(OPENED);
        assertThat(af.out.get(0).evidence()).containsEntry("onsetBar", 0.91).containsEntry("onsetBarWithoutRateRise", 0.87)
                .containsEntry("onsetRateBpm", 84.0).containsEntry("irregularity", 0.93);
        EpisodeState restored = EpisodeState.fromBytes(af.s.toBytes());
        assertThat(restored.openingEvidence).isEqualTo(af.out.get(0).evidence());
        List<AlertChange> later = new ArrayList<>(EpisodeLifecycle.onTransition(restored, new Transition(P,
                EpisodeType.ATRIAL_FIBRILLATION, Transition.Kind.ESCALATE, T0 + 2 * MIN, T0 + 7 * MIN,
                RuleSchema.FAST_VENTRICULAR_RATE, DV, Map.of("fastRateBpm", 131.0, "fastMinutes", 5.0)), RULES));
        for (Transition t : Transitions.fromRhythm(P, new AfOffset(T0, T0 + 20 * MIN, T0 + 21 * MIN, AfOffset.Reason.REGULAR_RHYTHM))) {
            later.addAll(EpisodeLifecycle.onTransition(restored, t, RULES));
        }
        restored = EpisodeState.fromBytes(restored.toBytes());
        restored.lastEscalatedMask = 0; // as if it had closed routine: a fast rate confirmed after the close escalates it
        restored.lastSeverity = 0;
        later.addAll(EpisodeLifecycle.onTransition(restored, new Transition(P, EpisodeType.ATRIAL_FIBRILLATION,
                Transition.Kind.ESCALATE, T0 + 10 * MIN, T0 + 25 * MIN, RuleSchema.FAST_VENTRICULAR_RATE, DV,
                Map.of("fastRateBpm", 128.0, "fastMinutes", 6.0)), RULES));
        assertThat(later).extracting(AlertChange::kind).containsExactly(ESCALATED, CLOSED, ESCALATED);
        assertThat(later).allSatisfy(c -> assertThat(c.evidence()).as(c.kind().name()).containsEntry("onsetBar", 0.91)
                .containsEntry("onsetBarWithoutRateRise", 0.87).containsEntry("onsetRateBpm", 84.0).containsEntry("irregularity", 0.93));
    }

    private static String sha256Prefix(String s) {
        try {
            byte[] h = java.security.MessageDigest.getInstance("SHA-256").digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < 16; i++) sb.append(String.format("%02x", h[i]));
            return sb.toString();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
