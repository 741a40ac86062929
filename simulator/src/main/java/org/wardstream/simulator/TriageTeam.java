package org.wardstream.simulator;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * A simulated clinical triage team, for the demo: it acknowledges every alert it is given, but only
 * during its shift, one alert per clinician at a time, first come first served. Each alert takes a seeded
 * handling time (log-normal), so the acknowledgement delay is queueing plus handling: alerts raised
 * overnight wait for the morning shift and a burst of alerts waits for a free clinician. That capacity
 * effect is what the equity job's "acknowledged within target" measure shows. Deterministic: the same
 * alerts and seed always give the same acknowledgements (each alert's randomness comes from its own id).
 *
 * @param seed          the only source of randomness
 * @param clinicians    clinicians on shift (at least 1)
 * @param shiftStart    local start of the daily shift
 * @param shiftEnd      local end of the daily shift (after shiftStart)
 * @param zone          the team's time zone
 * @param medianHandling median time one clinician spends on one alert
 */
public record TriageTeam(long seed, int clinicians, LocalTime shiftStart, LocalTime shiftEnd, ZoneId zone,
                         Duration medianHandling) {

    /** An alert to triage: raised at {@code raisedAt} (epoch ms). */
    public record Alert(String episodeId, String programme, String patientId, String episodeType, long raisedAt) {
    }

    /** When an alert was acknowledged (epoch ms) and by which clinician (0-based). */
    public record Acknowledgement(Alert alert, long time, int clinician) {
        public Duration delay() {
            return Duration.ofMillis(time - alert.raisedAt);
        }
    }

    public TriageTeam {
        if (clinicians < 1) {
            throw new IllegalArgumentException("clinicians must be at least 1, was " + clinicians);
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
                Duration.ofMinutes(12));
    }

    /** Acknowledges every alert (any order in; acknowledgements in the order they happen). */
    public List<Acknowledgement> acknowledge(List<Alert> alerts) {
        List<Alert> queue = new ArrayList<>(alerts);
        queue.sort(Comparator.comparingLong(Alert::raisedAt).thenComparing(Alert::episodeId));
        // when each clinician is next free, and who
        PriorityQueue<long[]> free = new PriorityQueue<>(Comparator.<long[]>comparingLong(a -> a[0])
                .thenComparingLong(a -> a[1]));
        for (int c = 0; c < clinicians; c++) {
            free.add(new long[] {Long.MIN_VALUE, c});
        }
        List<Acknowledgement> out = new ArrayList<>();
        for (Alert a : queue) {
            long[] clinician = free.poll();
            long start = onShift(Math.max(a.raisedAt, clinician[0]));
            SplittableRandom r = Seeds.rng(seed, Seeds.mix(hash(a.episodeId)), Seeds.TRIAGE);
            long open = Math.round(Seeds.uniform(r, 0.5, 3) * 60_000); // reads the alert, then acknowledges
            long handling = Math.round(Seeds.logNormal(r, medianHandling.toMillis(), 0.6,
                    medianHandling.toMillis() / 4.0, medianHandling.toMillis() * 6.0));
            long ack = start + open;
            out.add(new Acknowledgement(a, ack, (int) clinician[1]));
            clinician[0] = start + Math.max(open, handling);
            free.add(clinician);
        }
        out.sort(Comparator.comparingLong(Acknowledgement::time).thenComparing(x -> x.alert.episodeId));
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
