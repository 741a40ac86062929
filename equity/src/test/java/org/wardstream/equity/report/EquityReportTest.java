package org.wardstream.equity.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.wardstream.equity.EquityAggregator;
import org.wardstream.equity.EquitySettings;
import org.wardstream.equity.disclosure.Disclosure;
import org.wardstream.equity.disclosure.PublishedRow;
import org.wardstream.equity.support.SyntheticPopulation;

class EquityReportTest {
    static final LocalDate MAR = LocalDate.of(2026, 3, 1);
    static final LocalDate APR = LocalDate.of(2026, 4, 1);

    /** 150 patients over March: ratios exist for the larger strata, some small strata are suppressed. */
    public static List<PublishedRow> published() {
        return Disclosure.publish(new EquityAggregator(EquitySettings.defaults()).aggregate("virtual-ward", "month",
                MAR, APR, SyntheticPopulation.days("virtual-ward", MAR, 150, 31), 0));
    }

    /**
     * The report tells commissioners which priority an alert's acknowledgement is judged against: the highest it
     * reached by then (an escalation before anyone acknowledged it), not only the priority it was raised with.
     */
    @Test
    void theTriageSectionSaysAnEscalatedAlertCountsAtItsHigherPriority() {
        String html = EquityReport.render(published());
        assertThat(html).contains("The priority is the highest the alert reached by that first action: an alert"
                + " escalated (a routine alert becoming urgent) before anyone acknowledged it counts at the higher"
                + " priority");
        assertThat(html).contains("the highest priority the alert reached by its acknowledgement");
    }

    /**
     * The acknowledgement measures count clinical alerts only (docs/METRICS.md): their labels say so, so a reader
     * does not take "Alerts acknowledged within target 140/140" for every alert of the period, device-offline ones
     * included (noticed by adversarial probe 20b).
     */
    @Test
    void theAcknowledgementMeasuresSayTheyCountClinicalAlerts() {
        String html = EquityReport.render(published());
        assertThat(html).contains("Clinical alerts acknowledged within target", "Time to acknowledge a clinical alert, median",
                "for clinical alerts only (technical alerts, device-offline and beat-to-beat-offline, are in none of these measures)");
        assertThat(Pattern.compile("(?<![Cc]linical )[Aa]lerts acknowledged within target").matcher(html).results()
                .map(m -> html.substring(Math.max(0, m.start() - 60), m.end())).toList())
                .as("a label that does not say which alerts it counts").isEmpty();
        assertThat(html).doesNotContain("Time to acknowledge, median");
    }

    @Test
    void programmesWhoseNamesSlugAlikeKeepTheirOwnAnchors() {
        List<PublishedRow> pub = new ArrayList<>();
        for (String programme : List.of("Heart Failure", "heart-failure", "\u03a9", "\u03a8")) {
            pub.addAll(Disclosure.publish(new EquityAggregator(EquitySettings.defaults()).aggregate(programme, "month",
                    MAR, APR, SyntheticPopulation.days(programme, MAR, 20, 3), 0)));
        }
        String html = EquityReport.render(pub);
        Matcher ids = Pattern.compile("id=\"([^\"]*)\"").matcher(html);
        java.util.Set<String> seen = new java.util.HashSet<>();
        List<String> duplicates = new ArrayList<>();
        while (ids.find()) {
            if (!seen.add(ids.group(1))) duplicates.add(ids.group(1));
        }
        assertThat(seen).contains("key-findings-heart-failure", "key-findings-heart-failure-2", "key-findings--",
                "key-findings---2");
        assertThat(duplicates).as("element ids used twice: a link would jump into another programme").isEmpty();
    }

