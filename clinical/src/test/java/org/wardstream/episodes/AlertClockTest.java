package org.wardstream.episodes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * The rule decides where a TICK goes among the patient's transitions the same way whether or not the event-time timer
 * fires first, for every position the timer could fire at: a transition that became known at {@code K} reaches the
 * alert stage before the watermark passes {@code K}, so between two transitions the watermark can be anything below
 * the known times of those still to come.
 */
class AlertClockTest {
    private static final long MIN = 60_000L;

    /** One transition: its own time and when it became known. */
    record Element(long atMs, long knownMs) {
    }

    /**
     * Where the rule alone puts a TICK due at {@code dueMs} that the transitions before {@code from} set (their
     * evidence made it due): before element i ({@code >= from}), or size() (after them all).
     */
    private static int byRule(AlertClock clock, List<Element> elements, long clockMs, int from, long dueMs) {
        for (int i = 0; i < elements.size(); i++) {
            Element e = elements.get(i);
            if (i >= from && dueMs <= clock.dueBefore(clockMs, e.atMs(), e.knownMs())) {
                return i;
            }
            clockMs = AlertClock.advance(clockMs, e.knownMs());
        }
        return elements.size();
    }

    /** The first position at which the timer can fire before the rule has placed the TICK, or -1 (none). */
    private static int timerBeforeRule(AlertClock clock, List<Element> elements, long clockMs, int from, long dueMs) {
        int rule = byRule(clock, elements, clockMs, from, dueMs);
        for (int j = 0; j < rule; j++) {
            if (j < from) { // not due yet: the timer is set after element from - 1
                clockMs = AlertClock.advance(clockMs, elements.get(j).knownMs());
                continue;
            }
            long latestWatermark = Long.MAX_VALUE; // below the known time of every transition still to come
            for (int i = j; i < elements.size(); i++) {
                latestWatermark = Math.min(latestWatermark, elements.get(i).knownMs() - 1);
            }
            if (latestWatermark >= clock.timerMs(dueMs, clockMs) && j < rule) {
                return j;
            }
            clockMs = AlertClock.advance(clockMs, elements.get(j).knownMs());
        }
        return -1;
    }

    @Test
    void theTimerNeverFiresBeforeATransitionTheRulePutsFirst() {
        // the default settle time, and others a site's watermark out-of-orderness may give
        for (AlertClock clock : List.of(AlertClock.DEFAULT, new AlertClock(2 * MIN), new AlertClock(12 * MIN))) {
            theTimerNeverFiresBeforeATransitionTheRulePutsFirst(clock);
        }
    }

    private static void theTimerNeverFiresBeforeATransitionTheRulePutsFirst(AlertClock clock) {
        Random random = new Random(12);
        for (int run = 0; run < 20_000; run++) {
            long t0 = 1_000 * MIN;
            List<Element> elements = new ArrayList<>();
            long receipt = t0;
            for (int i = random.nextInt(6); i >= 0; i--) {
                receipt += random.nextInt(3) == 0 ? 0 : random.nextInt(15) * MIN / 2; // same receipt: one reading
                long backDated = random.nextInt(4) == 0 ? random.nextInt(20) * MIN : random.nextInt(90_000);
                elements.add(new Element(receipt - backDated, receipt));
            }
            if (random.nextBoolean()) { // receipts a little out of order, as live jitter
                int i = random.nextInt(elements.size());
                Element e = elements.get(i);
                elements.set(i, new Element(e.atMs(), e.knownMs() - random.nextInt(30_000)));
            }
            long clockMs = random.nextBoolean() ? AlertClock.NO_TIME : t0 - random.nextInt(10) * MIN;
            long due = t0 + (random.nextInt(40) - 5) * MIN / 2;
            int from = random.nextInt(elements.size() + 1);
            assertThat(timerBeforeRule(clock, elements, clockMs, from, due)).as("settle %d, run %d: %s, clock %d, due %d after %d",
                    clock.settleMs(), run, elements, clockMs, due, from).isEqualTo(-1);
        }
    }

    @Test
    void aTransitionDatedBeforeTheDueTimeButKnownWellAfterItComesAfterTheTick() {
        AlertClock clock = AlertClock.DEFAULT;
        long due = 30_000;
        // confirmed within the settle time: on time, before the TICK
        assertThat(clock.dueBefore(0, 25_000, 80_000)).isLessThan(due);
        // confirmed more than the settle time after the due time: after the TICK
        assertThat(clock.dueBefore(0, 25_000, due + clock.settleMs() + 1)).isGreaterThanOrEqualTo(due);
        // known no later than what came before it (one reading, one released backlog): event-time order only
        assertThat(clock.dueBefore(20 * MIN, 25_000, 20 * MIN)).isEqualTo(25_000);
        // the detector's clock has no date of its own
        assertThat(clock.dueBefore(0, AlertClock.NO_TIME, 4 * MIN)).isLessThan(due);
        assertThat(clock.timerMs(due, 0)).isEqualTo(due + clock.settleMs());
        assertThat(clock.timerMs(due, 20 * MIN)).isEqualTo(20 * MIN);
        assertThat(clock.timerMs(AlertClock.NO_TIME, 20 * MIN)).isEqualTo(AlertClock.NO_TIME);
        assertThat(clock.dueBy(clock.timerMs(due, 0))).isEqualTo(due);
    }

    @Test
    void theSettleTimeIsTheClocksOwn() {
        long due = 30_000;
        AlertClock tenMinutes = new AlertClock(10 * MIN);
        assertThat(tenMinutes.timerMs(due, 0)).isEqualTo(due + 10 * MIN);
        assertThat(tenMinutes.dueBy(due + 10 * MIN)).isEqualTo(due);
        // known 7 minutes after the due time: late for the default clock, on time for a 10-minute settle
        assertThat(AlertClock.DEFAULT.dueBefore(0, 25_000, due + 7 * MIN)).isGreaterThanOrEqualTo(due);
        assertThat(tenMinutes.dueBefore(0, 25_000, due + 7 * MIN)).isLessThan(due);
        assertThatThrownBy(() -> new AlertClock(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
