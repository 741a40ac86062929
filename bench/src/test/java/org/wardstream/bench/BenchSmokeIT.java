package org.wardstream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small run of the whole benchmark (every variant, latency with both sinks, state after N and 2N), on a real
 * in-process Kafka broker and Flink MiniCluster: the report has the required shape and the peers reproduce the
 * detection stage's alerts. The numbers themselves are not asserted (speed goals live in the benchmark).
 */
class BenchSmokeIT {

    @Test
    void smallRunHasTheReportShapeAndPeersMatchDetection(@TempDir Path work) throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Benchmark.Settings settings = new Benchmark.Settings(8_000, 10, 2, 42, 1, Duration.ofSeconds(2),
                Variants.ALL, true, true, Duration.ofSeconds(2), Duration.ZERO, false, true, List.of(0.05), 5);
        Map<String, Object> report;
        try (PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8)) {
            report = new Benchmark(settings, work, out).run();
        }
        String text = log.toString(StandardCharsets.UTF_8);
        ObjectMapper json = new ObjectMapper();
        JsonNode r = json.readTree(json.writeValueAsString(report));

        for (String v : Variants.ALL) {
            assertThat(r.path("throughput").path(v).asDouble()).as("throughput of " + v + "\n" + text).isPositive();
        }
        for (String peer : new String[] {"esper", "match_recognize"}) {
            JsonNode e = r.path("peer_equivalence").path(peer);
            assertThat(e.path("equal").asBoolean()).as(peer + " equals detection\n" + text).isTrue();
            assertThat(e.path("peer_alerts").asInt()).isEqualTo(e.path("detection_alerts").asInt());
        }
        assertThat(text).contains("peer esper EQUALS detection").contains("peer match_recognize EQUALS detection");
        for (String g : new String[] {"at_least_once", "exactly_once"}) {
            JsonNode l = r.path("latency_ms").path(g);
            assertThat(l.has("p50") && l.has("p99")).as("latency " + g).isTrue();
            assertThat(l.path("events_sent").asLong()).isPositive();
            assertThat(l.path("p99_ci95").size()).isEqualTo(2);
        }
        JsonNode points = r.path("latency_points");
        assertThat(points.size()).as("one load, two guarantees").isEqualTo(2);
        for (JsonNode p : points) {
            assertThat(p.path("rate_per_s").asDouble()).isPositive();
            assertThat(p.path("achieved_per_s").asDouble()).isPositive();
            assertThat(p.path("patients").asInt()).isPositive();
            // every alert opened in a latency run was raised by a reading of the run (none by a timer or unmatched)
            assertThat(p.path("opened_not_by_a_reading").asInt()).as(p.toString()).isZero();
        }
        JsonNode state = r.path("state_bytes_per_patient");
        assertThat(state.path("n").asDouble()).isPositive();
        assertThat(state.path("2n").asDouble()).isPositive();
        assertThat(state.path("records_2n").asLong()).isGreaterThan(state.path("records_n").asLong());
        JsonNode ratios = r.path("ratios");
        assertThat(ratios.has("full_over_passthrough") && ratios.has("detection_over_esper")
                && ratios.has("detection_over_match_recognize") && ratios.has("state_2n_over_n")).isTrue();
        assertThat(ratios.path("detection_over_esper").isNumber()).as("peer comparison not void").isTrue();
        assertThat(ratios.path("state_2n_over_n").asDouble()).isPositive();
        JsonNode ci = r.path("ratios_ci95").path("detection_over_esper");
        assertThat(ci.size()).isEqualTo(2);
        assertThat(ci.get(0).asDouble()).isLessThanOrEqualTo(ratios.path("detection_over_esper").asDouble());
        assertThat(ci.get(1).asDouble()).isGreaterThanOrEqualTo(ratios.path("detection_over_esper").asDouble());
        for (String v : Variants.ALL) {
            assertThat(r.path("cpu_seconds_per_1000_inputs").path(v).path("median").asDouble()).as("CPU of " + v)
                    .isPositive();
        }
        assertThat(r.path("cpu_us_per_beat").path("detection").path("ci95").size()).isEqualTo(2);
        JsonNode production = state.path("production_key");
        assertThat(production.path("pseudonym_length").asInt()).isEqualTo(36);
        assertThat(production.path("2n").asDouble()).as("longer keys, more bytes")
                .isGreaterThan(state.path("2n").asDouble());
        assertThat(r.path("machine").path("load_averages_at_start_1_5_15min").size()).isEqualTo(3);
        assertThat(r.path("goals").path("detection_over_esper").has("ci95")).isTrue();
        assertThat(r.path("peak_heap_mb").path("overall").asDouble()).isPositive();
    }
}
