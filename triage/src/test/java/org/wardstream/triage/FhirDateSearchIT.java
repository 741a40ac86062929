package org.wardstream.triage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.wardstream.episodes.AlertChange;
import org.wardstream.rules.EpisodeType;
import org.wardstream.rules.Severity;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.wardstream.triage.TriageFhirIT.query;
import static org.wardstream.triage.TriageFhirIT.versions;

/**
 * A FHIR client asking for the alerts raised on one day ({@code authored-on=2026-07-01}, the natural "yesterday's
 * alerts" query of an EHR integration, a ward's daily audit or a governance count).
 *
 * <p>Adversarial probe 18b, D1: {@code StoredResourceProvider.dateRange} took HAPI's
 * {@code DateRangeParam.getLowerBoundAsInstant()/getUpperBoundAsInstant()}, which widen a day without a zone to every
 * time zone on Earth (GMT+14 to GMT-12): {@code authored-on=2026-07-01} was 2026-06-30T10:00Z to 2026-07-02T11:59Z,
 * ~50 hours, and the alerts of 30 June, 1 July and 2 July were all served; {@code ne} took the day in the JVM's zone,
 * so {@code eq} and {@code ne} overlapped. Now a date stands for its own period in one documented zone, UTC (a day:
 * 00:00 UTC to the next 00:00 UTC), for every prefix, and the CapabilityStatement says so.
 */
class FhirDateSearchIT {
    @RegisterExtension
    static final TriageTestServer TRIAGE = new TriageTestServer();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PATIENT = "day-p";
    /** episode id -> when raised (Task.authoredOn) */
    private static final Map<String, Instant> RAISED = new LinkedHashMap<>();

    static {
        RAISED.put("day-jun30-noon", Instant.parse("2026-06-30T12:00:00Z"));      // 13:00 BST 30 June
        RAISED.put("day-jul01-noon", Instant.parse("2026-07-01T12:00:00Z"));      // 13:00 BST 1 July
        RAISED.put("day-jul02-morning", Instant.parse("2026-07-02T09:00:00Z"));   // 10:00 BST 2 July
    }

    private static Http api;

    @BeforeAll
    static void alerts() throws Exception {
        TRIAGE.enrol(PATIENT, TriageTestServer.PROGRAMME_A);
        for (Map.Entry<String, Instant> e : RAISED.entrySet()) {
            TRIAGE.sendAlert(TriageTestServer.change(AlertChange.Kind.OPENED, e.getKey(), PATIENT,
                    EpisodeType.DEVICE_OFFLINE, Severity.ROUTINE, e.getValue(), 0), TriageTestServer.PROGRAMME_A);
        }
        api = Http.basic(TRIAGE.baseUrl(), TriageTestServer.CLINICIAN_A, TriageTestServer.PASSWORD);
        for (String id : RAISED.keySet()) {
            JsonNode t = TriageTestServer.awaitTask(api, id, 1);
            assertThat(Instant.parse(t.path("authoredOn").asText())).as("authoredOn of %s", id)
                    .isEqualTo(RAISED.get(id));
        }
    }

    @Test
    void theAlertsOfOneDayAreTheAlertsRaisedThatDay() throws Exception {
        assertThat(ids("authored-on=2026-07-01"))
                .as("Tasks served for authored-on=2026-07-01 (raised: %s)", RAISED)
                .containsExactly("day-jul01-noon");
    }

    @Test
    void equalAndNotEqualOfOneDayPartitionTheAlerts() throws Exception {
        TreeSet<String> eq = ids("authored-on=2026-07-01");
        TreeSet<String> ne = ids("authored-on=ne2026-07-01");
        List<String> both = new ArrayList<>(eq);
        both.retainAll(ne);
        TreeSet<String> either = new TreeSet<>(eq);
        either.addAll(ne);
        assertThat(both).as("Tasks matching both authored-on=2026-07-01 %s and authored-on=ne2026-07-01 %s", eq, ne)
                .isEmpty();
        assertThat(either).as("every Task matches one of the two").isEqualTo(new TreeSet<>(RAISED.keySet()));
    }

    @Test
    void everyPrefixTakesTheDayInUtc() throws Exception {
        assertThat(ids("authored-on=lt2026-07-01")).containsExactly("day-jun30-noon");
        assertThat(ids("authored-on=le2026-07-01")).containsExactly("day-jul01-noon", "day-jun30-noon");
        assertThat(ids("authored-on=ge2026-07-01")).containsExactly("day-jul01-noon", "day-jul02-morning");
        assertThat(ids("authored-on=gt2026-07-01")).containsExactly("day-jul02-morning");
        assertThat(ids("authored-on=ge2026-07-01&authored-on=lt2026-07-02")).containsExactly("day-jul01-noon");
        assertThat(ids("authored-on=2026-06")).as("a month").containsExactly("day-jun30-noon");
        assertThat(ids("authored-on=2026")).as("a year").hasSize(3);
        // a time without an offset is UTC too; a time with one is taken at its offset (13:00 BST = 12:00Z)
        assertThat(ids("authored-on=2026-07-01T12:00")).containsExactly("day-jul01-noon");
        assertThat(ids("authored-on=2026-07-01T13:00%2B01:00")).containsExactly("day-jul01-noon");
        assertThat(ids("authored-on=ne2026-07-01T12:00:00Z")).containsExactly("day-jul02-morning", "day-jun30-noon");
    }