    /**
     * A programme with March rows but none for April (its feed broke, it lost its patients) is named at the top of the
     * April report with its latest window, not left out of a page that would read as the whole service (probe 16b D6).
     */
    @Test
    void aProgrammeWithoutRowsInTheReportedWindowIsNamedWithItsLatestWindow() {
        List<PublishedRow> rows = new ArrayList<>(published());
        rows.addAll(Disclosure.publish(new EquityAggregator(EquitySettings.defaults()).aggregate("virtual-ward",
                "month", APR, APR.plusMonths(1), SyntheticPopulation.days("virtual-ward", APR, 60, 30), 0)));
        rows.addAll(Disclosure.publish(new EquityAggregator(EquitySettings.defaults()).aggregate("frailty-south",
                "month", MAR, APR, SyntheticPopulation.days("frailty-south", MAR, 60, 31), 0)));
        String html = EquityReport.render(rows);
        assertThat(html).contains("Programme virtual-ward &middot; month from 2026-04-01")
                .contains("<strong>Not in this report:</strong> programme frailty-south has no aggregates for this "
                        + "month (its latest month begins 2026-03-01)");
        assertThat(EquityReport.render(rows, "month", MAR)).as("in March both have rows")
                .doesNotContain("Not in this report");
    }

    /**
     * The alert burden's total never counts a type whose hours are withheld as 0: with every type withheld there is
     * no total (it said 0.0 clinician hours a week), with some withheld it is a lower bound (probe 16b D7).
     */
    @Test
    void theAlertBurdenTotalIsNotShownOrIsALowerBoundWhenTypesAreWithheld() {
        String small = EquityReport.render(Disclosure.publish(new EquityAggregator(EquitySettings.defaults())
                .aggregate("small", "month", MAR, APR, SyntheticPopulation.days("small", MAR, 5, 31), 0)));
        String table = burdenTable(small);
        assertThat(table).as("precondition: alert types exist and are withheld").contains("<td>*</td>");
        assertThat(table).contains("<tr><th>All types</th><td></td><td></td><td></td><th>&ndash;</th></tr>")
                .doesNotContain("<th>0.0</th>");
        assertThat(small).contains("hours are not shown (counts withheld to protect small numbers): the total is not "
                + "shown either");
        String full = burdenTable(EquityReport.render(published()));
        assertThat(full).as("a programme whose types are all shown keeps its plain total")
                .containsPattern("<tr><th>All types</th><td></td><td></td><td></td><th>[0-9]+\\.[0-9]</th></tr>");
    }

    private static String burdenTable(String html) {
        Matcher table = Pattern.compile("<caption>Alerts per 1,000 patient-days and clinician hours per week</caption>"
                + "(.*?)</table>", Pattern.DOTALL).matcher(html);
        assertThat(table.find()).isTrue();
        return table.group(1);
    }

    @Test
    void selfContainedPageWithAChartPerMeasureAndDimension() {
        String html = EquityReport.render(published());
        assertThat(html).startsWith("<!DOCTYPE html>");
        // nothing is fetched: no scripts, no external files; links only to anchors of this page, each of which exists
        assertThat(html).doesNotContain("<script").doesNotContain("src=")
                .doesNotContain("<link").doesNotContain("@import").doesNotContain("url(");
        Matcher links = Pattern.compile("href=\"([^\"]*)\"").matcher(html);
        int n = 0;
        while (links.find()) {
            n++;
            assertThat(links.group(1)).startsWith("#");
            assertThat(html).as("target of " + links.group(1)).contains("id=\"" + links.group(1).substring(1) + "\"");
        }
        assertThat(n).isGreaterThan(10);
        assertThat(count(html, "<svg class=\"chart\"")).isGreaterThanOrEqualTo(5 * 6);
        assertThat(html).contains("id=\"monitored_days\"", "id=\"data_completeness\"", "id=\"clinical_alerts\"",
                "id=\"stratifier_completeness\"", "By deprivation (IMD quintile)", "By ethnic group", "By age band",
                "By sex", "By integrated care board", "By deprivation and ethnic group");
        assertThat(html).contains("fill=\"" + EquityReport.BAR_COLOUR + "\"")
                .contains("fill=\"" + EquityReport.RATIO_COLOUR + "\"");
        assertThat(html).doesNotContain("pseudo-");
    }

