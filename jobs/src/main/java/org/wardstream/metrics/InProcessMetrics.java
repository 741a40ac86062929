package org.wardstream.metrics;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * A Flink metric reporter that keeps live references to every metric of the jobs running in this
 * JVM, so the embedded demo and the tests can read the ingest counts while the job runs (a cluster
 * uses the Prometheus reporter instead). Enable with {@link #configure(org.apache.flink.configuration.Configuration)}.
 */
public final class InProcessMetrics implements MetricReporter {
    private static final Map<String, Map<String, Metric>> BY_JOB = new ConcurrentHashMap<>();

    /** Adds this reporter to a MiniCluster configuration. */
    public static void configure(org.apache.flink.configuration.Configuration conf) {
        conf.setString("metrics.reporter.inprocess.factory.class", Factory.class.getName());
    }

    /** The sum over all subtasks of the counters whose identifier ends with {@code suffix}. */
    public static long sumCounters(String jobId, String suffix) {
        long sum = 0;
        for (Map.Entry<String, Metric> e : metrics(jobId).entrySet()) {
            if (e.getKey().endsWith(suffix) && e.getValue() instanceof Counter c) {
                sum += c.getCount();
            }
        }
        return sum;
    }

    /** Counters of a name, summed per value of the key/value group {@code key} (e.g. reason). */
    public static Map<String, Long> sumCountersBy(String jobId, String group, String key, String name) {
        Map<String, Long> out = new java.util.TreeMap<>();
        String marker = "." + group + "." + key + ".";
        for (Map.Entry<String, Metric> e : metrics(jobId).entrySet()) {
            String id = e.getKey();
            int at = id.indexOf(marker);
            if (at >= 0 && id.endsWith("." + name) && e.getValue() instanceof Counter c) {
                String value = id.substring(at + marker.length(), id.length() - name.length() - 1);
                out.merge(value, c.getCount(), Long::sum);
            }
        }
        return out;
    }

    /** The smallest numeric value of the gauges whose identifier contains all {@code parts}, or null. */
    public static Long minGauge(String jobId, String... parts) {
        Long min = null;
        outer:
        for (Map.Entry<String, Metric> e : metrics(jobId).entrySet()) {
            for (String p : parts) {
                if (!e.getKey().contains(p)) {
                    continue outer;
                }
            }
            if (e.getValue() instanceof Gauge<?> g && g.getValue() instanceof Number n) {
                min = min == null ? n.longValue() : Math.min(min, n.longValue());
            }
        }
        return min;
    }

    private static Map<String, Metric> metrics(String jobId) {
        return BY_JOB.getOrDefault(jobId, Map.of());
    }

    @Override
    public void open(MetricConfig config) {
    }

    @Override
    public void close() {
    }

    @Override
    public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
        String job = group.getAllVariables().get("<job_id>");
        if (job != null) {
            BY_JOB.computeIfAbsent(job, j -> new ConcurrentHashMap<>()).put(group.getMetricIdentifier(name), metric);
        }
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
        String job = group.getAllVariables().get("<job_id>");
        if (job != null) {
            // keep the last value: the demo reads the counts after the job is cancelled
            Map<String, Metric> m = BY_JOB.get(job);
            if (m != null && metric instanceof Counter c) {
                long last = c.getCount();
                m.put(group.getMetricIdentifier(name), new FrozenCounter(last));
            }
        }
    }

    /** Creates the reporter; named in the Flink configuration. */
    public static final class Factory implements MetricReporterFactory {
        @Override
        public MetricReporter createMetricReporter(Properties properties) {
            return new InProcessMetrics();
        }
    }

    private record FrozenCounter(long count) implements Counter {
        @Override public void inc() { throw new UnsupportedOperationException(); }
        @Override public void inc(long n) { throw new UnsupportedOperationException(); }
        @Override public void dec() { throw new UnsupportedOperationException(); }
        @Override public void dec(long n) { throw new UnsupportedOperationException(); }
        @Override public long getCount() { return count; }
    }
}
