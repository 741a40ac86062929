package org.wardstream.episodes;

import org.junit.jupiter.api.Test;
import org.wardstream.rules.EpisodeType;
import org.wardstream.rules.RuleSchema;
import org.wardstream.rules.Severity;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.wardstream.episodes.AlertChange.Kind.CLOSED;
import static org.wardstream.episodes.AlertChange.Kind.ESCALATED;
import static org.wardstream.episodes.AlertChange.Kind.OPENED;
import static org.wardstream.episodes.AlertChange.Kind.UPDATED;
import static org.wardstream.episodes.EpisodeLifecycleTest.DV;
import static org.wardstream.episodes.EpisodeLifecycleTest.HOUR;
import static org.wardstream.episodes.EpisodeLifecycleTest.MIN;
import static org.wardstream.episodes.EpisodeLifecycleTest.P;
import static org.wardstream.episodes.EpisodeLifecycleTest.T0;

/**
 * An episode of a type found in the buffer of a gap in the data ({@link Transition#IN_FILLED_GAP}, uploaded after the
 * data resumed), between alert A of its type (closed when the data stopped) and alert B (opened when they resumed).
 * Before session 25 it raised a THIRD alert (jobs' {@code BradyBufferBetweenTwoAlertsTest}); session 24's draft fix
 * (late24b) dropped it with nothing recorded and no escalation. Now: it is recorded on B (record-only UPDATED,
 * {@link AlertChange#earlierEpisodeInLateData}: on the closed B with B's end; on an open B by the gap-fill path), and a
 * condition more severe than B still raises what it raises today (closed B: an alert at the escalated severity; open B:
 * B is escalated, where before nothing was raised).
 *
 * <p>A: minutes 0-20; gap in the live data to minute 180 (3 h, longer than the 2 h bradycardia cool-down, so that B is
 * a new alert); B: from minute 180 (the data resuming) to 210; the buffer's episode from minute 60.
 */
class BufferBetweenTwoAlertsLifecycleTest {

    static final long GAP_TO = T0 + 180 * MIN;
    static final long B_START = GAP_TO, B_END = GAP_TO + 30 * MIN, BUFFER_START = T0 + 60 * MIN;

    /** A and B of {@code type} (B escalated with {@code bCondition} if not null), both closed. */
    static EpisodeLifecycleTest.Run twoClosedAlerts(EpisodeType type, String bCondition) {
        EpisodeLifecycleTest.Run r = new EpisodeLifecycleTest.Run()
                .on(EpisodeLifecycleTest.start(type, T0, T0 + 10 * MIN))
                .on(EpisodeLifecycleTest.end(type, T0 + 20 * MIN))
                .on(bCondition == null ? EpisodeLifecycleTest.start(type, B_START, B_START + 10 * MIN)
                        : Transition.startEscalated(P, type, B_START, B_START + 10 * MIN, bCondition, DV, Map.of()))
                .on(EpisodeLifecycleTest.end(type, B_END));
        assertThat(r.kinds()).as("A and B alerted and closed").containsExactly(OPENED, CLOSED, OPENED, CLOSED);
        r.out.clear();
        return r;
    }

    static Transition buffered(Transition t, double gapTo) {
        return t.withEvidence(Transition.IN_FILLED_GAP, gapTo);
    }

    static Transition bufferStart(EpisodeType type, String condition) {
        Transition t = condition == null ? EpisodeLifecycleTest.start(type, BUFFER_START, BUFFER_START + 10 * MIN)
                : Transition.startEscalated(P, type, BUFFER_START, BUFFER_START + 10 * MIN, condition, DV, Map.of());
        return buffered(t, GAP_TO);
    }

    static String idOfB(EpisodeType type) {
        return EpisodeIds.of(EpisodeIds.CURRENT_SCHEME, null, P, type, DV, B_START);
    }

    /** The record-only UPDATED of the closed B saying the late data show the condition for 2 h before its start. */
    static void recordedOnClosedB(AlertChange c, EpisodeType type, Severity severity) {
        assertThat(c.kind()).isEqualTo(UPDATED);
        assertThat(c.notifyTeam()).as("record only").isFalse();
        assertThat(c.episodeId()).as("B's id").isEqualTo(idOfB(type));
        assertThat(c.episodeStartMs()).isEqualTo(B_START);
        assertThat(c.episodeEndMs()).as("B's end: the record stays final").isEqualTo(B_END);
        assertThat(c.severity()).isEqualTo(severity);
        assertThat(c.reason()).isEqualTo(AlertChange.earlierEpisodeInLateData(B_START - BUFFER_START))
                .contains("2 h before this alert's start");
    }

