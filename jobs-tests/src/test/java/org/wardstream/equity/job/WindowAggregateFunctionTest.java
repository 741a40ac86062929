package org.wardstream.equity.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.wardstream.equity.disclosure.PublishedRow;

/** The window operator with Flink's harness: emission at the window's end, revisions, both views, no pseudonyms. */
class WindowAggregateFunctionTest {
    static final ZoneId LONDON = ZoneId.of("Europe/London");
    KeyedOneInputStreamOperatorTestHarness<String, WindowedDay, EquityRowOut> harness;

    @BeforeEach
    void setUp() throws Exception {
        harness = ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                new WindowAggregateFunction(EquityJobSettings.defaults()), WindowedDay::windowKey, Types.STRING);
        harness.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    static PatientDayRecord day(String patient, String date, String imd, int dataMinutes, int revision) {
        PatientDayRecord r = new PatientDayRecord();
        r.programme = "virtual-ward";
        r.patientId = patient;
        LocalDate d = LocalDate.parse(date);
        r.epochDay = d.toEpochDay();
        r.timeZone = LONDON.getId();
        r.dayEnd = PatientEquity.LocalDayMillis.start(d.plusDays(1), LONDON);
        r.revision = revision;
        r.imdQuintile = imd;
        r.imdEdition = "IoD2019";
        r.ethnicGroup = "White";
        r.ageBand = "65-74";
        r.sex = "female";
        r.icb = "QWE";
        r.dayMinutes = 1440;
        r.enrolledMinutes = 1440;
        r.dataMinutes = dataMinutes;
        r.monitored = dataMinutes >= 0.7 * 1440;
        r.enrolledStart = date.equals("2026-03-02");
        return r;
    }

    void send(PatientDayRecord r) throws Exception {
        for (WindowedDay w : WindowedDay.windowsOf(r)) {
            harness.processElement(new StreamRecord<>(w, r.dayEnd));
        }
    }

    List<EquityRowOut> drain() {
        List<EquityRowOut> out = new ArrayList<>(harness.extractOutputValues());
        harness.getOutput().clear();
        return out;
    }

    @Test
    void dailyRowsAtTheDaysEndMonthlyRowsPublishedAtTheMonthsEndRevisedByLateDays() throws Exception {
        List<String> patients = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String p = String.format("p%06d", i + 1);
            patients.add(p);
            send(day(p, "2026-03-02", i % 2 == 0 ? "1" : "5", i % 2 == 0 ? 800 : 1400, 0));
        }
        harness.processWatermark(PatientEquity.LocalDayMillis.start(LocalDate.parse("2026-03-03"), LONDON));
        List<EquityRowOut> daily = drain();
        assertThat(daily).isNotEmpty().allSatisfy(r -> {
            assertThat(r.view).isEqualTo(EquityRowOut.INTERNAL);
            assertThat(r.key).startsWith("virtual-ward|day|2026-03-02|");
            assertThat(r.revision).isZero();
        });
        assertThat(daily).extracting(r -> r.key).doesNotHaveDuplicates()
                .contains("virtual-ward|day|2026-03-02|imd_quintile|1|data_completeness");

        // a late revision of one patient-day, within the allowed lateness, re-emits its day with revision 1
        send(day(patients.get(0), "2026-03-02", "1", 1440, 1));
        send(day(patients.get(0), "2026-03-02", "1", 1, 0)); // an older revision arriving late is ignored
        harness.processWatermark(PatientEquity.LocalDayMillis.start(LocalDate.parse("2026-03-03"), LONDON) + 6 * 3_600_000L);
        List<EquityRowOut> revisedDay = drain();
        assertThat(revisedDay).isNotEmpty().allSatisfy(r -> {
            assertThat(r.revision).isEqualTo(1);
            assertThat(r.key).startsWith("virtual-ward|day|2026-03-02|"); // the month is not complete yet
        });

        // the month is complete only at its end (1 April, 00:00 BST = 31 March 23:00 UTC)
        send(day(patients.get(1), "2026-03-31", "5", 1400, 0));
        long monthEnd = PatientEquity.LocalDayMillis.start(LocalDate.parse("2026-04-01"), LONDON);
        harness.processWatermark(monthEnd - 1);
        assertThat(drain()).isEmpty();
        harness.processWatermark(monthEnd);
        List<EquityRowOut> month = drain();
        assertThat(month).extracting(r -> r.view).contains(EquityRowOut.INTERNAL, EquityRowOut.PUBLISHED);
        assertThat(month).extracting(r -> r.key).contains("virtual-ward|day|2026-03-31|all|all|patient_days");
        List<PublishedRow> published = published(month);
        assertThat(published).extracting(PublishedRow::dimension)
                .contains("imd_quintile", "ethnic_group", "age_band", "sex", "imd_quintile_x_ethnic_group");
        assertThat(published).allSatisfy(r -> {
            assertThat(r.windowStart()).isEqualTo(LocalDate.parse("2026-03-01"));
            assertThat(r.windowEnd()).isEqualTo(LocalDate.parse("2026-04-01"));
            assertThat(r.revision()).isZero();
            assertThat(r.numeratorCount()).matches("0|\\*|\\d*[05]");
        });
        PublishedRow q1 = row(published, "imd_quintile", "1", "data_completeness");
        PublishedRow q5 = row(published, "imd_quintile", "5", "data_completeness");
        assertThat(q1.value()).isLessThan(q5.value());
        assertThat(month).allSatisfy(r -> patients.forEach(p -> assertThat(r.json).doesNotContain(p)));

        // a late revision of the month's last day re-emits that day and the month with revision 1
        send(day(patients.get(1), "2026-03-31", "5", 0, 1));
        harness.processWatermark(monthEnd + 1);
        List<EquityRowOut> revised = drain();
        assertThat(revised).isNotEmpty().allSatisfy(r -> assertThat(r.revision).isEqualTo(1));
        assertThat(revised).extracting(r -> r.key).contains("virtual-ward|day|2026-03-31|all|all|data_completeness",
                "virtual-ward|month|2026-03-01|all|all|data_completeness");
        PublishedRow q5After = row(published(revised), "imd_quintile", "5", "data_completeness");
        assertThat(q5After.value()).isLessThan(q5.value());

        // past the allowed lateness the windows' state is released
        harness.processWatermark(monthEnd + EquityJobSettings.defaults().allowedLateness().toMillis() + 2);
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    static List<PublishedRow> published(List<EquityRowOut> rows) {
        return rows.stream().filter(EquityRowOut::isPublished).map(r -> RowJson.parsePublished(r.json)).toList();
    }

    static PublishedRow row(List<PublishedRow> rows, String dimension, String stratum, String measure) {
        return rows.stream().filter(r -> r.dimension().equals(dimension) && r.stratum().equals(stratum)
                && r.measure().equals(measure)).findFirst().orElseThrow(() -> new AssertionError(
                        "no row " + dimension + "/" + stratum + "/" + measure));
    }
}
