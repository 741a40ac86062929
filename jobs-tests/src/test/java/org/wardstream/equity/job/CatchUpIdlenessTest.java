package org.wardstream.equity.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutputMultiplexer;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.util.clock.ManualClock;
import org.junit.jupiter.api.Test;
import org.wardstream.ingest.DeviceReading;
import org.wardstream.ingest.IngestRecord;

/**
 * The live equity job's readings watermarks while one source subtask catches up a backlog on several partitions
 * (session 25). One Kafka consumer hands over one partition's fetch at a time; here partition A's whole backlog (1-5
 * March, a heart-rate reading a minute) is handed over first, taking 36 s of wall clock, and B's and C's (the same
 * days) after it. This runs the job's own strategy ({@link EquityMetricsJob#readingWatermarks}, production settings:
 * idleness 30 s, out-of-orderness 5 min, allowed lateness 1 day) per partition, combined as Flink's source operator
 * combines split watermarks ({@link WatermarkOutputMultiplexer}, emitting every 200 ms), and counts a reading as
 * dropped-late by the job's rule ({@code PatientEquity.ledgerFor}: its day's end plus the allowed lateness is at or
 * before the watermark it meets). With Flink's idleness ({@code withIdleness}, the job until session 25), B and C count
 * idle after 30 s, event time follows A to 5 March and 8,640 of B's and C's readings (1-3 March) are dropped; with
 * {@link CatchUpIdleness} none. A truly empty partition still stops holding event time back (the last two tests).
 */
class CatchUpIdlenessTest {
    static final long MARCH_1 = 1_772_323_200_000L; // 2026-03-01T00:00:00Z (London is on UTC in early March)
    static final long DAY = 86_400_000L;
    static final long MINUTE = 60_000L;
    static final long WALL_NOW = MARCH_1 + 100 * DAY; // the job runs months later: 1-5 March is a backlog

    /** One source subtask: its partitions' generators (one strategy object, as Flink deserializes one per subtask). */
    static final class Subtask {
        final ManualClock clock = new ManualClock(1_000_000_000L);
        long wall = WALL_NOW;
        final WatermarkStrategy<IngestRecord> strategy;
        final WatermarkOutputMultiplexer mux;
        final List<WatermarkGenerator<IngestRecord>> gens = new ArrayList<>();
        final List<String> ids = new ArrayList<>();
        /** The subtask's combined watermark (Flink emits it only when it rises) and idleness. */
        final BoundedRunIdlenessTest.Last out = new BoundedRunIdlenessTest.Last();
        long dropped;
        long handedOver;

        Subtask(int partitions) {
            EquityJobConfig config = EquityJobConfig.defaults("localhost:9092");
            strategy = EquityMetricsJob.readingWatermarks(config, clock::relativeTimeNanos, () -> wall);
            mux = new WatermarkOutputMultiplexer(out);
            for (int p = 0; p < partitions; p++) {
                String id = "device-events-" + p;
                mux.registerNewOutput(id, new WatermarkOutputMultiplexer.WatermarkUpdateListener() {
                    @Override
                    public void onWatermarkUpdate(long watermark) {
                    }

                    @Override
                    public void onIdleUpdate(boolean idle) {
                    }
                });
                ids.add(id);
                gens.add(BoundedRunIdlenessTest.generator(strategy, clock));
            }
        }

        /** The consumer hands over one reading of partition {@code p}; counted dropped if its day is closed. */
        void handOver(int p, long deviceTime) {
            DeviceReading r = new DeviceReading();
            r.time = deviceTime;
            r.timeReceived = deviceTime;
            long dayEnd = (Math.floorDiv(deviceTime, DAY) + 1) * DAY;
            if (out.last != Long.MIN_VALUE && dayEnd + DAY <= out.last) {
                dropped++;
            }
            handedOver++;
            gens.get(p).onEvent(IngestRecord.accepted(r), deviceTime, mux.getImmediateOutput(ids.get(p)));
        }

        /** 200 ms of wall clock pass and the periodic watermark is emitted (Flink's default interval). */
        void tick() {
            clock.advanceTime(Duration.ofMillis(200));
            wall += 200;
            for (int p = 0; p < gens.size(); p++) {
                gens.get(p).onPeriodicEmit(mux.getDeferredOutput(ids.get(p)));
            }
            mux.onPeriodicEmit();
        }

        /** Partition {@code p}'s backlog, {@code days} days from 1 March, 40 readings handed over per tick. */
        void handOverBacklog(int p, int days) {
            int n = 0;
            for (long t = MARCH_1; t < MARCH_1 + days * DAY; t += MINUTE) {
                handOver(p, t);
                if (++n % 40 == 0) {
                    tick();
                }
            }
            tick();
        }

        void ticks(Duration d) {
            for (long i = 0; i < d.toMillis() / 200; i++) {
                tick();
            }
        }
    }

    @Test
    void aPartitionWhoseBacklogWaitsBehindAnothersIsNotTakenAsQuiet() {
        Subtask s = new Subtask(3);
        s.handOverBacklog(0, 5); // 7,200 readings in 180 ticks: 36 s with nothing for partitions 1 and 2
        s.handOverBacklog(1, 5);
        s.handOverBacklog(2, 5);
        assertThat(s.handedOver).isEqualTo(3 * 5 * 1440);
        assertThat(s.dropped).as("readings of 1-5 March dropped late, of %d", s.handedOver).isZero();
        // every partition read to 5 March 23:59: event time is there, less the out-of-orderness
        assertThat(s.out.last).isEqualTo(MARCH_1 + 5 * DAY - MINUTE - 5 * MINUTE - 1);
    }

    @Test
    void anEmptyPartitionStopsHoldingEventTimeBackInALiveJob() {
        Subtask s = new Subtask(3); // partition 2 never receives anything (a programme with no devices yet)
        long start = s.wall;
        for (int i = 0; i < 50; i++) { // 50 s of current data on partitions 0 and 1, five readings a second each
            for (int k = 0; k < 5; k++) {
                s.handOver(0, s.wall);
                s.handOver(1, s.wall);
                s.tick();
            }
        }
        assertThat(s.out.last).as("event time follows partitions 0 and 1 once partition 2 is idle (30 s)")
                .isGreaterThanOrEqualTo(start + Duration.ofSeconds(49).toMillis() - 5 * MINUTE - 1);
        assertThat(s.dropped).isZero();
    }

    @Test
    void anEmptyPartitionStopsHoldingEventTimeBackOnceTheBacklogIsRead() {
        Subtask s = new Subtask(2);
        s.handOverBacklog(0, 5); // 36 s; partition 1 is empty but event time waits: the backlog is still coming
        assertThat(s.out.last).as("held while the subtask reads a backlog").isEqualTo(Long.MIN_VALUE);
        s.ticks(Duration.ofSeconds(30)); // nothing handed over for 30 s: nothing is queued ahead of partition 1
        assertThat(s.out.last).isEqualTo(MARCH_1 + 5 * DAY - MINUTE - 5 * MINUTE - 1);
        assertThat(s.dropped).isZero();
    }

    @Test
    void aSubtaskWhoseOnlyPartitionIsEmptyGoesIdle() {
        Subtask s = new Subtask(1);
        s.ticks(Duration.ofSeconds(31));
        assertThat(s.out.idle).as("a source subtask with nothing to read must not hold the job's event time").isTrue();
    }
}
