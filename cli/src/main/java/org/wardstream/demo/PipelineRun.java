package org.wardstream.demo;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Consumer;

import org.apache.flink.api.common.JobID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.wardstream.contract.Topics;
import org.wardstream.embedded.CommittedTopicReader;
import org.wardstream.ingest.IngestMetrics;
import org.wardstream.metrics.InProcessMetrics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * Follows a running episode-detection job until every record produced is accounted for, then
 * writes the run's files. Counts come from the job's own counters (consumed, processed,
 * duplicate, late) and from the dead-letter topic itself, read committed: a dead letter counts
 * only once it is durably on {@code device-events-dlq}.
 */
public final class PipelineRun implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    static final ObjectMapper NDJSON = new ObjectMapper();

    private final EmbeddedPlatform platform;
    private final JobID job;
    private final CommittedTopicReader deadLetters;
    private final CommittedTopicReader alerts;

    public PipelineRun(EmbeddedPlatform platform, JobID job) {
        this.platform = platform;
        this.job = job;
        this.deadLetters = new CommittedTopicReader(platform.bootstrapServers(), new Properties(),
                Topics.DEVICE_EVENTS_DLQ);
        this.alerts = new CommittedTopicReader(platform.bootstrapServers(), new Properties(), Topics.ALERTS);
    }

    /** Counts at one moment. */
    public record Outcomes(long consumed, long processed, long duplicates, long late,
                           Map<String, Long> deadLetterCounters, Map<String, Long> deadLetterTopic) {
        public long deadLettered() {
            return deadLetterTopic.values().stream().mapToLong(Long::longValue).sum();
        }

        /** Every consumed record has exactly one outcome, and every counted dead letter is on the topic. */
        public boolean reconciles(long produced) {
            return consumed == produced && deadLetterCounters.equals(deadLetterTopic)
                    && processed + duplicates + deadLettered() == consumed;
        }
    }

    public Outcomes outcomes() {
        String id = job.toHexString();
        Map<String, Long> byTopic = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : deadLetters.poll()) {
            byTopic.merge(header(r, Topics.HEADER_DLQ_REASON), 1L, Long::sum);
        }
        Map<String, Long> counters = new TreeMap<>(InProcessMetrics.sumCountersBy(id, IngestMetrics.GROUP,
                IngestMetrics.REASON, IngestMetrics.DEAD_LETTER));
        counters.values().removeIf(v -> v == 0);
        return new Outcomes(counter(id, IngestMetrics.CONSUMED), counter(id, IngestMetrics.PROCESSED),
                counter(id, IngestMetrics.DUPLICATE), counter(id, IngestMetrics.LATE), counters, byTopic);
    }

    private static long counter(String jobId, String name) {
        return InProcessMetrics.sumCounters(jobId, "." + IngestMetrics.GROUP + "." + name);
    }

    /**
     * The outcomes now; throws when the job has failed. Polling the dead-letter topic waits up to 200 ms when
     * idle, which paces a loop around this.
     */
    public Outcomes current() throws Exception {
        Throwable failure = platform.failure(job);
        if (failure != null) {
            throw new IllegalStateException("the episode-detection job failed: " + failure, failure);
        }
        return outcomes();
    }

    /**
     * Waits until the outcomes reconcile with {@code produced}. Fails when the job fails, or when
     * nothing has moved for {@code stallTimeout} without reconciling.
     */
    public Outcomes awaitAccounted(long produced, Duration stallTimeout, Consumer<Outcomes> progress)
            throws Exception {
        long lastMove = System.nanoTime();
        Outcomes last = null;
        while (true) {
            Outcomes now = current();
            progress.accept(now);
            if (now.reconciles(produced)) {
                return now;
            }
            if (!now.equals(last)) {
                lastMove = System.nanoTime();
                last = now;
            } else if (System.nanoTime() - lastMove > stallTimeout.toNanos()) {
                throw new IllegalStateException("no progress for " + stallTimeout.toSeconds()
                        + " s and the counts do not reconcile: produced " + produced + ", " + now);
            }
            // no sleep needed: outcomes() polls the dead-letter topic, which waits up to 200 ms when idle
        }
    }

    /**
     * After ingest has reconciled: waits until every alert state change the detector emitted is
     * committed on {@code alerts} (read committed) and the count has held for {@code settle} (the
     * last readings' timers may still close or open episodes). Returns the committed alert messages.
     */
    public List<String> awaitAlerts(Duration settle, Duration stallTimeout) throws Exception {
        String id = job.toHexString();
        long stableSince = System.nanoTime();
        long lastCount = -1;
        long deadline = System.nanoTime() + stallTimeout.toNanos();
        while (true) {
            Throwable failure = platform.failure(job);
            if (failure != null) {
                throw new IllegalStateException("the episode-detection job failed: " + failure, failure);
            }
            long emitted = counter(id, IngestMetrics.ALERT_CHANGES);
            long committed = alerts.poll().size();
            if (emitted != lastCount || committed != emitted) {
                lastCount = committed == emitted ? emitted : -1;
                stableSince = System.nanoTime();
            } else if (System.nanoTime() - stableSince >= settle.toNanos()) {
                List<String> out = new ArrayList<>();
                for (ConsumerRecord<byte[], byte[]> r : alerts.records()) {
                    out.add(new String(r.value(), StandardCharsets.UTF_8));
                }
                return out;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("alerts not all committed within " + stallTimeout.toSeconds()
                        + " s: emitted " + emitted + ", committed " + committed);
            }
        }
    }

    /** One JSON object per dead letter: reason, detail, origin, line, original key and value (base64). */
    public void writeDeadLetters(Path file) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (ConsumerRecord<byte[], byte[]> r : deadLetters.records()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("reason", header(r, Topics.HEADER_DLQ_REASON));
                row.put("detail", header(r, Topics.HEADER_DLQ_DETAIL));
                row.put("origin", header(r, Topics.HEADER_DLQ_ORIGIN));
                String line = header(r, Topics.HEADER_SOURCE_LINE);
                if (line != null) {
                    row.put("source_line", Integer.parseInt(line));
                }
                row.put("timestamp", r.timestamp());
                row.put("key_base64", r.key() == null ? null : Base64.getEncoder().encodeToString(r.key()));
                row.put("value_base64", r.value() == null ? null : Base64.getEncoder().encodeToString(r.value()));
                w.write(NDJSON.writeValueAsString(row));
                w.write('\n');
            }
        }
    }

    /** Writes the alert messages, one Bundle per line. */
    public static void writeLines(Path file, List<String> lines) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (String line : lines) {
                w.write(line);
                w.write('\n');
            }
        }
    }

    /** Alerted episodes (distinct episode ids) by episode type. */
    public static Map<String, Long> episodesByType(List<String> bundles) {
        Map<String, java.util.Set<String>> ids = new TreeMap<>();
        for (String b : bundles) {
            var m = org.wardstream.alerting.FhirAlerts.parse(b);
            ids.computeIfAbsent(m.episodeType(), t -> new java.util.HashSet<>()).add(m.episodeId());
        }
        Map<String, Long> out = new TreeMap<>();
        ids.forEach((t, s) -> out.put(t, (long) s.size()));
        return out;
    }

    /** The summary.json contract (docs/DEMO.md). */
    public static Map<String, Object> summary(long produced, Outcomes o, Map<String, Long> alertsByType) {
        Map<String, Object> outcomes = new LinkedHashMap<>();
        outcomes.put("processed", o.processed());
        outcomes.put("dead_letter", o.deadLetterTopic());
        outcomes.put("duplicate", o.duplicates());
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("events_produced", produced);
        s.put("events_consumed", o.consumed());
        s.put("outcomes", outcomes);
        s.put("late", o.late());
        s.put("alerts_by_type", alertsByType);
        s.put("reconciled", o.reconciles(produced));
        return s;
    }

    public static void writeJson(Path file, Object value) throws IOException {
        JSON.writeValue(file.toFile(), value);
    }

    static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        deadLetters.close();
        alerts.close();
    }
}
