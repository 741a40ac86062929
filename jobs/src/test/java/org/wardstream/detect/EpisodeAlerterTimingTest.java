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
import org.wardstream.ingest.EnrolmentUpdate;
import org.wardstream.ingest.PatientKeys;
import org.wardstream.rules.EpisodeType;
import org.wardstream.rules.Rules;

/**
 * The alert lifecycle's time-driven changes do not depend on whether the watermark (its timer) or the next transition
 * reaches the alerter first, which is thread timing in the job: a pause episode's window expires, and a later pause
 * arrives; both orders write the same records (the close at the window's end, raised when its evidence was received).
 */
class EpisodeAlerterTimingTest {
    private static final long T0 = 1_772_441_000_000L, MIN = 60_000L;

    private static StreamedTransition pause(long atMs, long receivedMs, long delayedByMs) {
        return StreamedTransition.of(Transition.start("p-timing", EpisodeType.PAUSE, atMs - 4_000, atMs, "rr-pause-1",
                Map.of("pauseMs", 4_000.0)), "prog-a", delayedByMs, receivedMs);
    }

    private static List<StreamedAlertChange> run(boolean watermarkFirst, long delayedByMs) throws Exception {
        try (var h = ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(new EpisodeAlerter(Rules.loadClasspath()),
                (StreamedTransition s) -> PatientKeys.of(s.programme, s.patientId), PatientKeys::of, Types.STRING)) {
            long received = T0 + delayedByMs;
            h.processElement1(new StreamRecord<>(pause(T0, received, delayedByMs), T0));
            StreamedTransition later = pause(T0 + 40 * MIN, received + 40 * MIN, delayedByMs);
            if (watermarkFirst) {
                h.processBothWatermarks(new Watermark(T0 + 30 * MIN)); // past the 15-minute window
            }
            h.processElement1(new StreamRecord<>(later, later.atMs));
            h.processBothWatermarks(new Watermark(T0 + 30 * MIN));
            return new ArrayList<>(h.extractOutputValues());
        }
    }

    private static List<String> records(List<StreamedAlertChange> changes) {
        return changes.stream().map(c -> c.kind + " " + c.episodeStartMs + " " + c.atMs + " " + c.delayedByMs + " "
                + c.evidenceReceivedMs + " " + c.episodeEndMs).toList();
    }

    @Test
    void aWindowCloseReadsTheSameWhicheverComesFirst() throws Exception {
        for (long delay : new long[] {0, 3 * 3_600_000L}) { // live, and a backlog received three hours late
            List<StreamedAlertChange> timerFirst = run(true, delay), transitionFirst = run(false, delay);
            assertThat(records(transitionFirst)).as("delay " + delay).isEqualTo(records(timerFirst));
            StreamedAlertChange closed = timerFirst.stream().filter(c -> c.kind.equals("CLOSED")).findFirst()
                    .orElseThrow();
            assertThat(closed.atMs).isEqualTo(T0 + 15 * MIN + 1); // when the window expired
            // raised when the evidence that it ended was available: at the expiry, or at the backlog's receipt
            assertThat(closed.evidenceReceivedMs).isEqualTo(delay == 0 ? closed.atMs : T0 + delay);
            assertThat(closed.delayedByMs).isEqualTo(delay);
        }
    }
}
