package org.wardstream.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.wardstream.detector.DetectorState;
import org.wardstream.detector.PatientDetector;
import org.wardstream.detector.Reading;
import org.wardstream.episodes.AlertChange;
import org.wardstream.episodes.Transition;
import org.wardstream.rules.EffectiveRules;
import org.wardstream.rules.EpisodeType;
import org.wardstream.rules.Rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What the clinician reads for two alert changes that used to read as something else: the record-only update of an AF
 * alert whose data resumed after a gap with the AF still present (shown as "Still ongoing (reminder)"), and a
 * device-offline alert of a device that has sent nothing since monitoring started (read as a device that stopped).
 */
class AlertStepTextTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long T0 = 1_772_441_000_000L; // 2026-03-02 08:43 UTC
    private static final long MIN = 60_000L, HOUR = 60 * MIN;
    private static final String P = "p-step-text";
    private static final String ZONE = "Europe/London";
    private final EffectiveRules rules = Rules.loadClasspath().defaults();

    private static JsonNode resource(String bundleJson, String type) throws Exception {
        for (JsonNode e : JSON.readTree(bundleJson).get("entry")) {
            if (e.get("resource").get("resourceType").asText().equals(type)) return e.get("resource");
        }
        throw new AssertionError("no " + type);
    }

    // ------------------------------------------------------------------ AF: data resumed, AF still present

    /** The record-only update the lifecycle gives an AF alert whose data resumed 15 min after its last evidence. */
    private static AlertChange afDataResumed() {
        AlertChange open = Samples.change(EpisodeType.ATRIAL_FIBRILLATION, AlertChange.Kind.UPDATED);
        return new AlertChange(AlertChange.Kind.UPDATED, false, open.episodeId(), open.patient(), open.type(),
                open.severity(), open.episodeStartMs(), null, open.atMs(), AlertChange.afAfterNoData(15 * MIN),
                Map.of("onsetRateBpm", 96.4, "irregularity", 0.1834, Transition.NO_DATA_MINUTES, 15.0),
                open.detectorVersion(), open.ruleVersion(), 0);
    }

    @Test
    void theAfUpdateWhenDataResumeSaysDataResumedAndAfStillPresentNotAReminder() throws Exception {
        String json = FhirAlerts.toJson(afDataResumed());
        assertThat(json).doesNotContain("Still ongoing").doesNotContain("reminder");
        JsonNode task = resource(json, "Task");
        assertThat(task.at("/businessStatus/coding/0/code").asText()).isEqualTo("updated");
        String expected = "Updated (record only): data resumed after 15 min without data; AF still present (the same"
                + " episode)";
        assertThat(task.at("/businessStatus/coding/0/display").asText()).isEqualTo(expected);
        assertThat(task.get("description").asText()).contains(". " + expected + ". Started ");
        JsonNode prov = resource(json, "Provenance");
        assertThat(prov.at("/reason/0/text").asText()).isEqualTo(expected);
        assertThat(prov.at("/text/div").asText()).contains(expected + " by wardstream-rr-analyser/");
        assertThat(FhirAlerts.parse(json).kind()).isEqualTo(AlertChange.Kind.UPDATED);
    }

    @Test
    void control_aReminderStillSaysStillOngoing() throws Exception {
        String json = FhirAlerts.toJson(Samples.change(EpisodeType.ATRIAL_FIBRILLATION, AlertChange.Kind.UPDATED));
        JsonNode task = resource(json, "Task");
        assertThat(task.at("/businessStatus/coding/0/display").asText()).isEqualTo("Still ongoing (reminder)");
        assertThat(task.get("description").asText()).contains("Still ongoing (reminder).");
        assertThat(resource(json, "Provenance").at("/reason/0/text").asText())
                .isEqualTo("Still ongoing (reminder): still ongoing");
    }

    // ------------------------------------------------------------------ device offline from the start of monitoring

    /** Device-offline alert changes (and their bundles) through the detector and lifecycle as the job drives them. */
    private List<String> deviceOffline(boolean dataFirst) {
        PatientDetector d = new PatientDetector(rules, ZoneId.of(ZONE));
        DetectorState s = new DetectorState();
        List<Transition> transitions = new ArrayList<>();
        PatientDetector.Output out = DetectorRun.collecting(transitions);
        d.monitoringStarted(s, T0); // a new enrolment, ACTIVE
        if (dataFirst) heartRates(d, s, out, T0, T0 + 10 * MIN);
        for (long t = d.nextTimerMs(s); t != Long.MIN_VALUE && t <= T0 + 30 * HOUR; t = d.nextTimerMs(s)) {
            d.onTime(s, P, null, t, List.of(), out);
        }
        heartRates(d, s, out, T0 + 31 * HOUR, T0 + 31 * HOUR + 5 * MIN); // the device sends at last
        List<AlertChange> changes = DetectorRun.alertChanges(rules, transitions);
        AlertContext ctx = AlertContext.NONE.inZone(ZONE);
        return changes.stream().filter(c -> c.type() == EpisodeType.DEVICE_OFFLINE)
                .map(c -> FhirAlerts.toJson(c, ctx)).toList();
    }

    private static void heartRates(PatientDetector d, DetectorState s, PatientDetector.Output out, long from, long to) {
        for (long t = from; t < to; t += MIN) {
            Reading r = new Reading.HeartRate(t, t + 2_000, 0, null, 70f);
            if (d.arrive(s, P, null, r, out) == PatientDetector.Arrival.ANALYSE) d.analyse(s, P, null, r, out);
        }
    }

    @Test
    void aDeviceSilentFromTheStartSaysNoDataSinceMonitoringStartedOnThatDate() throws Exception {
        List<String> bundles = deviceOffline(false);
        assertThat(bundles).hasSize(2);
        String opened = FhirAlerts.parse(bundles.get(0)).description();
        assertThat(opened).startsWith("No data from the patient's device since monitoring started on 2 Mar 2026 08:43"
                + " Europe/London (08:43 UTC), for 2 h so far. Technical alert: check that the device was set up and"
                + " paired");
        assertThat(opened).doesNotContain("check the device, charging and connectivity");
        assertThat(bundles.get(0)).contains("\"code\":\"no-data-since-monitoring-start\"")
                .contains("\"valueBoolean\":true");
        String closed = FhirAlerts.parse(bundles.get(1)).description();
        assertThat(closed).startsWith("First data from the patient's device, 31 h after monitoring started on 2 Mar"
                + " 2026 08:43 Europe/London (08:43 UTC).").doesNotContain("reconnected");
    }

    @Test
    void control_aDeviceThatStoppedReadsAsADeviceThatStopped() {
        List<String> bundles = deviceOffline(true); // (its close: held with the data resuming, not driven here)
        assertThat(bundles).isNotEmpty();
        assertThat(FhirAlerts.parse(bundles.get(0)).description())
                .startsWith("No data from the patient's device for 2 h so far. Technical alert: check the device,"
                        + " charging and connectivity.").doesNotContain("monitoring started");
        assertThat(bundles.get(0)).doesNotContain("no-data-since-monitoring-start");
    }

    @Test
    void aDeviceOfflineClosedForAnUnenrolmentDoesNotSayReconnected() {
        AlertChange c = Samples.change(EpisodeType.DEVICE_OFFLINE, AlertChange.Kind.CLOSED);
        AlertChange unenrolled = new AlertChange(c.kind(), false, c.episodeId(), c.patient(), c.type(), c.severity(),
                c.episodeStartMs(), c.episodeEndMs(), c.atMs(), AlertChange.UNENROLLED, c.evidence(),
                c.detectorVersion(), c.ruleVersion(), 0);
        assertThat(FhirAlerts.parse(FhirAlerts.toJson(unenrolled)).description())
                .startsWith("No data from the patient's device for 42 min.").doesNotContain("reconnected");
    }
}
