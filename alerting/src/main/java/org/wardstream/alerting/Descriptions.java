package org.wardstream.alerting;

import org.wardstream.episodes.AlertChange;

import java.util.Map;

/**
 * Plain-English text for the triage clinician (Task.description and Observation.code.text): what happened, for how
 * long, the key numbers, then the lifecycle step, then when: the episode's start (and end) in the patient's local
 * time beside UTC (UTC only when the zone is not known); the structured effectivePeriod carries the exact instants.
 */
final class Descriptions {

    private Descriptions() {
    }

    /** The condition's name as the Observation's code text. */
    static String title(AlertChange c) {
        return switch (c.type()) {
            case ATRIAL_FIBRILLATION -> "Possible atrial fibrillation (irregularly irregular RR intervals)";
            case TACHYCARDIA -> "Sustained fast heart rate at rest";
            case BRADYCARDIA -> "Slow heart rate";
            case PAUSE -> "Pause in heartbeat";
            case INACTIVITY -> "Prolonged inactivity while the device was worn";
            case DEVICE_OFFLINE -> "Device offline (no data received)";
            case BEAT_TO_BEAT_OFFLINE -> "Rhythm monitoring stopped (no beat-to-beat data)";
        };
    }

    /**
     * An AF alert of a patient whose enrolment records a pacemaker: pacing regularises the pulse, so pulse timing sees
     * AF only while the ventricles are not paced (docs/TRIAGE.md, "Patients with a pacemaker").
     */
    static final String PACEMAKER_SENTENCE = "This patient has a pacemaker: pacing makes the pulse regular, so pulse"
            + " timing can miss AF or see only part of it; a device with an atrial lead keeps its own record of atrial"
            + " arrhythmia (remote monitoring or a device check).";

