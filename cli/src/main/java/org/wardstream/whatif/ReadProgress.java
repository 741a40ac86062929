package org.wardstream.whatif;

import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;

/**
 * How many device-event records a what-if run has read so far, for its progress line. The what-if always runs on a
 * local MiniCluster inside the command's JVM, so the source's counting step and the command share one counter per
 * run, looked up by the run's id; on any other cluster the step finds no counter and only passes records on.
 */
public final class ReadProgress {
    private static final ConcurrentHashMap<String, LongAdder> RUNS = new ConcurrentHashMap<>();

    private ReadProgress() {
    }

    /** A new run's counter; its id goes into the topology, {@link #release} when the run ends. */
    public static String register() {
        String id = UUID.randomUUID().toString();
        RUNS.put(id, new LongAdder());
        return id;
    }

    /** Records read so far by the run (0 for an unknown id). */
    public static long read(String run) {
        LongAdder a = RUNS.get(run);
        return a == null ? 0 : a.sum();
    }

    public static void release(String run) {
        RUNS.remove(run);
    }

    /** Passes each record on and counts it for {@code run}. */
    static final class Count<T> extends RichMapFunction<T, T> {
        private static final long serialVersionUID = 1L;
        private final String run;
        private transient LongAdder counter;

        Count(String run) {
            this.run = run;
        }

        @Override
        public void open(OpenContext ctx) {
            counter = run == null ? null : RUNS.get(run);
        }

        @Override
        public T map(T value) {
            if (counter != null) {
                counter.increment();
            }
            return value;
        }
    }
}
