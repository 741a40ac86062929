package org.wardstream.equity.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wardstream.equity.EquityAggregator;
import org.wardstream.equity.EquitySettings;
import org.wardstream.equity.disclosure.Disclosure;
import org.wardstream.equity.disclosure.PublishedRow;
import org.wardstream.equity.io.AggregatesCsv;
import org.wardstream.equity.io.Recomputation;
import org.wardstream.equity.model.PatientDay;
import org.wardstream.equity.model.Strata;
import org.wardstream.equity.support.SyntheticPopulation;

/**
 * A stratum that a recomputation ({@code EquityMetricsJob --bounded}) empties, read from the compacted topic
 * {@code equity-aggregates} (closing 20: "a corrected stratum that the recomputation empties stays on the compacted
 * topic, and so in a report built from the topic CSV, at the live job's higher revision"). The recomputation's
 * revisions restart at 0, so its rows of March (revision 0) replace the live job's (revision 2) on the topic key by
 * key, but the stratum it no longer has keeps the live job's rows under their keys. The generation was only in
 * PostgreSQL, so a reader of the topic or of its CSV took the window's highest revision: the live job's withdrawn
 * stratum. The generation is now in every published form, and readers order by generation before revision.
 */
class WithdrawnStratumTest {
    static final String PROG = "cardiac-north";
    static final LocalDate MAR = LocalDate.of(2026, 3, 1);
    /** Submitted on 10 April: March is final (allowed lateness 24 h). */
    static final Recomputation APRIL_10 = new Recomputation(Instant.parse("2026-04-10T08:00:00Z"),
            Duration.ofHours(24), null);
    static final String FINDING = "No enrolled patients from IMD quintile 1 (most deprived, Core20)";

    @TempDir
    Path dir;

    @Test
    void aStratumTheRecomputationEmptiedIsNotReportedFromTheTopicOrItsCsv() throws Exception {
        List<PatientDay> asLive = SyntheticPopulation.days(PROG, MAR, 100, 31);
        // the enrolments' IMD deciles were wrong: quintile 1's patients live in quintile 2 (corrected in April)
        List<PatientDay> corrected = asLive.stream()
                .map(d -> "1".equals(d.strata().imdQuintile()) ? inQuintile(d, "2") : d).toList();
        EquityAggregator aggregator = new EquityAggregator(EquitySettings.defaults());
        // the live job: March published, then re-emitted twice after late uploads
        List<PublishedRow> live = Disclosure.publish(aggregator.aggregate(PROG, "month", MAR, MAR.plusMonths(1),
                asLive, 2));
        // the recomputation: a new run, so revision 0, written with its generation
        List<PublishedRow> recomputed = Disclosure.publish(aggregator.aggregate(PROG, "month", MAR,
                MAR.plusMonths(1), corrected, 0)).stream().map(APRIL_10::stamp).toList();
        assertThat(recomputed).allMatch(r -> r.generation() == APRIL_10.generation());
        assertThat(live).allMatch(r -> r.generation() == Recomputation.LIVE);

        // the compacted topic after both (last write wins, key by key), exported as the CSV the report reads
        Map<String, PublishedRow> topic = new LinkedHashMap<>();
        live.forEach(r -> topic.put(r.key(), r));
        recomputed.forEach(r -> topic.put(r.key(), r));
        assertThat(topic.values()).as("control: the live job's rows of quintile 1 are still on the topic")
                .anyMatch(r -> "imd_quintile".equals(r.dimension()) && "1".equals(r.stratum()));
        Path csv = dir.resolve("aggregates.csv");
        AggregatesCsv.write(csv, new ArrayList<>(topic.values()));
        List<PublishedRow> read = AggregatesCsv.read(csv);

        assertThat(EquityReport.newestComputation(read)).as("what the report takes of the topic's rows")
                .containsExactlyInAnyOrderElementsOf(recomputed);
        String html = EquityReport.render(read);
        assertThat(html).as("the report of the topic's CSV").contains(FINDING);
        assertThat(html).as("the heading says the window was recomputed, and when (the generation, UTC)")
                .contains("recomputed " + java.time.Instant.ofEpochMilli(APRIL_10.generation())
                        .truncatedTo(java.time.temporal.ChronoUnit.MINUTES) + " (corrected input)");
        assertThat(EquityReport.render(live)).as("control: the live job's rows").doesNotContain("recomputed");
        assertThat(EquityReport.render(recomputed)).as("control: the recomputation's rows alone").contains(FINDING);
    }

    static PatientDay inQuintile(PatientDay d, String quintile) {
        Strata s = d.strata();
        return new PatientDay(d.programme(), d.patientId(), d.day(),
                new Strata(quintile, s.imdEdition(), s.ethnicGroup(), s.ageBand(), s.sex(), s.icb()), d.dayMinutes(),
                d.enrolledMinutes(), d.dataMinutes(), d.monitored(), d.clinicalAlerts(), d.technicalAlerts(),
                d.alertDelaysMs(), d.alertsRaised(), d.acknowledgedWithinTarget(), d.alertsClosed(),
                d.alertsClosedWithAction(), d.ackDelaysMs(), d.enrolledStart(), d.disenrolled(), d.pacemaker());
    }
}
