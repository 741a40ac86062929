package org.wardstream.simulator;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.wardstream.contract.ClinicianTime;
import org.wardstream.schema.TriageOutcome;

/**
 * A simulated clinical triage team, for the demo: it acknowledges every alert it is given, but only
 * during its shift, one alert per clinician at a time, first come first served. Each alert takes a seeded
 * handling time (log-normal), so the acknowledgement delay is queueing plus handling: alerts raised
 * overnight wait for the morning shift and a burst of alerts waits for a free clinician. That capacity
 * effect is what the equity job's "acknowledged within target" measure shows. Deterministic: the same
 * alerts and seed always give the same acknowledgements (each alert's randomness comes from its own id).
 *
 * <p>{@link #triage} also closes each alert with a coded outcome, using what only a simulator knows (the injected
 * episodes): an alert that matches an injected episode of its type and patient is closed with action (the
 * clinician contacts the patient or escalates) with probability {@link #ACTION_IF_TRUE}, else as no action
 * needed; an alert that matches none is a detector false alarm ({@link TriageOutcome#FALSE_ALARM}), except that
 * an unmatched device-offline alert is mostly a {@link TriageOutcome#DEVICE_PROBLEM}. Closing happens when the
 * clinician has finished handling the alert.
 *
 * <p>Sizing ({@link #sizedFor}), as a remote-monitoring hub is staffed: clinicians on the 08:00-20:00 shift, one
 * per {@link #PATIENTS_PER_CLINICIAN} enrolled patients or more when the alert load needs it (alerts planned at
 * {@link ClinicianTime#MINUTES_PER_ALERT} min, the planning figure the equity report and the what-if use, filling
 * at most half of the shift), one of them on call overnight, {@link #MEDIAN_HANDLING} median handling per alert. With the 4 h response target this gives realistic figures: day-time alerts are
 * acknowledged within minutes, overnight ones by one on-call clinician (slower when several arrive at once).
 *
 * @param seed          the only source of randomness
 * @param clinicians    clinicians on shift (at least 1)
 * @param shiftStart    local start of the daily shift
 * @param shiftEnd      local end of the daily shift (after shiftStart)
 * @param zone          the team's time zone
 * @param medianHandling median time one clinician spends on one alert
 * @param onCall        of the clinicians, how many cover the whole day (on call outside the shift); the others work
 *                      the shift only
 */
