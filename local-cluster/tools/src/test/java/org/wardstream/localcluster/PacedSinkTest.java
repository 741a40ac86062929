package org.wardstream.localcluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.wardstream.schema.Enrolment;
import org.wardstream.schema.PatientKey;
import org.wardstream.simulator.SimulatedRecord;
import org.wardstream.simulator.SimulationSink;

class PacedSinkTest {
    static final class Counting implements SimulationSink {
        int events;
        int enrolments;

        @Override
        public void enrolment(PatientKey key, Enrolment value) {
            enrolments++;
        }

        @Override
        public void deviceEvent(SimulatedRecord record) {
            events++;
        }
    }

    static SimulatedRecord record() {
        return new SimulatedRecord(new byte[0], new byte[0], 0L, null, null, "", null);
    }

    /** A clock that only moves when the sink pauses: the pauses are exactly the pacing. */
    @Test
    void pausesSoThatEventsLeaveAtTheRate() {
        long[] now = {1_000};
        List<Long> pauses = new ArrayList<>();
        Counting target = new Counting();
        PacedSink sink = new PacedSink(target, 1000, () -> now[0], n -> {
            pauses.add(n);
            now[0] += n;
        });
        for (int i = 0; i < 5; i++) {
            sink.deviceEvent(record());
        }
        assertThat(target.events).isEqualTo(5);
        assertThat(sink.sent()).isEqualTo(5);
        assertThat(pauses).containsExactly(1_000_000L, 1_000_000L, 1_000_000L, 1_000_000L);
        assertThat(now[0] - 1_000).isEqualTo(4_000_000L);
    }

    @Test
    void doesNotPauseWhenTheProducerIsSlowerThanTheRate() {
        long[] now = {0};
        List<Long> pauses = new ArrayList<>();
        PacedSink sink = new PacedSink(new Counting(), 10, () -> now[0], pauses::add);
        for (int i = 0; i < 3; i++) {
            sink.deviceEvent(record());
            now[0] += 200_000_000L; // each send takes 200 ms, the rate allows one per 100 ms
        }
        assertThat(pauses).isEmpty();
    }

    @Test
    void rateZeroIsUnpacedAndEnrolmentsAreNeverPaced() {
        List<Long> pauses = new ArrayList<>();
        Counting target = new Counting();
        PacedSink sink = new PacedSink(target, 0, () -> 0L, pauses::add);
        sink.enrolment(null, null);
        sink.deviceEvent(record());
        sink.deviceEvent(record());
        assertThat(pauses).isEmpty();
        assertThat(target.enrolments).isEqualTo(1);
        assertThat(target.events).isEqualTo(2);
    }

    @Test
    void refusesANegativeRate() {
        assertThatThrownBy(() -> new PacedSink(new Counting(), -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