    @Test
    void plainEnglishReadingOfTheDeprivationGradient() {
        String html = EquityReport.render(published());
        // by construction quintile 1 has data on 6 days in 10 (the rest half-days), quintile 5 on every day
        Matcher m = Pattern.compile("Patients in the most deprived quintile had (\\d+) % less complete data than "
                + "those in the least deprived quintile \\(ratio (0\\.\\d\\d), 95 % CI (0\\.\\d\\d)-(0\\.\\d\\d)\\)").matcher(html);
        assertThat(m.find()).as("reading of data completeness").isTrue();
        double ratio = Double.parseDouble(m.group(2));
        assertThat(ratio).isLessThan(1.0);
        assertThat(Integer.parseInt(m.group(1))).isEqualTo((int) Math.round((1 - ratio) * 100));
        assertThat(Double.parseDouble(m.group(4))).isLessThan(1.0);
        assertThat(html).contains("Patients in the most deprived quintile had ").contains("fewer monitored days");
    }

    @Test
    void keyFindingsComeFirstAndOnlyFromLargeEnoughGroupsWithIntervalsExcludingOne() {
        List<PublishedRow> rows = published();
        String html = EquityReport.render(rows);
        int findings = html.indexOf("id=\"key-findings\"");
        assertThat(findings).isPositive().isLessThan(html.indexOf("id=\"contents\""));
        assertThat(html.indexOf("id=\"contents\"")).isLessThan(html.indexOf("id=\"overall\""));
        List<EquityReport.Finding> f = EquityReport.findings(rows, "");
        assertThat(f).isNotEmpty().hasSizeLessThanOrEqualTo(EquityReport.MAX_FINDINGS);
        // every pairwise finding names a ratio whose interval excludes 1, between groups meeting the minimum
        Pattern ratio = Pattern.compile("ratio (\\d+\\.\\d\\d), 95&nbsp;% interval (\\d+\\.\\d\\d) to (\\d+\\.\\d\\d)");
        for (EquityReport.Finding x : f) {
            assertThat(x.html()).contains("href=\"#");
            Matcher m = ratio.matcher(x.html());
            if (m.find()) {
                double lo = Double.parseDouble(m.group(2));
                double hi = Double.parseDouble(m.group(3));
                assertThat(lo > 1 || hi < 1).as(x.html()).isTrue();
            }
        }
        // the 'quintile not known' stratum (9 patients, under the minimum) is never a finding
        assertThat(EquityReport.patients(rows, "imd_quintile", "unknown")).isLessThan(EquityReport.MIN_PATIENTS);
        assertThat(f).noneMatch(x -> x.html().contains("not known") || x.html().contains("no recorded"));
    }

    @Test
    void suppressedCellsAreShownAsSuppressedNotZero() {
        List<PublishedRow> rows = new ArrayList<>(published());
        assertThat(rows).anyMatch(PublishedRow::suppressed);
        String html = EquityReport.render(rows);
        assertThat(html).contains("suppressed (small number)").contains("<span class=\"supp\">suppressed</span>");
        // every suppressed row's table cell says suppressed, never 0
        for (PublishedRow r : rows) {
            if (r.suppressed()) {
                assertThat(r.value()).isNull();
            }
        }
    }

    @Test
    void highestRevisionWinsAndEmptyInputIsAPage() {
        List<PublishedRow> rows = published();
        PublishedRow r0 = rows.get(0);
        PublishedRow newer = new PublishedRow(r0.programme(), r0.windowStart(), r0.windowEnd(), r0.granularity(),
                r0.dimension(), r0.stratum(), r0.measure(), r0.method(), "12345", r0.denominatorCount(), 12345.0,
                null, null, null, null, null, null, r0.imdEdition(), 7);
        List<PublishedRow> both = new ArrayList<>(rows);
        both.add(newer);
        assertThat(EquityReport.render(both)).contains("revision 7").contains("12,345");
        assertThat(EquityReport.render(List.of())).contains("No aggregates");
    }

