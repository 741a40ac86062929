package org.wardstream.equity.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;

import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;
import org.junit.jupiter.api.Test;

/**
 * The equity job's keyed state restores from snapshots in the earlier formats (Flink POJOs, collections by Kryo:
 * {@code state-formats/equity-*-pojo.snapshot}, written once by the code before {@link EquityStateSerializers};
 * format 1, before the pacemaker record: {@code state-formats/equity-*-format1.snapshot}; format 4, before the first
 * acknowledgement's time and the priority raises: {@code state-formats/equity-*-format4.snapshot}; all from the first half of
 * {@link EquityStateScenario}) and from one in the current format; the operators then give what they give without a
 * restore, the enrolment's pacemaker (republished in the second half) included.
 */
class EquityStateUpgradeTest {

    private static OperatorSubtaskState resource(String name) throws Exception {
        return OperatorSnapshotUtil.readStateHandle(resourcePath(name));
    }

    private static String resourcePath(String name) throws URISyntaxException {
        return Path.of(EquityStateUpgradeTest.class.getResource("/state-formats/" + name).toURI()).toString();
    }

    /** What the operators emit in the second half without any restore: the reference. */
    private static Object[] uninterrupted() throws Exception {
        try (var days = EquityStateScenario.patientDays(); var windows = EquityStateScenario.windows()) {
            days.open();
            windows.open();
            EquityStateScenario.runWindows(windows, EquityStateScenario.runPatientDays(days,
                    EquityStateScenario.firstHalf(), EquityStateScenario.HALF), EquityStateScenario.HALF);
            List<PatientDayRecord> secondDays = EquityStateScenario.runPatientDays(days, EquityStateScenario.secondHalf(),
                    EquityStateScenario.END);
            List<EquityRowOut> rows = EquityStateScenario.runWindows(windows, secondDays, EquityStateScenario.END);
            return new Object[] {secondDays, rows};
        }
    }

    /** The second half on operators restored from the two snapshots; the windows get the reference's patient-days. */
    private static Object[] restored(OperatorSubtaskState daysState, OperatorSubtaskState windowsState,
                                     List<PatientDayRecord> referenceDays) throws Exception {
        try (var days = EquityStateScenario.patientDays(); var windows = EquityStateScenario.windows()) {
            days.initializeState(daysState);
            days.open();
            windows.initializeState(windowsState);
            windows.open();
            List<PatientDayRecord> secondDays = EquityStateScenario.runPatientDays(days, EquityStateScenario.secondHalf(),
                    EquityStateScenario.END);
            List<EquityRowOut> rows = EquityStateScenario.runWindows(windows, referenceDays, EquityStateScenario.END);
            return new Object[] {secondDays, rows};
        }
    }

    @SuppressWarnings("unchecked")
    private static void assertSameAsUninterrupted(Object[] got, Object[] expected, String... startAtUpgrade) {
        List<PatientDayRecord> days = (List<PatientDayRecord>) got[0];
        List<PatientDayRecord> expectedDays = (List<PatientDayRecord>) expected[0];
        assertThat(expectedDays).as("the second half emits patient-days (a revision among them)").isNotEmpty()
                .anySatisfy(d -> assertThat(d.revision).isPositive())
                .anySatisfy(d -> assertThat(d.alertDelaysMs).isNotEmpty())
                .allSatisfy(d -> assertThat(d.pacemaker).as("republished with a pacemaker").isTrue());
        assertThat(days).usingRecursiveFieldByFieldElementComparatorIgnoringFields(startAtUpgrade)
                .containsExactlyElementsOf(expectedDays);
        List<EquityRowOut> rows = (List<EquityRowOut>) got[1];
        assertThat((List<EquityRowOut>) expected[1]).as("the second half emits aggregate rows").isNotEmpty()
                .anySatisfy(r -> assertThat(r.key).endsWith("|day|2026-03-03|all|all|pacemaker_recorded"));
        assertThat(rows).usingRecursiveFieldByFieldElementComparator()
                .containsExactlyElementsOf((List<EquityRowOut>) expected[1]);
    }

    @Test
    void stateOfThePreviousPojoFormatRestoresAndCarriesOn() throws Exception {
        Object[] expected = uninterrupted();
        Object[] got = restored(resource("equity-patient-days-pojo.snapshot"), resource("equity-windows-pojo.snapshot"),
                (List<PatientDayRecord>) expected[0]);
        // the triage-closure measures came after the POJO format: they count the actions from the upgrade on
        assertSameAsUninterrupted(got, expected, "alertsClosed", "alertsClosedWithAction", "ackDelaysMs");
    }

    @Test
    void stateOfFormat1WithoutThePacemakerRestoresAndCarriesOn() throws Exception {
        Object[] expected = uninterrupted();
        Object[] got = restored(resource("equity-patient-days-format1.snapshot"),
                resource("equity-windows-format1.snapshot"), (List<PatientDayRecord>) expected[0]);
        assertSameAsUninterrupted(got, expected);
    }

    /**
     * Format 4 (each episode's priority, without the first acknowledgement's time or the priority raises, which
     * format 5 added): written by the code of commit cd1d97f; restores and carries on as the uninterrupted run.
     */
    @Test
    void stateOfFormat4WithoutAcknowledgementTimesRestoresAndCarriesOn() throws Exception {
        Object[] expected = uninterrupted();
        Object[] got = restored(resource("equity-patient-days-format4.snapshot"),
                resource("equity-windows-format4.snapshot"), (List<PatientDayRecord>) expected[0]);
        assertSameAsUninterrupted(got, expected);
    }

    @Test
    void stateOfFormat1ReadsThePacemakerAsNotRecordedUntilTheEnrolmentSaysSo() throws Exception {
        try (var days = EquityStateScenario.patientDays()) {
            days.initializeState(resource("equity-patient-days-format1.snapshot"));
            days.open();
            // a late reading for the emitted day re-emits it from the restored state alone: not recorded
            long d1 = PatientDayFunctionTest.localStart("2026-03-02");
            List<PatientDayRecord> before = EquityStateScenario.runPatientDays(days,
                    List.of(PatientDayFunctionTest.hr(d1 + (23 * 60 + 5) * EquityStateScenario.MIN)),
                    EquityStateScenario.HALF + 1);
            assertThat(before).singleElement().satisfies(d -> {
                assertThat(d.day()).hasToString("2026-03-02");
                assertThat(d.revision).isEqualTo(1);
                assertThat(d.pacemaker).isNull();
                assertThat(d.toPatientDay().pacemaker()).isNull();
            });
            List<PatientDayRecord> after = EquityStateScenario.runPatientDays(days,
                    List.of(EquityStateScenario.withPacemaker()), EquityStateScenario.HALF + 2);
            assertThat(after).singleElement().satisfies(d -> {
                assertThat(d.revision).isEqualTo(2);
                assertThat(d.pacemaker).isTrue();
            });
        }
    }

    @Test
    void stateOfTheCurrentFormatRestoresAndCarriesOn() throws Exception {
        Object[] expected = uninterrupted();
        OperatorSubtaskState[] now = EquityStateScenario.firstHalfSnapshots();
        assertSameAsUninterrupted(restored(now[0], now[1], (List<PatientDayRecord>) expected[0]), expected);
    }
}