    @Test
    void theCapabilityStatementSaysWhichZoneADayIsIn() throws Exception {
        HttpResponse<String> r = api.get("/fhir/metadata");
        assertThat(r.statusCode()).isEqualTo(200);
        List<String> docs = new ArrayList<>();
        JSON.readTree(r.body()).at("/rest/0/resource").forEach(res -> res.path("searchParam").forEach(p -> {
            if (List.of("authored-on", "_lastUpdated").contains(p.path("name").asText())) {
                docs.add(res.path("type").asText() + "." + p.path("name").asText() + ": " + p.path("documentation").asText());
            }
        }));
        assertThat(docs).as("the date search parameters in the CapabilityStatement").hasSize(4)
                .allSatisfy(d -> assertThat(d).contains("in UTC"));
    }

    /**
     * A version is current at its own {@code meta.lastUpdated}, whatever the sub-millisecond digits of the clock when
     * it was stored. The fresh-clone CI failure of {@code TriageFhirIT.historyAppliesSinceAndAtAndRefusesAParameterItCannotAnswer}
     * ({@code _at} of version 1's lastUpdated matched no version): meta.lastUpdated carries milliseconds
     * ({@code Date.from(now)} cuts the rest), the column took {@code now} itself, which the JDBC driver rounds to
     * PostgreSQL's microseconds: {@code 10:00:00.123999600} was stored {@code .124000} and served {@code .123}, so
     * {@code _at=...00.123} (the millisecond [.123, .124)) and {@code _lastUpdated=...00.123} missed it (one version
     * in 2,000: the clock's microsecond 999 and a rounding up).
     */
    @Test
    void aVersionIsFoundAtItsOwnLastUpdatedWhateverTheClocksDigitsWhenItWasStored() throws Exception {
        String h = "/fhir/Task/ms-1/_history?_at=";
        String at1 = storeAt(AlertChange.Kind.OPENED, Instant.parse("2026-12-05T10:00:00.123999600Z"), 1);
        assertThat(at1).as("served to the millisecond").startsWith("2026-12-05T10:00:00.123");
        assertThat(versions(api, h + query(at1))).as("_at=" + at1).containsExactly("1");
        HttpResponse<String> search = api.get("/fhir/Task?patient.identifier=ms-p&_lastUpdated=" + query(at1));
        assertThat(search.statusCode()).as(search.body()).isEqualTo(200);
        assertThat(JSON.readTree(search.body()).at("/total").asInt()).as("_lastUpdated=" + at1).isEqualTo(1);
        String at2 = storeAt(AlertChange.Kind.UPDATED, Instant.parse("2026-12-05T10:05:00.000999700Z"), 2);
        assertThat(versions(api, h + query(at1))).as("_at=" + at1).containsExactly("1");
        assertThat(versions(api, h + query(at2))).as("_at=" + at2).containsExactly("2");
        // a version stored by a release before this one kept the microseconds, rounded up into the next millisecond
        TRIAGE.server().database().tx(c -> {
            try (var ps = c.prepareStatement("update resource_history set last_updated = ?"
                    + " where res_type = 'Task' and id = 'ms-1' and version = 1")) {
                ps.setTimestamp(1, java.sql.Timestamp.from(Instant.parse("2026-12-05T10:00:00.124Z")));
                return ps.executeUpdate();
            }
        });
        assertThat(versions(api, h + query(at1))).as("_at=" + at1 + " of a version stored .124000")
                .containsExactly("1");
    }

    /**
     * Stores a change of Task ms-1 (patient ms-p) as the alert consumer does, at {@code now}, and returns the version's
     * meta.lastUpdated as served.
     */
    private static String storeAt(AlertChange.Kind kind, Instant now, int version) throws Exception {
        String bundle = org.wardstream.alerting.FhirAlerts.toJson(TriageTestServer.change(kind, "ms-1", "ms-p",
                EpisodeType.DEVICE_OFFLINE, Severity.ROUTINE, Instant.parse("2026-12-05T09:00:00Z"), version),
                org.wardstream.alerting.AlertContext.NONE.inProgramme(TriageTestServer.PROGRAMME_A));
        TRIAGE.server().database().tx(c -> TRIAGE.server().store().ingestAlert(c, bundle, 0, 1_000_000L + version, now,
                new ArrayList<>()));
        JsonNode t = TriageTestServer.awaitTask(api, "ms-1", version);
        assertThat(t.at("/meta/versionId").asText()).isEqualTo(Integer.toString(version));
        return t.at("/meta/lastUpdated").asText();
    }

    private static TreeSet<String> ids(String dateParam) throws Exception {
        HttpResponse<String> r = api.get("/fhir/Task?patient.identifier=" + PATIENT + "&" + dateParam + "&_count=50");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        TreeSet<String> out = new TreeSet<>();
        JSON.readTree(r.body()).path("entry").forEach(e -> {
            if ("Task".equals(e.at("/resource/resourceType").asText())) out.add(e.at("/resource/id").asText());
        });
        return out;
    }
}
