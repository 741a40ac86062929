package org.wardstream.demo;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeoutException;
import java.util.function.LongConsumer;

import org.apache.flink.api.common.JobID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.wardstream.contract.Topics;
import org.wardstream.embedded.CommittedTopicReader;
import org.wardstream.equity.Measures;
import org.wardstream.equity.disclosure.PublishedRow;
import org.wardstream.equity.io.AggregatesCsv;
import org.wardstream.equity.job.EquityJobConfig;
import org.wardstream.equity.job.EquityMetrics;
import org.wardstream.equity.job.RowJson;
import org.wardstream.equity.report.EquityReport;
import org.wardstream.ingest.IngestMetrics;
import org.wardstream.metrics.InProcessMetrics;
import org.wardstream.simulator.GroundTruthEpisode;
import org.wardstream.simulator.TriageTeam;

/**
 * The equity half of {@code wardstream demo}, run once the detection job has accounted for every
 * record: the simulated triage team acknowledges the alerts, the equity-metrics job runs as a bounded job
 * over the four topics on the same embedded Kafka broker and MiniCluster, and the published rows (read
 * committed from {@code equity-aggregates}, newest revision per key) become {@code aggregates.csv} and
 * {@code equity-report.html}.
 */
public final class EquityDemo {
    public static final String CSV = "aggregates.csv";
    public static final String REPORT = "equity-report.html";

    private EquityDemo() {
    }

    /**
     * Runs the equity half and returns its part of summary.json; {@code readings} sees the equity job's count of
     * readings about twice a second while it runs.
     */
    public static Map<String, Object> run(EmbeddedPlatform platform, EquityJobConfig config, long seed, int patients,
                                          int days, List<GroundTruthEpisode> truth, Path out, Duration timeout,
                                          PrintStream progress, LongConsumer readings, long triageRaisedBeforeMs)
            throws Exception {
        long started = System.nanoTime();
        DemoTriage.Result triaged = DemoTriage.run(platform.bootstrapServers(), seed, patients, days, truth,
                triageRaisedBeforeMs);
        TriageTeam team = triaged.team();
        int triage = triaged.alerts();
        progress.printf("  triage team (%d clinician%s %s-%s, %d on call overnight) acknowledged and closed %,d "
                + "alerts; running the equity-metrics job%n", team.clinicians(), team.clinicians() == 1 ? "" : "s",
                team.shiftStart(), team.shiftEnd(), team.onCall(), triage);
        JobID job = platform.submitEquityMetrics(config.withBounded(true));
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                platform.awaitFinished(job, Duration.ofMillis(500));
                break;
            } catch (TimeoutException stillRunning) {
                readings.accept(counter(job.toHexString(), EquityMetrics.READINGS));
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the equity-metrics job did not finish within "
                            + timeout.toMinutes() + " min", stillRunning);
                }
            }
        }
        readings.accept(counter(job.toHexString(), EquityMetrics.READINGS));

        List<PublishedRow> rows = newestRevisions(platform.bootstrapServers(), Topics.EQUITY_AGGREGATES);
        int internal;
        try (CommittedTopicReader r = new CommittedTopicReader(platform.bootstrapServers(), new Properties(),
                Topics.EQUITY_AGGREGATES_INTERNAL)) {
            internal = r.poll().size();
        }
        AggregatesCsv.write(out.resolve(CSV), rows);
        Files.writeString(out.resolve(REPORT), EquityReport.render(rows), StandardCharsets.UTF_8);

        String id = job.toHexString();
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("triage_events", 2L * triage);
        s.put("triaged_alerts", triage);
        s.put("triage_clinicians", team.clinicians());
        s.put("readings", counter(id, EquityMetrics.READINGS));
        s.put("patient_days", counter(id, EquityMetrics.DAYS_EMITTED));
        s.put("late_revisions", counter(id, EquityMetrics.REVISED));
        s.put("dropped_late", InProcessMetrics.sumCountersBy(id, IngestMetrics.GROUP, EquityMetrics.INPUT,
                EquityMetrics.DROPPED_LATE));
        s.put("days_without_enrolment", counter(id, EquityMetrics.DAYS_WITHOUT_ENROLMENT));
        s.put("published_rows", rows.size());
        s.put("internal_rows", internal);
        s.put("data_completeness_by_imd_quintile", valuesBy(rows, "imd_quintile", Measures.DATA_COMPLETENESS));
        s.put("files", List.of(CSV, REPORT));
        s.put("elapsed_seconds", Math.round((System.nanoTime() - started) / 1e9));
        return s;
    }

    /**
     * What a compacted topic converges to: the newest (generation, revision) of every key, in key order; the report
     * then takes each window's newest computation ({@code EquityReport.newestComputation}).
     */
    static List<PublishedRow> newestRevisions(String bootstrapServers, String topic) {
        Map<String, PublishedRow> byKey = new TreeMap<>();
        try (CommittedTopicReader reader = new CommittedTopicReader(bootstrapServers, new Properties(), topic)) {
            for (ConsumerRecord<byte[], byte[]> r : reader.poll()) {
                PublishedRow row = RowJson.parsePublished(new String(r.value(), StandardCharsets.UTF_8));
                byKey.merge(row.key(), row, (a, b) -> PublishedRow.NEWEST_FIRST.compare(b, a) <= 0 ? b : a);
            }
        }
        List<PublishedRow> rows = new ArrayList<>(byKey.values());
        rows.sort(Comparator.comparing(PublishedRow::windowStart).thenComparing(PublishedRow::key));
        return rows;
    }

    private static Map<String, Double> valuesBy(List<PublishedRow> rows, String dimension, String measure) {
        Map<String, Double> out = new TreeMap<>();
        for (PublishedRow r : rows) {
            if (r.dimension().equals(dimension) && r.measure().equals(measure) && r.value() != null) {
                out.put(r.stratum(), r.value());
            }
        }
        return out;
    }

    private static long counter(String jobId, String name) {
        return InProcessMetrics.sumCounters(jobId, "." + IngestMetrics.GROUP + "." + name);
    }
}
