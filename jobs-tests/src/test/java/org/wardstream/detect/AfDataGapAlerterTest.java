package org.wardstream.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;
import org.wardstream.episodes.Transition;
import org.wardstream.episodes.Transitions;
import org.wardstream.ingest.EnrolmentUpdate;
import org.wardstream.ingest.IngestSettings;
import org.wardstream.ingest.PatientKeys;
import org.wardstream.ingest.PatientProfile;
import org.wardstream.rhythm.AfOffset;
import org.wardstream.rhythm.AfOnset;
import org.wardstream.rules.EpisodeType;
import org.wardstream.rules.Rules;

/**
 * An AF alert across a gap in the data, through the job's alert operator ({@link EpisodeAlerter}, its event-time timer):
 * the RR analyser's close for the gap (found when the data resumed) is held; AF found again at once continues the
 * alert (a record-only UPDATED, no close, no new alert); no AF within 10 min of the resumption closes it at its last
 * evidence before the gap on the operator's timer, with the same records whether the watermark (the timer) or the next
 * transition reaches the operator first (adversarial probe 18a, D4).
 */
class AfDataGapAlerterTest {
    private static final long T0 = 1_772_441_000_000L, SEC = 1_000L, MIN = 60_000L;
    private static final String P = "p-gap";

    private static EnrolmentUpdate enrolment() {
        PatientProfile p = new PatientProfile();
        p.programme = "prog-a";
        p.status = "ACTIVE";
        p.timeZone = "Europe/London";
        return new EnrolmentUpdate("prog-a", P, p);
    }

    private static StreamedTransition of(org.wardstream.rhythm.RhythmEvent e, long receivedMs) {
        return StreamedTransition.of(Transitions.fromRhythm(P, e).get(0), "prog-a", 0, receivedMs);
    }

    private static StreamedTransition segment(long atMs) {
        return StreamedTransition.of(Transition.update(P, EpisodeType.ATRIAL_FIBRILLATION, atMs,
                Transitions.RHYTHM_DETECTOR_VERSION, Map.of("meanRateBpm", 88.0)), "prog-a", 0, atMs);
    }

    /** AF from T0 (alerted), evidence to {@code lastBeat}, the watch off until {@code resumed}; then {@code after}. */
    private static List<StreamedAlertChange> run(long lastBeat, long resumed, List<StreamedTransition> after,
                                                 Long watermarkBeforeAfter) throws Exception {
        try (var h = ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(new EpisodeAlerter(Rules.loadClasspath(),
                        IngestSettings.defaults()), (StreamedTransition s) -> PatientKeys.of(s.programme, s.patientId),
                PatientKeys::of, Types.STRING)) {
            h.processElement2(new StreamRecord<>(enrolment()));
            List<StreamedTransition> before = new ArrayList<>();
            before.add(of(new AfOnset(T0, T0 + 40 * SEC, 0.97, 90), T0 + 40 * SEC));
            for (long t = T0 + MIN; t <= lastBeat; t += MIN) before.add(segment(t));
            before.add(of(new AfOffset(T0, lastBeat, resumed, AfOffset.Reason.DATA_GAP), resumed));
            for (StreamedTransition s : before) {
                h.processElement1(new StreamRecord<>(s, s.atMs));
                h.processBothWatermarks(new Watermark(s.atMs - 5 * MIN)); // the job's watermark trails its data
            }
            if (watermarkBeforeAfter != null) h.processBothWatermarks(new Watermark(watermarkBeforeAfter));
            for (StreamedTransition s : after) h.processElement1(new StreamRecord<>(s, s.atMs));
            h.processBothWatermarks(Watermark.MAX_WATERMARK); // the end of the input: whatever is still due
            return new ArrayList<>(h.extractOutputValues());
        }
    }

    private static List<String> records(List<StreamedAlertChange> changes) {
        return changes.stream().map(c -> c.kind + " " + c.notifyTeam + " " + c.episodeId + " " + c.atMs + " "
                + c.episodeEndMs + " " + c.reason + " " + c.evidenceReceivedMs).toList();
    }

    @Test
    void afFoundAgainWhenTheDataResumeUpdatesTheOpenAlertAndNothingClosesIt() throws Exception {
        long lastBeat = T0 + 60 * MIN, resumed = lastBeat + 15 * MIN;
        List<StreamedAlertChange> out = run(lastBeat, resumed,
                List.of(of(new AfOnset(resumed, resumed + 40 * SEC, 0.96, 92), resumed + 40 * SEC)), null);
        assertThat(out).extracting(c -> c.kind).containsExactly("OPENED", "UPDATED");
        StreamedAlertChange updated = out.get(1);
        assertThat(updated.episodeId).isEqualTo(out.get(0).episodeId);
        assertThat(updated.notifyTeam).isFalse();
        assertThat(updated.reason).isEqualTo("data resumed after 15 min without data; AF still present (the same episode)");
        assertThat(updated.evidence).containsEntry(Transition.NO_DATA_MINUTES, 15.0);
    }

    @Test
    void withoutAfAfterTheDataResumeTheTimerClosesTheAlertAtItsLastEvidenceWhicheverComesFirst() throws Exception {
        long lastBeat = T0 + 60 * MIN, resumed = lastBeat + 15 * MIN;
        long due = resumed + 10 * MIN;
        // AF again 30 min after the resumption, after a regular rhythm: a recurrence within the cool-down of the close
        List<StreamedTransition> later = List.of(of(new AfOnset(resumed + 30 * MIN, resumed + 31 * MIN, 0.96, 92),
                resumed + 31 * MIN));
        List<StreamedAlertChange> timerFirst = run(lastBeat, resumed, later, due + 6 * MIN);
        List<StreamedAlertChange> transitionFirst = run(lastBeat, resumed, later, null);
        assertThat(records(transitionFirst)).isEqualTo(records(timerFirst));
        assertThat(timerFirst).extracting(c -> c.kind).containsExactly("OPENED", "CLOSED");
        StreamedAlertChange closed = timerFirst.get(1);
        assertThat(closed.episodeEndMs).as("at its last evidence, before the watch came off").isEqualTo(lastBeat);
        assertThat(closed.reason).isEqualTo("no data for 15 min; AF not found again when the data resumed");
        assertThat(closed.notifyTeam).isFalse();
        // and with nothing after the resumption at all: closed by the timer alone
        assertThat(records(run(lastBeat, resumed, List.of(), null))).isEqualTo(records(timerFirst));
    }
}