public record TriageTeam(long seed, int clinicians, LocalTime shiftStart, LocalTime shiftEnd, ZoneId zone,
                         Duration medianHandling, int onCall) {

    /** Patients per clinician on shift in {@link #sizedFor}. */
    public static final int PATIENTS_PER_CLINICIAN = 250;
    /** Probability that an alert matching an injected episode is closed with action. */
    public static final double ACTION_IF_TRUE = 0.9;
    /** Probability that an unmatched device-offline alert is closed as a device problem (else a false alarm). */
    public static final double DEVICE_PROBLEM_IF_UNMATCHED_OFFLINE = 0.85;
    /** An alert matches an injected episode whose span, widened by this much on each side, holds its start. */
    public static final Duration MATCH_TOLERANCE = Duration.ofMinutes(10);

    /**
     * An alert to triage: raised at {@code raisedAt} (epoch ms); {@code episodeStart} is the device time the
     * detected episode started (epoch ms), used to match it with the injected episodes.
     */
    public record Alert(String episodeId, String programme, String patientId, String episodeType, long raisedAt,
                        long episodeStart) {
        /** An alert whose episode start is not known (taken as its raise time). */
        public Alert(String episodeId, String programme, String patientId, String episodeType, long raisedAt) {
            this(episodeId, programme, patientId, episodeType, raisedAt, raisedAt);
        }
    }

    /** An acknowledged alert closed at {@code closedAt} (epoch ms) with a coded outcome. */
    public record Closure(Acknowledgement acknowledgement, long closedAt, TriageOutcome outcome,
                          boolean matchedInjected) {
        /** CONTACTED_PATIENT and ESCALATED_TO_CLINICIAN close with action; the rest without. */
        public boolean withAction() {
            return outcome == TriageOutcome.CONTACTED_PATIENT || outcome == TriageOutcome.ESCALATED_TO_CLINICIAN;
        }
    }

    /** When an alert was acknowledged (epoch ms) and by which clinician (0-based). */
    public record Acknowledgement(Alert alert, long time, int clinician) {
        public Duration delay() {
            return Duration.ofMillis(time - alert.raisedAt);
        }
    }

    /** A team without on-call cover: every clinician works the shift only. */
    public TriageTeam(long seed, int clinicians, LocalTime shiftStart, LocalTime shiftEnd, ZoneId zone,
                      Duration medianHandling) {
        this(seed, clinicians, shiftStart, shiftEnd, zone, medianHandling, 0);
    }

    public TriageTeam {
        if (clinicians < 1) {
            throw new IllegalArgumentException("clinicians must be at least 1, was " + clinicians);
        }
        if (onCall < 0 || onCall > clinicians) {
            throw new IllegalArgumentException("onCall must be within 0.." + clinicians + ", was " + onCall);
        }
        if (!shiftEnd.isAfter(shiftStart)) {
            throw new IllegalArgumentException("the shift must end after it starts: " + shiftStart + "-" + shiftEnd);
        }
        if (medianHandling.isNegative() || medianHandling.isZero()) {
            throw new IllegalArgumentException("medianHandling must be positive");
        }
    }

    /** One clinician, 08:00-20:00 Europe/London, 12 min median per alert. */
    public static TriageTeam defaults(long seed) {
        return new TriageTeam(seed, 1, LocalTime.of(8, 0), LocalTime.of(20, 0), ZoneId.of("Europe/London"),
                MEDIAN_HANDLING);
    }

    /**
     * A team sized for its workload, as a service manager would staff it: on the 08:00-20:00 shift
     * ceil(patients / {@link #PATIENTS_PER_CLINICIAN}) clinicians, or more if the alerts need it (enough that
     * handling them, at 12 min median and {@link ClinicianTime#MINUTES_PER_ALERT} planned minutes each, fills at most
     * {@link #TARGET_UTILISATION} of the shift), one of whom stays on call overnight. {@code alertsPerDay} is the
     * expected number of alerts a day.
     */
    public static TriageTeam sizedFor(long seed, int patients, double alertsPerDay) {
        int byPatients = (patients + PATIENTS_PER_CLINICIAN - 1) / PATIENTS_PER_CLINICIAN;
        double shiftMinutes = 12 * 60.0;
        int byAlerts = (int) Math.ceil(alertsPerDay * ClinicianTime.MINUTES_PER_ALERT
                / (shiftMinutes * TARGET_UTILISATION));
        int clinicians = Math.max(1, Math.max(byPatients, byAlerts));
        return new TriageTeam(seed, clinicians, LocalTime.of(8, 0), LocalTime.of(20, 0), ZoneId.of("Europe/London"),
                MEDIAN_HANDLING, 1);
    }

    /**
     * Median time a simulated clinician spends on one alert (the log-normal mean is about 14 min); the planning figure
     * ({@link ClinicianTime#MINUTES_PER_ALERT}, 15) is set a little above it and says so in its basis.
     */
    public static final Duration MEDIAN_HANDLING = Duration.ofMinutes(12);
    /** Share of a clinician's shift planned for alerts (the rest: calls, notes, handover). */
    public static final double TARGET_UTILISATION = 0.5;

    /** Acknowledges every alert (any order in; acknowledgements in the order they happen). */
    public List<Acknowledgement> acknowledge(List<Alert> alerts) {
        return work(alerts).stream().map(w -> w.ack).toList();
    }

    /**
     * Acknowledges and closes every alert, the outcome coded from the injected episodes {@code truth} (see the
     * class comment); closures in the order of their acknowledgements.
     */
    public List<Closure> triage(List<Alert> alerts, List<GroundTruthEpisode> truth) {
        Map<String, List<GroundTruthEpisode>> byPatientType = new HashMap<>();
        for (GroundTruthEpisode g : truth) {
            byPatientType.computeIfAbsent(g.patientId() + '\u0000' + g.episodeType(), k -> new ArrayList<>()).add(g);
        }
        long tol = MATCH_TOLERANCE.toMillis();
        List<Closure> out = new ArrayList<>();
        for (Worked w : work(alerts)) {
            Alert a = w.ack.alert();
            boolean matched = byPatientType.getOrDefault(a.patientId() + '\u0000' + a.episodeType(), List.of())
                    .stream().anyMatch(g -> a.episodeStart() >= g.start().toEpochMilli() - tol
                            && a.episodeStart() <= g.end().toEpochMilli() + tol);
            SplittableRandom r = Seeds.rng(seed, Seeds.mix(hash(a.episodeId()) ^ 0x5DEECE66DL), Seeds.TRIAGE);
            out.add(new Closure(w.ack, w.done, outcome(a.episodeType(), matched, r), matched));
        }
        return out;
    }

    static TriageOutcome outcome(String type, boolean matched, SplittableRandom r) {
        double u = r.nextDouble();
        boolean offline = EpisodeTypes.DEVICE_OFFLINE.equals(type);
        if (!matched) {
            return offline && u < DEVICE_PROBLEM_IF_UNMATCHED_OFFLINE ? TriageOutcome.DEVICE_PROBLEM
                    : TriageOutcome.FALSE_ALARM;
        }
        if (u >= ACTION_IF_TRUE) {
            return offline ? TriageOutcome.DEVICE_PROBLEM : TriageOutcome.NO_ACTION_NEEDED;
        }
        // arrhythmias are escalated to a clinician more often than inactivity or a silent device
        double escalate = switch (type) {
            case EpisodeTypes.PAUSE, EpisodeTypes.ATRIAL_FIBRILLATION -> 0.4;
            case EpisodeTypes.TACHYCARDIA, EpisodeTypes.BRADYCARDIA -> 0.3;
            case EpisodeTypes.INACTIVITY -> 0.15;
            default -> 0.0;
        };
        return r.nextDouble() < escalate ? TriageOutcome.ESCALATED_TO_CLINICIAN : TriageOutcome.CONTACTED_PATIENT;
    }

    private record Worked(Acknowledgement ack, long done) {
    }

    private List<Worked> work(List<Alert> alerts) {
        List<Alert> queue = new ArrayList<>(alerts);
        queue.sort(Comparator.comparingLong(Alert::raisedAt).thenComparing(Alert::episodeId));
        long[] freeAt = new long[clinicians];
        java.util.Arrays.fill(freeAt, Long.MIN_VALUE);
        List<Worked> out = new ArrayList<>();
        for (Alert a : queue) {
            // the clinician who can start on it first (on-call clinicians are 0..onCall-1); ties to the lowest index
            int chosen = -1;
            long start = Long.MAX_VALUE;
            for (int c = 0; c < clinicians; c++) {
                long t = Math.max(a.raisedAt, freeAt[c]);
                long s = c < onCall ? t : onShift(t);
                if (s < start) {
                    start = s;
                    chosen = c;
                }
            }
            SplittableRandom r = Seeds.rng(seed, Seeds.mix(hash(a.episodeId)), Seeds.TRIAGE);
            long open = Math.round(Seeds.uniform(r, 0.5, 3) * 60_000); // reads the alert, then acknowledges
            long handling = Math.round(Seeds.logNormal(r, medianHandling.toMillis(), 0.6,
                    medianHandling.toMillis() / 4.0, medianHandling.toMillis() * 6.0));
            long ack = start + open;
            long done = start + Math.max(open, handling);
            out.add(new Worked(new Acknowledgement(a, ack, chosen), done));
            freeAt[chosen] = done;
        }
        out.sort(Comparator.<Worked>comparingLong(w -> w.ack.time()).thenComparing(w -> w.ack.alert.episodeId));
        return out;
    }

    /** The first instant at or after {@code t} within a shift. */
    long onShift(long t) {
        Instant i = Instant.ofEpochMilli(t);
        LocalDate day = LocalDate.ofInstant(i, zone);
        for (int k = 0; k < 3; k++) {
            long s = day.plusDays(k).atTime(shiftStart).atZone(zone).toInstant().toEpochMilli();
            long e = day.plusDays(k).atTime(shiftEnd).atZone(zone).toInstant().toEpochMilli();
            if (t < e) {
                return Math.max(t, s);
            }
        }
        throw new IllegalStateException("no shift within three days of " + i);
    }

    private static long hash(String s) {
        long h = 1125899906842597L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h = 31 * h + b;
        }
        return h;
    }
}
