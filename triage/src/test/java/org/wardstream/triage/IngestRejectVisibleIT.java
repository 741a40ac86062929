package org.wardstream.triage;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.wardstream.alerting.AlertContext;
import org.wardstream.alerting.FhirAlerts;
import org.wardstream.contract.Topics;
import org.wardstream.episodes.AlertChange;
import org.wardstream.rules.EpisodeType;
import org.wardstream.rules.Severity;
import org.wardstream.triage.store.LogCapture;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An alert record the ingest cannot apply, in the normal path (one poll stored in one transaction), is logged and
 * counted, not only kept in {@code ingest_reject}: one WARN line naming its topic, partition and offset and the reason
 * without the record's values (no name, no NHS number, not even the pseudonym), and the counter
 * {@code wardstream_triage_ingest_rejected_total{topic="alerts"}} on the metrics endpoint. Until session 20 only the
 * one-by-one fallback logged a reject, so an operator learnt of one only by querying the table (probe 19b, noticed).
 * Real parts: the in-process Kafka broker, the embedded PostgreSQL, the running service, log4j.
 */
class IngestRejectVisibleIT {
    @RegisterExtension
    static final TriageTestServer TRIAGE = new TriageTestServer();
    private static final String NHS_NUMBER = "9434765919";

    /** The contract's message with the Task status replaced by a name and an NHS number: not a readable Bundle. */
    private static byte[] unreadable() {
        Instant at = Instant.parse("2026-03-03T11:00:00Z");
        AlertChange c = new AlertChange(AlertChange.Kind.OPENED, true, "ep-rejected", "p-rejected", EpisodeType.PAUSE,
                Severity.URGENT, at.toEpochMilli(), null, at.toEpochMilli() + 60_000, null, Map.of(),
                "wardstream-rr-analyser/2", 3, 0);
        String json = FhirAlerts.toJson(c, AlertContext.NONE.inProgramme(TriageTestServer.PROGRAMME_A));
        assertThat(json).contains("\"status\":\"requested\"");
        return json.replace("\"status\":\"requested\"", "\"status\":\"Jane Doe " + NHS_NUMBER + "\"")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static String metrics() throws Exception {
        assertThat(TRIAGE.server().metricsUrl()).as("metrics endpoint").startsWith("http://127.0.0.1:");
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(TRIAGE.server().metricsUrl())).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
        return r.body();
    }

    /**
     * The value of one sample ({@code series}: the name with its labels, as scraped) in the Prometheus text format,
     * which writes a counter as a float (3.0).
     */
    private static double sample(String scraped, String series) {
        List<String> lines = scraped.lines().filter(l -> l.startsWith(series + " ")).toList();
        assertThat(lines).as("one sample " + series + " in\n" + scraped).hasSize(1);
        return Double.parseDouble(lines.get(0).substring(series.length() + 1).trim());
    }

    private static final String REJECTED_ALERTS = "wardstream_triage_ingest_rejected_total{topic=\"alerts\"}";

    @Test
    void aRejectedAlertIsLoggedWithoutItsValuesAndCounted() throws Exception {
        long before = TRIAGE.server().rejected(Topics.ALERTS);
        String scraped = metrics();
        assertThat(scraped).contains("# TYPE wardstream_triage_ingest_rejected_total counter")
                .contains("# TYPE wardstream_triage_alerts_ingested_total counter")
                .contains("# TYPE wardstream_triage_events_sent_total counter");
        assertThat(sample(scraped, REJECTED_ALERTS)).isEqualTo(before);
        assertThat(sample(scraped, "wardstream_triage_ingest_rejected_total{topic=\"enrolments\"}"))
                .isEqualTo(TRIAGE.server().rejected(Topics.ENROLMENTS));
        assertThat(sample(scraped, "wardstream_triage_events_sent_total")).isEqualTo(TRIAGE.server().triageEventsSent());
        assertThat(sample(scraped, "wardstream_triage_alerts_ingested_total")).isNotNegative();
        try (LogCapture log = LogCapture.start("ingest-reject-visible")) {
            RecordMetadata sent = TRIAGE.sendRawAlert("p-rejected", unreadable());
            String place = Topics.ALERTS + "-" + sent.partition() + "@" + sent.offset();
            List<String> logged = log.events();
            Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(logged)
                    .as("a log line for the reject at " + place).anyMatch(m -> m.contains(place)));
            assertThat(logged).filteredOn(m -> m.contains(place)).singleElement().satisfies(line -> assertThat(line)
                    .startsWith("org.wardstream.triage.kafka.AlertIngest: alert ingest: " + place
                            + " not applied, kept in ingest_reject: not an alert Bundle: ")
                    .doesNotContain(NHS_NUMBER).doesNotContain("Jane").doesNotContain("p-rejected"));
            assertThat(TRIAGE.rows("select count(*) from ingest_reject where topic = 'alerts' and topic_partition = "
                    + sent.partition() + " and topic_offset = " + sent.offset())).containsExactly("1");
            assertThat(logged).as("nothing logged holds the record's values")
                    .noneMatch(m -> m.contains(NHS_NUMBER) || m.contains("Jane"));
        }
        assertThat(TRIAGE.server().rejected(Topics.ALERTS)).isEqualTo(before + 1);
        assertThat(sample(metrics(), REJECTED_ALERTS)).isEqualTo(before + 1);
    }
}
