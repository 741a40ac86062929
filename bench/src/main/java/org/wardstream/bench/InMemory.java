package org.wardstream.bench;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * In-memory sources and sinks for jobs on the in-process MiniCluster: a source is a bounded sequence of
 * indexes mapped to the objects registered here (no copy of the data into the job graph), a probe records
 * when the first element passed and how many did, a sink adds to a registered queue. Registrations are
 * per run id and removed by {@link #clear}.
 */
final class InMemory {
    private static final Map<String, List<?>> DATA = new ConcurrentHashMap<>();
    private static final Map<String, ConcurrentLinkedQueue<Object>> SINKS = new ConcurrentHashMap<>();
    private static final Map<String, Probe> PROBES = new ConcurrentHashMap<>();

    private InMemory() {
    }

    /** Time of the first element (System.nanoTime) and the element count at one point of a job. */
    static final class Probe {
        final AtomicLong firstNanos = new AtomicLong();
        /** The process's CPU time (ns) when the first element passed. */
        final AtomicLong firstCpuNanos = new AtomicLong();
        final AtomicLong count = new AtomicLong();
    }

    static <T> DataStream<T> source(StreamExecutionEnvironment env, String id, List<T> data, TypeInformation<T> type) {
        DATA.put(id, data);
        return env.fromSequence(0, data.size() - 1L).name("in-memory " + id)
                .map(new Lookup<T>(id)).returns(type).name("lookup");
    }

    static void register(String id, List<?> data) {
        DATA.put(id, data);
    }

    static List<?> registered(String id) {
        List<?> d = DATA.get(id);
        if (d == null) {
            throw new IllegalStateException("nothing registered as " + id + ": in-memory jobs run only in this JVM");
        }
        return d;
    }

    static Probe probe(String id) {
        return PROBES.computeIfAbsent(id, k -> new Probe());
    }

    /** A pass-through map that records the first element's time and counts the elements. */
    static final class Mark<T> implements MapFunction<T, T> {
        private static final long serialVersionUID = 1L;
        private final String id;

        Mark(String id) {
            this.id = id;
        }

        @Override
        public T map(T value) {
            Probe p = probe(id);
            if (p.count.getAndIncrement() == 0) {
                p.firstCpuNanos.compareAndSet(0, Cpu.processNanos());
                p.firstNanos.compareAndSet(0, System.nanoTime());
            }
            return value;
        }
    }

    private static final class Lookup<T> implements MapFunction<Long, T> {
        private static final long serialVersionUID = 1L;
        private final String id;
        private transient List<?> data;

        Lookup(String id) {
            this.id = id;
        }

        @Override
        @SuppressWarnings("unchecked")
        public T map(Long i) {
            if (data == null) {
                data = DATA.get(id);
            }
            return (T) data.get(i.intValue());
        }
    }

    static ConcurrentLinkedQueue<Object> collected(String id) {
        return SINKS.computeIfAbsent(id, k -> new ConcurrentLinkedQueue<>());
    }

    static <T> Sink<T> sink(String id) {
        collected(id);
        return new QueueSink<>(id);
    }

    private static final class QueueSink<T> implements Sink<T> {
        private static final long serialVersionUID = 1L;
        private final String id;

        QueueSink(String id) {
            this.id = id;
        }

        @Override
        public SinkWriter<T> createWriter(WriterInitContext context) {
            ConcurrentLinkedQueue<Object> q = collected(id);
            return new SinkWriter<>() {
                @Override
                public void write(T element, Context ctx) {
                    q.add(element);
                }

                @Override
                public void flush(boolean endOfInput) {
                }

                @Override
                public void close() {
                }
            };
        }
    }

    static void clear(String id) {
        DATA.remove(id);
        SINKS.remove(id);
        PROBES.remove(id);
    }
}
