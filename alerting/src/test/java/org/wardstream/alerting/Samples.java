package org.wardstream.alerting;

import org.wardstream.episodes.AlertChange;
import org.wardstream.episodes.EpisodeIds;
import org.wardstream.episodes.Transitions;
import org.wardstream.rules.EpisodeType;
import org.wardstream.rules.Severity;
import org.wardstream.signals.HeartRateThresholds;
import org.wardstream.signals.WearActivityTracker;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** AlertChanges shaped like the ones EpisodeLifecycle emits (same evidence keys, detector versions, reasons). */
public final class Samples {

    public static final String PATIENT = "p-7f3a9c";
    public static final long START = Instant.parse("2026-03-02T09:15:00Z").toEpochMilli();

    private Samples() {
    }

    public static String detector(EpisodeType type) {
        return switch (type) {
            case ATRIAL_FIBRILLATION, PAUSE -> Transitions.RHYTHM_DETECTOR_VERSION;
            case TACHYCARDIA, BRADYCARDIA -> HeartRateThresholds.DETECTOR_VERSION;
            case INACTIVITY, DEVICE_OFFLINE -> WearActivityTracker.DETECTOR_VERSION;
            case BEAT_TO_BEAT_OFFLINE -> org.wardstream.signals.BeatToBeatWatch.DETECTOR_VERSION;
        };
    }

    public static Map<String, Double> evidence(EpisodeType type, AlertChange.Kind kind) {
        Map<String, Double> ev = new LinkedHashMap<>();
        switch (type) {
            case ATRIAL_FIBRILLATION -> {
                // every record after the opening also carries what opened (and escalated) the episode
                ev.put("irregularity", 0.1834);
                ev.put("onsetRateBpm", 96.4);
                if (kind == AlertChange.Kind.UPDATED) ev.put("meanRateBpm", 118.26); // the latest segment's
                if (kind == AlertChange.Kind.ESCALATED || kind == AlertChange.Kind.CLOSED) {
                    ev.put("fastRateBpm", 131.37);
                    ev.put("fastMinutes", 5.007967);
                }
            }
            case TACHYCARDIA, BRADYCARDIA -> {
                boolean tachy = type == EpisodeType.TACHYCARDIA;
                ev.put("minRateBpm", tachy ? 121.0 : 36.0);
                ev.put("meanRateBpm", tachy ? 131.37 : 44.6);
                ev.put("maxRateBpm", tachy ? 142.0 : 49.0);
            }
            case PAUSE -> {
                ev.put("pauseMs", 4230.0);
                if (kind == AlertChange.Kind.ESCALATED || kind == AlertChange.Kind.CLOSED) ev.put("stillMinutes", 11.0);
            }
            case INACTIVITY -> {
                ev.put("stillMinutes", kind == AlertChange.Kind.CLOSED ? 262.5 : 181.0);
                if (kind != AlertChange.Kind.CLOSED) ev.put("limitMinutes", 180.0);
            }
            case DEVICE_OFFLINE -> { }
        }
        return ev;
    }

    public static AlertChange change(EpisodeType type, AlertChange.Kind kind) {
        return change(PATIENT, type, kind);
    }

    public static AlertChange change(String patient, EpisodeType type, AlertChange.Kind kind) {
        String dv = detector(type);
        String id = EpisodeIds.of(null, patient, type, dv, START);
        long at = switch (kind) {
            case OPENED -> START + 10 * 60_000;
            case UPDATED -> START + 6 * 3_600_000;
            case ESCALATED -> START + 25 * 60_000;
            case CLOSED -> START + 42 * 60_000 + 500;
        };
        Long end = kind == AlertChange.Kind.CLOSED ? at : null;
        Severity base = type == EpisodeType.TACHYCARDIA ? Severity.URGENT : Severity.ROUTINE;
        Severity sev = kind == AlertChange.Kind.ESCALATED ? Severity.values()[base.ordinal() + 1] : base;
        String reason = switch (kind) {
            case UPDATED -> AlertChange.STILL_ONGOING;
            case ESCALATED -> switch (type) {
                case ATRIAL_FIBRILLATION -> "AF with fast ventricular rate (mean above the rate-control target for several minutes)";
                case BRADYCARDIA -> "heart rate below 40 bpm for at least 1 minute";
                case PAUSE -> "possible syncope or fall (pause followed by stillness)";
                default -> "escalation";
            };
            case CLOSED -> type == EpisodeType.DEVICE_OFFLINE ? AlertChange.RECONNECTED
                    : type == EpisodeType.BEAT_TO_BEAT_OFFLINE ? AlertChange.BEAT_TO_BEAT_RESUMED : null;
            default -> null;
        };
        boolean notify = kind != AlertChange.Kind.CLOSED || type.technical();
        return new AlertChange(kind, notify, id, patient, type, sev, START, end, at, reason, evidence(type, kind), dv,
                1, kind == AlertChange.Kind.OPENED ? 2 : 0);
    }
}