    /** The buffer's episode of {@code type} (evidence at 20 min, end at 40 min): one record on the closed B, nothing else. */
    static void onlyRecordedOnClosedB(EpisodeType type, Severity severityOfB) {
        EpisodeLifecycleTest.Run r = twoClosedAlerts(type, null);
        r.on(bufferStart(type, null))
                .on(EpisodeLifecycleTest.update(type, BUFFER_START + 20 * MIN, 45))
                .on(EpisodeLifecycleTest.end(type, BUFFER_START + 40 * MIN));
        assertThat(r.out).as("no third alert, one record on B").hasSize(1);
        recordedOnClosedB(r.out.get(0), type, severityOfB);
    }

    @Test
    void aBradycardiaInTheBufferIsRecordedOnTheClosedAlertOpenedWhenTheDataResumedNotAlerted() {
        onlyRecordedOnClosedB(EpisodeType.BRADYCARDIA, Severity.ROUTINE);
    }

    @Test
    void aSevereBradycardiaInTheBufferBetweenTwoUrgentAlertsIsRecordedNotAlerted() {
        EpisodeLifecycleTest.Run r = twoClosedAlerts(EpisodeType.BRADYCARDIA, RuleSchema.SEVERE_BRADYCARDIA);
        r.on(bufferStart(EpisodeType.BRADYCARDIA, RuleSchema.SEVERE_BRADYCARDIA))
                .on(EpisodeLifecycleTest.end(EpisodeType.BRADYCARDIA, BUFFER_START + 40 * MIN));
        assertThat(r.out).as("B was urgent: nothing more severe, one record on B").hasSize(1);
        recordedOnClosedB(r.out.get(0), EpisodeType.BRADYCARDIA, Severity.URGENT);
    }

    /** What it raised before session 25 too: an urgent notifying alert for the buffer's severe bradycardia. */
    @Test
    void aSevereBradycardiaInTheBufferBetweenTwoRoutineAlertsStillRaisesAnUrgentAlert() {
        EpisodeLifecycleTest.Run r = twoClosedAlerts(EpisodeType.BRADYCARDIA, null);
        r.on(bufferStart(EpisodeType.BRADYCARDIA, RuleSchema.SEVERE_BRADYCARDIA))
                .on(EpisodeLifecycleTest.end(EpisodeType.BRADYCARDIA, BUFFER_START + 40 * MIN));
        List<AlertChange> opened = r.out.stream().filter(c -> c.kind() == OPENED).toList();
        assertThat(opened).as("an urgent alert for the buffer's episode: %s", r.out).hasSize(1);
        assertThat(opened.get(0).severity()).isEqualTo(Severity.URGENT);
        assertThat(opened.get(0).notifyTeam()).isTrue();
        assertThat(opened.get(0).episodeStartMs()).isEqualTo(BUFFER_START);
        assertThat(r.out).as("and it closes where the buffer shows it ended").anyMatch(c -> c.kind() == CLOSED
                && c.episodeId().equals(opened.get(0).episodeId()) && c.episodeEndMs() == BUFFER_START + 40 * MIN);
    }

    /** Severe only later in the buffer's episode: before session 25 OPENED routine then ESCALATED urgent. */
    @Test
    void aBradycardiaInTheBufferTurningSevereStillRaisesAnUrgentNotification() {
        EpisodeLifecycleTest.Run r = twoClosedAlerts(EpisodeType.BRADYCARDIA, null);
        r.on(bufferStart(EpisodeType.BRADYCARDIA, null))
                .on(Transition.escalate(P, EpisodeType.BRADYCARDIA, BUFFER_START + 20 * MIN,
                        RuleSchema.SEVERE_BRADYCARDIA, DV, Map.of("minRateBpm", 36.0)));
        assertThat(r.out).as("an urgent notification about the buffer's episode: %s", r.out)
                .anyMatch(c -> c.notifyTeam() && c.severity() == Severity.URGENT && c.episodeStartMs() == BUFFER_START
                        && (c.kind() == OPENED || c.kind() == ESCALATED));
    }

    @Test
    void aTachycardiaInTheBufferIsRecordedOnTheClosedAlertOpenedWhenTheDataResumedNotAlerted() {
        onlyRecordedOnClosedB(EpisodeType.TACHYCARDIA, Severity.URGENT);
    }

    @Test
    void anAfEpisodeInTheBufferIsRecordedOnTheClosedAlertOpenedWhenTheDataResumedNotAlerted() {
        onlyRecordedOnClosedB(EpisodeType.ATRIAL_FIBRILLATION, Severity.ROUTINE);
    }