    static String describe(AlertChange c, AlertContext ctx) {
        Map<String, Double> ev = c.evidence();
        long durationMs = durationMs(c);
        String lasting = c.ended() ? "lasted " + duration(durationMs) : "for " + duration(durationMs) + " so far";
        Double mean = Evidence.get(ev, "meanRateBpm");
        Double min = Evidence.get(ev, "minRateBpm");
        Double max = Evidence.get(ev, "maxRateBpm");
        StringBuilder sb = new StringBuilder();
        switch (c.type()) {
            case ATRIAL_FIBRILLATION -> {
                sb.append("Possible atrial fibrillation, ").append(lasting);
                // each number named as what it is: the rate over the segments that confirmed the onset, and (while
                // open) that of the latest segment; never one presented as the other or as the episode's mean
                Double onset = Evidence.get(ev, "onsetRateBpm");
                if (onset != null) sb.append(", mean ventricular rate at onset ").append(rate(onset));
                if (mean != null) sb.append(", latest segment's mean ventricular rate ").append(rate(mean));
                Double burden = Evidence.get(ev, "afBurdenPercent");
                if (burden != null) sb.append(", AF burden ").append(Evidence.decimal(burden, 1).toPlainString()).append(" %");
                sb.append(". Detected from RR intervals only: confirm with an ECG.");
                if (ctx.pacemakerCaveat(c)) sb.append(' ').append(PACEMAKER_SENTENCE);
                Double bar = Evidence.get(ev, "onsetBar");
                if (bar != null) {
                    sb.append(" This patient's AF onset bar is ").append(Evidence.decimal(bar, 2).toPlainString())
                            .append(" (validated: ").append(org.wardstream.rhythm.AfModel.DEFAULT.onsetThreshold()).append(").");
                }
                Double barWithoutRise = Evidence.get(ev, "onsetBarWithoutRateRise");
                if (barWithoutRise != null) {
                    sb.append(" Without a rise in heart rate over their regular rhythm, this patient's AF onset bar is ")
                            .append(Evidence.decimal(barWithoutRise, 2).toPlainString()).append(" (validated: ")
                            .append(org.wardstream.rhythm.RhythmParameters.DEFAULTS.steadyOnsetThreshold()).append(").");
                }
                Double fast = Evidence.get(ev, "fastRateBpm");
                if (fast != null && c.kind() != AlertChange.Kind.ESCALATED) { // the escalation's own text says it
                    sb.append(" Escalated for a fast ventricular rate: smoothed mean ").append(rate(fast));
                    Double fastMinutes = Evidence.get(ev, "fastMinutes");
                    if (fastMinutes != null) sb.append(" sustained ").append(duration((long) (fastMinutes * 60_000)));
                    sb.append('.');
                }
            }
            case TACHYCARDIA -> {
                sb.append("Sustained fast heart rate at rest, ").append(lasting);
                appendRates(sb, mean, min, max);
                sb.append('.');
                appendRateSource(sb, ev);
            }
            case BRADYCARDIA -> {
                sb.append("Slow heart rate, ").append(lasting);
                appendRates(sb, mean, min, max);
                sb.append('.');
                appendRateSource(sb, ev);
            }
            case PAUSE -> {
                Double pauseMs = Evidence.get(ev, "pauseMs");
                sb.append("Pause in heartbeat");
                if (pauseMs != null) sb.append(" of ").append(Evidence.decimal(pauseMs / 1000.0, 1).toPlainString()).append(" s");
                sb.append(" (no beat detected over clean signal).");
                Double still = Evidence.get(ev, "stillMinutes");
                if (still != null) {
                    sb.append(" No movement for ").append(duration((long) (still * 60_000))).append(" since");
                    sb.append(c.kind() == AlertChange.Kind.ESCALATED ? "." : ": escalated as a possible syncope or fall.");
                }
            }
            case INACTIVITY -> {
                sb.append("No movement while the device was worn, ").append(lasting);
                Double limit = Evidence.get(ev, "limitMinutes");
                if (limit != null) sb.append(" (limit for this time of day ").append(duration((long) (limit * 60_000))).append(')');
                sb.append(". Possible welfare concern.");
            }
            case DEVICE_OFFLINE -> {
                // reconnected: data came (a close for another reason, e.g. the patient unenrolled, is no reconnection)
                String silent = "for " + duration(durationMs) + (c.ended() ? "" : " so far");
                boolean reconnected = c.ended() && (c.reason() == null || AlertChange.RECONNECTED.equals(c.reason()));
                if (noDataSinceMonitoringStart(c)) { // the device has sent nothing since alerting started or resumed
                    String started = "monitoring started on " + at(c.episodeStartMs(), zoneOf(ctx.timeZone()));
                    if (reconnected) sb.append("First data from the patient's device, ").append(duration(durationMs))
                            .append(" after ").append(started).append('.');
                    else sb.append("No data from the patient's device since ").append(started).append(", ")
                            .append(silent).append(c.ended() ? "." : ". Technical alert: check that the device was"
                                    + " set up and paired, is charged and connected, and is with the patient.");
                } else if (reconnected) sb.append("Device reconnected after ").append(duration(durationMs)).append(" without data.");
                else sb.append("No data from the patient's device ").append(silent)
                        .append(c.ended() ? "." : ". Technical alert: check the device, charging and connectivity.");
            }
            case BEAT_TO_BEAT_OFFLINE -> {
                String silent = "for " + duration(durationMs) + (c.ended() ? "" : " so far");
                if (c.ended() && (c.reason() == null || AlertChange.BEAT_TO_BEAT_RESUMED.equals(c.reason()))) {
                    sb.append("Beat-to-beat (RR) data resumed after ").append(duration(durationMs))
                            .append(": AF and pause monitoring have started again.");
                } else {
                    sb.append("No beat-to-beat (RR) data from the patient's devices ").append(silent)
                            .append(" while heart rate still arrives: AF and pause monitoring have stopped");
                    sb.append(c.ended() ? "." : ". Technical alert: check the chest strap or patch (charged, worn,"
                            + " paired); the heart rate from the other device is still monitored.");
                }
            }
        }
        sb.append(' ').append(step(c));
        if (c.suppressedRecurrences() > 0) {
            sb.append(' ').append(c.suppressedRecurrences()).append(c.suppressedRecurrences() == 1 ? " similar episode" : " similar episodes")
                    .append(" during the cool-down since the previous alert did not raise separate alerts.");
        }
        sb.append(' ').append(when(c, ctx.timeZone()));
        if (ctx.isDelayed()) {
            sb.append(" Raised from delayed data: uploaded ").append(duration(ctx.delayedByMs())).append(" after it was recorded.");
        }
        return sb.toString();
    }

    private static final java.time.format.DateTimeFormatter LOCAL =
            java.time.format.DateTimeFormatter.ofPattern("d MMM yyyy HH:mm", java.util.Locale.UK);
    private static final java.time.format.DateTimeFormatter CLOCK =
            java.time.format.DateTimeFormatter.ofPattern("HH:mm", java.util.Locale.UK);

    /** Whether a device-offline change is of a device that has sent nothing since the patient's alerts started. */
    static boolean noDataSinceMonitoringStart(AlertChange c) {
        return c.type() == org.wardstream.rules.EpisodeType.DEVICE_OFFLINE
                && Evidence.get(c.evidence(), org.wardstream.episodes.Transition.NO_DATA_SINCE_MONITORING_START) != null;
    }

