package org.wardstream.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import org.wardstream.evaluation.alerts.AlertScoring;
import org.wardstream.demo.EmbeddedPlatform;
import org.wardstream.demo.PipelineRun;
import org.wardstream.ingest.IngestSettings;
import org.wardstream.jobs.PipelineConfig;
import org.wardstream.rules.Rules;

/** What demo and replay share: the job settings for an embedded run, the report, the clean-up. */
final class EmbeddedRuns {
    /** Give up when nothing moves for this long and the counts still do not reconcile. */
    static final Duration STALL_TIMEOUT = Duration.ofMinutes(2);
    /** Alerts count as complete once their committed count has held for this long (> 2 checkpoints). */
    static final Duration ALERT_SETTLE = Duration.ofSeconds(6);

    private EmbeddedRuns() {
    }

    /**
     * Embedded runs checkpoint (and so commit dead letters and alerts) every 2 s, and wait 10 s, not
     * 5 min, for a late enrolment: the demo has no enrolment service lagging behind.
     */
    static PipelineConfig pipelineConfig(EmbeddedPlatform platform) {
        return PipelineConfig.defaults(platform.bootstrapServers())
                .withCheckpointInterval(Duration.ofSeconds(2))
                .withIngest(IngestSettings.defaults().withEnrolmentGrace(Duration.ofSeconds(10)));
    }

    /** The bounded equity-metrics run must finish within this time. */
    static final Duration EQUITY_TIMEOUT = Duration.ofMinutes(15);

    /** The equity-metrics job on the embedded platform: the same Kafka conventions, checkpoints every 2 s. */
    static org.wardstream.equity.job.EquityJobConfig equityConfig(EmbeddedPlatform platform) {
        var defaults = org.wardstream.equity.job.EquityJobConfig.defaults(platform.bootstrapServers());
        var k = defaults.kafka();
        return defaults.withKafka(new PipelineConfig(k.bootstrapServers(), k.kafkaProperties(), k.groupId(),
                k.transactionalIdPrefix(), Duration.ofSeconds(2), k.ingest(), null));
    }

    /** Each rule's cool-down (the rules packaged with the job), by episode-type code. */
    static Map<String, Duration> coolDowns() {
        Map<String, Duration> out = new LinkedHashMap<>();
        Rules.loadClasspath().all().forEach((type, rule) -> out.put(type.code(), rule.coolDown()));
        return out;
    }

    /** Recall and precision per episode type, and the episodes held back by cool-downs, for summary.json. */
    static Map<String, Object> accuracy(AlertScoring.Report report, Map<String, Integer> heldBack) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (AlertScoring.TypeScore t : report.perType()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("ground_truth", t.groundTruth());
            row.put("alerted", t.alerted());
            row.put("found", t.found());
            row.put("recall", t.recall());
            row.put("precision", t.precision());
            int held = heldBack.getOrDefault(t.episodeType(), 0);
            row.put("held_back_by_cool_down", held);
            row.put("recall_including_held_back", t.groundTruth() == 0 ? null
                    : (double) (t.found() + held) / t.groundTruth());
            out.put(t.episodeType(), row);
        }
        return out;
    }

    static void report(PrintStream err, long produced, PipelineRun.Outcomes o, Path out) {
        err.printf("  produced %,d = consumed %,d = processed %,d + duplicate %,d + dead-lettered %,d %s%n",
                produced, o.consumed(), o.processed(), o.duplicates(), o.deadLettered(),
                o.reconciles(produced) ? "(reconciled)" : "(DOES NOT RECONCILE)");
        err.printf("  late (received over 5 min after recorded, still processed): %,d; dead letters by reason: %s%n", o.late(),
                o.deadLetterTopic());
        err.println("  wrote " + out.toAbsolutePath());
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