    /** B began long after the gap's end: not the alert of the data resuming; the episode is alerted as before. */
    @Test
    void anEpisodeInTheBufferOfAnEarlierGapIsAlertedAsBefore() {
        EpisodeLifecycleTest.Run r = twoClosedAlerts(EpisodeType.BRADYCARDIA, null);
        r.on(buffered(EpisodeLifecycleTest.start(EpisodeType.BRADYCARDIA, BUFFER_START, BUFFER_START + 10 * MIN),
                BUFFER_START + 30 * MIN));
        assertThat(r.kinds()).containsExactly(OPENED);
    }

    /** The mark of releases before session 25 (value 1: no gap end known): as before. */
    @Test
    void aStartMarkedByAnOlderReleaseIsAlertedAsBefore() {
        EpisodeLifecycleTest.Run r = twoClosedAlerts(EpisodeType.BRADYCARDIA, null);
        r.on(buffered(EpisodeLifecycleTest.start(EpisodeType.BRADYCARDIA, BUFFER_START, BUFFER_START + 10 * MIN), 1.0));
        assertThat(r.kinds()).containsExactly(OPENED);
    }

    /**
     * A closed, B (routine) open with evidence at minute 200, and the analysis' restart to fill the gap (which does not
     * close B): the buffer's transitions come next.
     */
    static EpisodeLifecycleTest.Run bOpenWhenTheBufferComes(EpisodeType type) {
        EpisodeLifecycleTest.Run r = new EpisodeLifecycleTest.Run()
                .on(EpisodeLifecycleTest.start(type, T0, T0 + 10 * MIN))
                .on(EpisodeLifecycleTest.end(type, T0 + 20 * MIN))
                .on(EpisodeLifecycleTest.start(type, B_START, B_START + 10 * MIN))
                .on(EpisodeLifecycleTest.update(type, B_START + 20 * MIN, 45));
        assertThat(r.kinds()).containsExactly(OPENED, CLOSED, OPENED);
        assertThat(r.out.get(2).severity()).isEqualTo(Severity.ROUTINE);
        r.out.clear();
        return r.on(new Transition(P, type, Transition.Kind.END, EpisodeState.NO_TIME, B_START + 20 * MIN,
                Transition.GAP_FILL_RESTART, DV, Map.of()));
    }

    /**
     * B still open when the buffer comes: the analysis' restart does not close it, the buffer's episode is recorded on
     * it (session 24) and a severe bradycardia in the buffer escalates it (before: nothing was raised).
     */
    @Test
    void aSevereBradycardiaInTheBufferEscalatesTheOpenRoutineAlert() {
        EpisodeType type = EpisodeType.BRADYCARDIA;
        EpisodeLifecycleTest.Run r = bOpenWhenTheBufferComes(type)
                .on(bufferStart(type, RuleSchema.SEVERE_BRADYCARDIA))
                .on(EpisodeLifecycleTest.end(type, BUFFER_START + 40 * MIN))
                .on(EpisodeLifecycleTest.update(type, B_START + 25 * MIN, 45));
        assertThat(r.out).as("B escalated to urgent, notifying: %s", r.out).anyMatch(c -> c.kind() == ESCALATED
                && c.notifyTeam() && c.severity() == Severity.URGENT && c.episodeId().equals(idOfB(type)));
        assertThat(r.out).as("and the buffer's episode recorded on it").anyMatch(c -> c.kind() == UPDATED
                && !c.notifyTeam() && c.episodeId().equals(idOfB(type)) && c.reason().contains("before this alert's start"));
        assertThat(r.out).as("no other alert").allMatch(c -> c.episodeId().equals(idOfB(type)));
    }

    /**
     * B, an AF alert, still open when the buffer comes: a fast ventricular rate confirmed by the pattern over the
     * buffer's AF (a match referring to a time before B's start) escalates B (before: it referred to no episode and
     * was dropped).
     */
    @Test
    void aFastAfRateInTheBufferEscalatesTheOpenAfAlert() {
        EpisodeType type = EpisodeType.ATRIAL_FIBRILLATION;
        EpisodeLifecycleTest.Run r = bOpenWhenTheBufferComes(type)
                .on(bufferStart(type, null))
                .on(new Transition(P, type, Transition.Kind.ESCALATE, BUFFER_START + 5 * MIN, BUFFER_START + 12 * MIN,
                        RuleSchema.FAST_VENTRICULAR_RATE, DV, Map.of("meanRateBpm", 128.0)))
                .on(EpisodeLifecycleTest.end(type, BUFFER_START + 40 * MIN))
                .on(EpisodeLifecycleTest.update(type, B_START + 25 * MIN, 90));
        assertThat(r.out).as("B escalated, notifying: %s", r.out).anyMatch(c -> c.kind() == ESCALATED
                && c.notifyTeam() && c.severity().ordinal() > Severity.ROUTINE.ordinal() && c.episodeId().equals(idOfB(type)));
        assertThat(r.out).as("no other alert").allMatch(c -> c.episodeId().equals(idOfB(type)));
    }
}