    /** The zone, or null when not known or not valid (then UTC only). */
    private static java.time.ZoneId zoneOf(String zone) {
        try {
            return zone == null ? null : java.time.ZoneId.of(zone);
        } catch (java.time.DateTimeException e) {
            return null;
        }
    }

    /** "Started 2 Mar 2026 10:00 Europe/London (10:00 UTC); ended ..." */
    static String when(AlertChange c, String zone) {
        java.time.ZoneId z = zoneOf(zone);
        String s = "Started " + at(c.episodeStartMs(), z);
        if (c.ended()) s += "; ended " + at(c.episodeEndMs(), z);
        return s + ".";
    }

    private static String at(long ms, java.time.ZoneId zone) {
        java.time.Instant i = java.time.Instant.ofEpochMilli(ms);
        String utc = CLOCK.format(i.atZone(java.time.ZoneOffset.UTC)) + " UTC";
        if (zone == null) return LOCAL.format(i.atZone(java.time.ZoneOffset.UTC)) + " UTC";
        return LOCAL.format(i.atZone(zone)) + " " + zone.getId() + " (" + utc + ")";
    }

    private static String step(AlertChange c) {
        String reason = c.reason() == null || c.reason().isBlank() ? null : c.reason().strip();
        return switch (c.kind()) {
            case OPENED -> reason == null ? "New alert." : "New alert (" + reason + ").";
            case UPDATED -> reason == null || reason.equals(AlertChange.STILL_ONGOING) ? "Still ongoing (reminder)."
                    : FhirAlerts.lifecycleDisplay(c) + ".";
            case ESCALATED -> "Escalated to " + c.severity().code() + (reason == null ? "" : ": " + reason)
                    + (c.ended() ? " (confirmed after the episode ended; review still required)." : ".");
            case CLOSED -> switch (c.type()) {
                case DEVICE_OFFLINE -> "Resolved: no action needed unless data stops again.";
                case BEAT_TO_BEAT_OFFLINE -> "Resolved: no action needed unless beat-to-beat data stops again.";
                default -> "Episode has ended; review still required.";
            };
        };
    }

    private static void appendRates(StringBuilder sb, Double mean, Double min, Double max) {
        if (mean != null) sb.append(", mean ").append(rate(mean));
        if (min != null && max != null) {
            sb.append(" (range ").append(Evidence.decimal(min, 0).toPlainString()).append('-').append(rate(max)).append(')');
        }
    }

    /**
     * Where a heart-rate episode's rate came from ({@code rateFromRrPercent}): the device's own heart-rate samples, a
     * rate a minute derived from beat-to-beat (RR) intervals (a strap or patch that sends no heart rate), or both (the
     * device's samples stopped for a while). Nothing when not known (an episode whose samples were all read from a
     * state stored before the source was recorded).
     */
    private static void appendRateSource(StringBuilder sb, Map<String, Double> ev) {
        Double rr = Evidence.get(ev, org.wardstream.episodes.Transitions.RATE_FROM_RR_PERCENT);
        if (rr == null) return;
        if (rr <= 0) {
            sb.append(" Rate from the device's heart-rate samples.");
        } else if (rr >= 100) {
            sb.append(" Rate derived from beat-to-beat (RR) intervals, a rate for each minute with enough clean beats:"
                    + " no recent heart-rate samples from the device.");
        } else {
            // a share that rounds to 0 or 100 still names both: a watch sampling every second outnumbers a minute's rate
            String share = rr < 0.5 ? "under 1" : rr >= 99.5 ? "over 99" : Evidence.decimal(rr, 0).toPlainString();
            sb.append(" Rate from the device's heart-rate samples and, where they were missing, derived from"
                    + " beat-to-beat (RR) intervals (").append(share).append(" % of samples).");
        }
    }

    static long durationMs(AlertChange c) {
        long end = c.episodeEndMs() != null ? c.episodeEndMs() : c.atMs();
        return Math.max(0, end - c.episodeStartMs());
    }

    static String rate(double bpm) {
        return Evidence.decimal(bpm, 0).toPlainString() + "/min";
    }

    /** 42 s, 14 min, 3 h 5 min, 2 d 4 h. */
    static String duration(long ms) {
        long s = Math.max(0, Math.round(ms / 1000.0));
        if (s < 60) return s + " s";
        long min = Math.round(s / 60.0);
        if (min < 60) return min + " min";
        long h = min / 60;
        long m = min % 60;
        if (h < 48) return m == 0 ? h + " h" : h + " h " + m + " min";
        long d = h / 24;
        long hh = h % 24;
        return hh == 0 ? d + " d" : d + " d " + hh + " h";
    }
}