    @Test
    void pacemakerLineSaysHowManyAreRecordedOfAllEnrolledAndHowManyAreNotRecorded() {
        List<PublishedRow> rows = published();
        String html = EquityReport.render(rows);
        // SyntheticPopulation: of 150 patients, 25 recorded yes and 25 not recorded either way (the rest no)
        assertThat(html).contains("id=\"pacemaker_recorded\"", "id=\"pacemaker_not_recorded\"",
                "<a href=\"#pacemaker_recorded\">Patients with a pacemaker recorded (AF not assessable from pulse "
                        + "timing)</a>");
        Matcher summary = Pattern.compile("<p class=\"reading\" id=\"pacemaker-summary\">([^<]*)</p>").matcher(html);
        assertThat(summary.find()).as("the whole programme's pacemaker line").isTrue();
        assertThat(summary.group(1)).startsWith("Whole programme: 25 of 150 enrolled patients (16.7 %, 95 % interval ")
                .contains("have a pacemaker recorded in their enrolment")
                .contains("their AF is not reliably assessable from pulse timing")
                .contains("device clinic (remote device monitoring) holds their atrial arrhythmia records")
                .contains("The share is of all enrolled patients: for 25 of 150 the enrolment does not say whether "
                        + "they have a pacemaker (not recorded, not counted as having none)");
        // the whole-programme table has the line with its published counts
        assertThat(html).containsPattern("<tr><td>Patients with a pacemaker recorded \\(AF not assessable from pulse "
                + "timing\\)</td><td>16\\.7 %</td><td>[0-9.]+&ndash;[0-9.]+ %</td><td>25</td><td>150</td></tr>");
        // each IMD quintile has 5 of them: shown as suppressed, never as 5 or as a share
        for (String q : List.of("1", "2", "3", "4", "5")) {
            PublishedRow r = rows.stream().filter(x -> x.measure().equals("pacemaker_recorded")
                    && x.dimension().equals("imd_quintile") && x.stratum().equals(q)).findFirst().orElseThrow();
            assertThat(r.numeratorCount()).isEqualTo("*");
            assertThat(r.value()).isNull();
        }
        String section = html.substring(html.indexOf("id=\"pacemaker_recorded-imd_quintile\""));
        section = section.substring(0, section.indexOf("</div>"));
        assertThat(section).contains("suppressed (small number)")
                .contains("All strata are suppressed or unavailable for this measure in this window.")
                .doesNotContainPattern("<td>5</td>");
    }

    @Test
    void pacemakerLineWithASuppressedNumberOrWithoutTheMeasure() {
        // 3 patients with a pacemaker recorded among 40: the count is not published, not even in words
        List<PublishedRow> rows = Disclosure.publish(new EquityAggregator(EquitySettings.defaults()).aggregate(
                "virtual-ward", "month", MAR, APR, SyntheticPopulation.days("virtual-ward", MAR, 40, 3).stream()
                        .map(d -> d.withPacemaker(d.patientId().matches("pseudo-[012]") ? Boolean.TRUE : Boolean.FALSE))
                        .toList(), 0));
        assertThat(EquityReport.pacemakerSummary(rows)).hasValueSatisfying(t -> assertThat(t)
                .startsWith("Whole programme: a suppressed number (1 to 7) of 40 enrolled patients have a pacemaker")
                .contains("for 0 of 40 the enrolment does not say").doesNotContain(" 3 "));
        // aggregates from before the measure: no section, no line, the rest of the page as before
        List<PublishedRow> before = published().stream().filter(r -> !r.measure().startsWith("pacemaker_")).toList();
        assertThat(EquityReport.pacemakerSummary(before)).isEmpty();
        assertThat(EquityReport.render(before)).doesNotContain("pacemaker").contains("id=\"monitored_days\"");
    }

    @Test
    void escapesText() {
        assertThat(EquityReport.esc("<b>&\"'")).isEqualTo("&lt;b&gt;&amp;&quot;&#39;");
    }

    static int count(String s, String needle) {
        int n = 0;
        for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
