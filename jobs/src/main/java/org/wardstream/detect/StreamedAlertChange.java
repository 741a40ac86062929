package org.wardstream.detect;

import java.util.LinkedHashMap;
import java.util.Map;

import org.wardstream.episodes.AlertChange;
import org.wardstream.ingest.PatientProfile;
import org.wardstream.rules.EpisodeType;
import org.wardstream.rules.Severity;

/**
 * One alert state change on its way to the sinks (a Flink POJO): the lifecycle's {@link AlertChange}
 * plus what only the stream knows: the programme, how delayed the evidence was, when it was received
 * and when the change was emitted.
 */
public class StreamedAlertChange {
    public String kind;
    public boolean notifyTeam;
    public String episodeId;
    public String patientId;
    public String programme;
    public String episodeType;
    public String severity;
    public long episodeStartMs;
    /** Episode end, or -1 while open. */
    public long episodeEndMs = -1;
    public long atMs;
    public String reason;
    public Map<String, Double> evidence = new LinkedHashMap<>();
    public String detectorVersion;
    public int ruleVersion;
    public int suppressedRecurrences;
    /** How delayed the evidence was: its receipt time minus its device time when over the delayed threshold (0 = on time), ms. */
    public long delayedByMs;
    /** When the platform received the evidence (its timeReceived), epoch ms. */
    public long evidenceReceivedMs;
    /** Wall-clock time the change left the detector, epoch ms. */
    public long emittedAtMs;
    /** The patient's IANA time zone (enrolment), for local times in the text; null if unknown. */
    public String timeZone;
    /** The enrolment records a pacemaker (or another device that paces), for the AF alert's caveat. */
    public boolean pacemaker;

    public StreamedAlertChange() {
    }

    static StreamedAlertChange of(AlertChange c, String programme, long delayedByMs, long evidenceReceivedMs, long emittedAtMs) {
        StreamedAlertChange e = new StreamedAlertChange();
        e.kind = c.kind().name();
        e.notifyTeam = c.notifyTeam();
        e.episodeId = c.episodeId();
        e.patientId = c.patient();
        e.programme = programme;
        e.episodeType = c.type().code();
        e.severity = c.severity().code();
        e.episodeStartMs = c.episodeStartMs();
        e.episodeEndMs = c.episodeEndMs() == null ? -1 : c.episodeEndMs();
        e.atMs = c.atMs();
        e.reason = c.reason();
        e.evidence = new LinkedHashMap<>(c.evidence());
        e.detectorVersion = c.detectorVersion();
        e.ruleVersion = c.ruleVersion();
        e.suppressedRecurrences = c.suppressedRecurrences();
        e.delayedByMs = delayedByMs;
        e.evidenceReceivedMs = evidenceReceivedMs;
        e.emittedAtMs = emittedAtMs;
        return e;
    }

    /** The same change with what the patient's enrolment adds to the alert: the time zone and a pacemaker. */
    StreamedAlertChange forPatient(PatientProfile p) {
        this.timeZone = p == null ? null : p.timeZone;
        this.pacemaker = p != null && p.pacemaker;
        return this;
    }

    /** Back to the lifecycle's record, for the FHIR encoder. */
    public AlertChange toAlertChange() {
        return new AlertChange(AlertChange.Kind.valueOf(kind), notifyTeam, episodeId, patientId,
                EpisodeType.fromCode(episodeType).orElseThrow(), Severity.fromCode(severity).orElseThrow(),
                episodeStartMs, episodeEndMs < 0 ? null : episodeEndMs, atMs, reason, evidence, detectorVersion,
                ruleVersion, suppressedRecurrences);
    }

    /** Omits the patient id: this may reach logs. */
    @Override
    public String toString() {
        return "StreamedAlertChange{" + episodeType + " " + kind + " at " + atMs + "}";
    }
}
