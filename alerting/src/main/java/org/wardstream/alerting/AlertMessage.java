package org.wardstream.alerting;

import org.wardstream.episodes.AlertChange;

import java.time.Instant;

/**
 * What a consumer of the alert contract needs from one alert message, read back by {@link FhirAlerts#parse}.
 * Plain values only (no HAPI types).
 *
 * @param bundleId          Bundle id (= Provenance id): unique per alert state change
 * @param patient           patient pseudonym (Observation.subject.identifier.value)
 * @param episodeType       episode-type code, e.g. {@code atrial-fibrillation}
 * @param episodeId         Observation id (= Task id): one per episode, stable across its state changes
 * @param observationStatus {@code preliminary} while open, {@code final} once closed
 * @param start             Observation.effectivePeriod.start
 * @param end               Observation.effectivePeriod.end, {@code null} while open
 * @param kind              the lifecycle step (Task.businessStatus)
 * @param taskStatus        Task.status ({@code requested}, or {@code cancelled} for a self-resolved technical alert)
 * @param priority          Task.priority ({@code routine | urgent | asap | stat})
 * @param raisedAt          Task.authoredOn
 * @param notifyTeam        whether this change is meant to notify the triage team
 * @param delayedByMs       how late the evidence arrived, or {@code null} if not raised from delayed data
 * @param detector          detector name/version from the Provenance agent, e.g. {@code wardstream-rr-analyser/1}
 * @param description       Task.description, plain English for the triage clinician
 * @param programme         the programme that issued the pseudonym: the Task's (else the Observation's) {@code meta.tag}
 *                          of {@link FhirAlerts#PROGRAMME_SYSTEM}; {@code null} in a message of a release before it
 */
public record AlertMessage(String bundleId, String patient, String episodeType, String episodeId,
                           String observationStatus, Instant start, Instant end, AlertChange.Kind kind,
                           String taskStatus, String priority, Instant raisedAt, boolean notifyTeam,
                           Long delayedByMs, String detector, String description, String programme) {

    /** A message without a programme (as releases before it wrote). */
    public AlertMessage(String bundleId, String patient, String episodeType, String episodeId,
                        String observationStatus, Instant start, Instant end, AlertChange.Kind kind,
                        String taskStatus, String priority, Instant raisedAt, boolean notifyTeam,
                        Long delayedByMs, String detector, String description) {
        this(bundleId, patient, episodeType, episodeId, observationStatus, start, end, kind, taskStatus, priority,
                raisedAt, notifyTeam, delayedByMs, detector, description, null);
    }

    public boolean delayed() {
        return delayedByMs != null;
    }

    public boolean closed() {
        return end != null;
    }
}
