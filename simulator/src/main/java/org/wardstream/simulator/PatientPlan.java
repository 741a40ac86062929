package org.wardstream.simulator;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

import org.wardstream.schema.WearDetection;

/**
 * A patient's whole period, decided up front from the patient's own random streams and cheap to hold: sleep,
 * off-body periods (charging, left off, showers), connectivity loss, and the injected episodes with their exact
 * beat sequences. The ground truth follows from the plan alone, so it is known before any event is generated;
 * {@link PatientStream} then renders the plan minute by minute.
 */
final class PatientPlan {
    static final long MINUTE = 60_000L;
    static final long BLOCK = 5 * MINUTE;
    static final long HOUR = 60 * MINUTE;
    static final byte CLEAN = 0;
    static final byte ARTEFACT = 1;

    record Span(long start, long end) {
        boolean overlaps(long a, long b) {
            return start < b && a < end;
        }

        boolean contains(long t) {
            return start <= t && t < end;
        }
    }

    /** Not worn over [start, end); CHARGER means on the charger (battery charging). */
    record OffBody(long start, long end, WearDetection method) {
    }

    /** No connectivity over [start, end): the device buffers and uploads at {@code end}. */
    record Offline(long start, long end, boolean episode) {
    }

    /** An injected rhythm episode: beats at start, start + rr[0], ...; the last beat is at end. */
    record Rhythm(String type, long start, long end, int[] rr, byte[] quality) {
    }

    final SyntheticPatient profile;
    final long dataStart;
    final long dataEnd;
    final long gridOrigin;
    final List<Span> sleep = new ArrayList<>();
    final List<OffBody> offBody = new ArrayList<>();
    final List<Offline> offline = new ArrayList<>();
    final List<Rhythm> rhythms = new ArrayList<>();
    final List<Span> inactivity = new ArrayList<>();
    final List<GroundTruthEpisode> groundTruth = new ArrayList<>();

    private final SplittableRandom r;

    PatientPlan(SyntheticPatient p, SimulatorConfig config) {
        this(p, config, config.end().toEpochMilli());
    }

    /**
     * A plan that ends at {@code dataEnd} instead of the config's end: a shorter period, planned with the same random
     * streams (used by {@link OpeningStreams} to render only the opening minutes of a large population).
     */
    PatientPlan(SyntheticPatient p, SimulatorConfig config, long dataEnd) {
        this.profile = p;
        this.dataStart = p.dataStartMs;
        this.dataEnd = dataEnd;
        this.gridOrigin = p.gridOriginMs;
        this.r = Seeds.rng(config.seed(), p.index, Seeds.PLAN);
        SplittableRandom episodes = Seeds.rng(config.seed(), p.index, Seeds.EPISODES);
        planSleepAndWear();
        planOffline();
        planRhythms(episodes);
        planInactivity();
        groundTruth.sort(GroundTruthEpisode.ORDER);
    }

    // ---------------------------------------------------------------- queries

    OffBody offBodyAt(long t) {
        for (OffBody o : offBody) {
            if (o.start <= t && t < o.end) {
                return o;
            }
            if (o.start > t) {
                break;
            }
        }
        return null;
    }

    boolean wornThroughout(long a, long b) {
        for (OffBody o : offBody) {
            if (o.start < b && a < o.end) {
                return false;
            }
        }
        return a >= dataStart && b <= dataEnd;
    }

    boolean asleep(long t) {
        for (Span s : sleep) {
            if (s.contains(t)) {
                return true;
            }
        }
        return false;
    }

    boolean sleepOverlaps(long a, long b) {
        for (Span s : sleep) {
            if (s.overlaps(a, b)) {
                return true;
            }
        }
        return false;
    }

    boolean inactive(long t) {
        for (Span s : inactivity) {
            if (s.contains(t)) {
                return true;
            }
        }
        return false;
    }

    /** Within {@code margin} of a tachycardia episode (kept at rest). */
    boolean nearTachycardia(long a, long b, long margin) {
        for (Rhythm e : rhythms) {
            if (e.type.equals(EpisodeTypes.TACHYCARDIA) && e.start - margin < b && a < e.end + margin) {
                return true;
            }
        }
        return false;
    }

    /** The offline span a delivery at {@code t} falls in, or null. */
    Offline offlineAt(long t) {
        for (Offline o : offline) {
            if (o.start <= t && t < o.end) {
                return o;
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- time helpers

    static long localTime(LocalDate day, double minuteOfDay) {
        return day.atStartOfDay(SyntheticPatient.ZONE).toInstant().toEpochMilli() + Math.round(minuteOfDay * MINUTE);
    }

    static int localMinute(long t) {
        LocalTime lt = LocalTime.ofInstant(Instant.ofEpochMilli(t), SyntheticPatient.ZONE);
        return lt.getHour() * 60 + lt.getMinute();
    }

    static LocalDate localDate(long t) {
        return LocalDate.ofInstant(Instant.ofEpochMilli(t), SyntheticPatient.ZONE);
    }

    /** Nearest boundary of this patient's five-minute grid. */
    long snap(long t) {
        return gridOrigin + Math.round((t - gridOrigin) / (double) BLOCK) * BLOCK;
    }

    private long minutes(double lo, double hi) {
        return Math.round(Seeds.uniform(r, lo, hi) * MINUTE);
    }

    // ---------------------------------------------------------------- sleep and wear

    private void planSleepAndWear() {
        SyntheticPatient p = profile;
        LocalDate first = localDate(dataStart).minusDays(1);
        LocalDate last = localDate(dataEnd);
        List<OffBody> raw = new ArrayList<>();
        long prevWake = Long.MIN_VALUE;
        for (LocalDate d = first; !d.isAfter(last); d = d.plusDays(1)) {
            double bedMin = Seeds.clamp(p.bedMinute + 20 * r.nextGaussian(), 21 * 60 + 45, 24 * 60 + 45);
            double wakeMin = Seeds.clamp(p.wakeMinute + 20 * r.nextGaussian(), 5 * 60 + 45, 8 * 60 + 15);
            long bed = localTime(d, bedMin);
            long wake = localTime(d.plusDays(1), wakeMin);
            sleep.add(new Span(bed, wake));
            long morningWake = prevWake == Long.MIN_VALUE ? localTime(d, wakeMin) : prevWake;
            prevWake = wake;

            long cs;
            long ce;
            switch (p.chargeHabit) {
                case NIGHT -> {
                    cs = snap(bed - minutes(5, 30));
                    ce = snap(wake + minutes(5, 40));
                }
                case MORNING -> {
                    cs = snap(morningWake + minutes(15, 60));
                    ce = cs + snap0(minutes(45, 90));
                }
                case EVENING -> {
                    cs = snap(localTime(d, 18 * 60 + Seeds.uniform(r, 0, 180)));
                    ce = cs + snap0(minutes(45, 90));
                }
                default -> {
                    cs = snap(localTime(d, 13 * 60 + Seeds.uniform(r, 0, 210)));
                    ce = cs + snap0(minutes(45, 90));
                }
            }
            raw.add(new OffBody(cs, ce, WearDetection.CHARGER));
            if (r.nextDouble() < 0.07) {
                // taken off the charger but not put back on for a while
                raw.add(new OffBody(ce, ce + snap0(minutes(60, 240)), WearDetection.CAPACITIVE));
            }
            if (r.nextDouble() < 0.25) {
                long s = snap(morningWake + minutes(10, 120));
                raw.add(new OffBody(s, s + snap0(minutes(10, 25)), WearDetection.CAPACITIVE));
            }
        }
        raw.sort(Comparator.comparingLong(OffBody::start));
        List<OffBody> merged = new ArrayList<>();
        for (OffBody o : raw) {
            if (o.end <= o.start) {
                continue;
            }
            OffBody prev = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (prev != null && (o.start < prev.end || (o.start == prev.end && o.method == prev.method))) {
                merged.set(merged.size() - 1, new OffBody(prev.start, Math.max(prev.end, o.end), prev.method));
            } else {
                merged.add(o);
            }
        }
        for (OffBody o : merged) {
            long s = Math.max(o.start, dataStart);
            long e = Math.min(o.end, dataEnd);
            if (s < e) {
                offBody.add(new OffBody(s, e, o.method));
            }
        }
    }

    /** A duration rounded to whole five-minute blocks (at least one). */
    private static long snap0(long duration) {
        return Math.max(1, Math.round(duration / (double) BLOCK)) * BLOCK;
    }

    // ---------------------------------------------------------------- connectivity

    // Digital exclusion (one model, two consequences): in more deprived areas connections drop more often and for
    // longer (no home broadband, pay-as-you-go mobile data running out, poor signal). Each outage of over an hour
    // both loses monitored minutes (the backlog arrives too late to count, see the equity job's timeliness limit)
    // and, from 2 h 15 min, raises a device-offline alert; so data completeness falls and device-offline alerts rise
    // with deprivation. Index: IMD quintile (0 = not recorded, 1 = most deprived ... 5 = least deprived).
    static final double[] OFFLINE_EPISODES_PER_DAY = {0.18, 0.45, 0.28, 0.17, 0.10, 0.05};
    /** Median outage length by quintile, hours (log-normal, 2.25-10 h). */
    static final double[] OFFLINE_MEDIAN_HOURS = {4.0, 8.0, 6.0, 4.5, 3.25, 2.75};
    private static final double[] BLIPS_PER_DAY = {0.5, 0.8, 0.65, 0.5, 0.4, 0.3};

    private void planOffline() {
        int q = profile.imdQuintile();
        for (LocalDate d = localDate(dataStart); d.isBefore(localDate(dataEnd - 1).plusDays(1)); d = d.plusDays(1)) {
            long dayStart = Math.max(localTime(d, 0), dataStart);
            long dayEnd = Math.min(localTime(d.plusDays(1), 0), dataEnd);
            if (dayEnd <= dayStart) {
                continue;
            }
            double fraction = (dayEnd - dayStart) / (24.0 * HOUR);
            int episodes = Seeds.poisson(r, OFFLINE_EPISODES_PER_DAY[q] * profile.offlineFactor * fraction);
            int blips = Seeds.poisson(r, BLIPS_PER_DAY[q] * fraction);
            for (int i = 0; i < episodes + blips; i++) {
                boolean episode = i < episodes;
                long duration = episode
                        ? Math.round(Seeds.logNormal(r, OFFLINE_MEDIAN_HOURS[q], 0.45, 2.25, 10) * HOUR)
                                + r.nextLong(1000)
                        : minutes(10, 75) + r.nextLong(1000);
                for (int attempt = 0; attempt < 30; attempt++) {
                    long s = dayStart + r.nextLong(dayEnd - dayStart);
                    long e = s + duration;
                    if (s >= dataStart + 15 * MINUTE && e <= dataEnd - 15 * MINUTE && offlineClear(s, e)) {
                        offline.add(new Offline(s, e, episode));
                        if (episode) {
                            truth(EpisodeTypes.DEVICE_OFFLINE, s, e);
                        }
                        break;
                    }
                }
            }
        }
        offline.sort(Comparator.comparingLong(Offline::start));
    }

    private boolean offlineClear(long s, long e) {
        for (Offline o : offline) {
            if (o.start - 45 * MINUTE < e && s < o.end + 45 * MINUTE) {
                return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- rhythm episodes

    private void planRhythms(SplittableRandom er) {
        double days = (dataEnd - dataStart) / (24.0 * HOUR);
        SyntheticPatient p = profile;
        int af = p.afProne ? Seeds.poisson(r, 0.6 * days) : 0;
        int tachy = p.tachyProne ? Seeds.poisson(r, 0.8 * days) : 0;
        int brady = p.bradyProne ? Seeds.poisson(r, 0.8 * days) : 0;
        int pause = p.pauseProne ? Seeds.poisson(r, 1.0 * days) : 0;
        for (int i = 0; i < af; i++) {
            place(EpisodeTypes.ATRIAL_FIBRILLATION, atrialFibrillation(er), false);
        }
        for (int i = 0; i < tachy; i++) {
            place(EpisodeTypes.TACHYCARDIA, regular(er, Seeds.uniform(er, 140, 180), 250, 60000 / 132.0,
                    Seeds.uniform(er, 14, 75) * MINUTE), true);
        }
        for (int i = 0; i < brady; i++) {
            if (er.nextBoolean()) {
                // profound: under 40/min for minutes, awake or asleep
                place(EpisodeTypes.BRADYCARDIA, regular(er, Seeds.uniform(er, 30, 37), 60000 / 39.5, 2200,
                        Seeds.uniform(er, 3, 20) * MINUTE), false);
            } else {
                // sustained under 48/min while awake
                place(EpisodeTypes.BRADYCARDIA, regular(er, Seeds.uniform(er, 40, 45.5), 60000 / 47.5, 1600,
                        Seeds.uniform(er, 15, 60) * MINUTE), true);
            }
        }
        for (int i = 0; i < pause; i++) {
            // a sinus arrest of 4.0-4.8 s: never 2 or 3 times a rhythm faster than 50/min (3.3 x 1.2 s = 3.96 s), which
            // the detector reads as beats the sensor missed (RrAnalyser.regularMedianBefore); one draw, as before
            int[] rr = {(int) Math.round(Seeds.uniform(er, 4000, 4800))};
            place(EpisodeTypes.PAUSE, new Beats(rr, new byte[] {CLEAN}), false);
        }
        rhythms.sort(Comparator.comparingLong(Rhythm::start));
    }

    private record Beats(int[] rr, byte[] quality) {
        long duration() {
            long s = 0;
            for (int v : rr) {
                s += v;
            }
            return s;
        }
    }

    /** Irregularly irregular: independent log-normal RR, CV 0.15-0.30, ventricular rate 70-150/min. */
    private static Beats atrialFibrillation(SplittableRandom er) {
        long duration = Math.round(Seeds.logNormal(er, 40, 0.9, 6, 360) * MINUTE);
        double rate = er.nextDouble() < 0.3 ? Seeds.uniform(er, 112, 150) : Seeds.uniform(er, 70, 110);
        double cv = Seeds.uniform(er, 0.15, 0.30);
        double sigma = Math.sqrt(Math.log(1 + cv * cv));
        double mean = 60000 / rate;
        IntArray rr = new IntArray();
        ByteArray q = new ByteArray();
        long sum = 0;
        double drift = 0;
        while (sum < duration) {
            drift = 0.999 * drift + 0.003 * er.nextGaussian();
            int v = (int) Math.round(Seeds.clamp(mean * Math.exp(drift + sigma * er.nextGaussian() - sigma * sigma / 2),
                    300, 1900));
            rr.add(v);
            q.add(rr.size() > 1 && er.nextDouble() < 0.01 ? ARTEFACT : CLEAN);
            sum += v;
        }
        byte[] quality = q.toArray();
        quality[quality.length - 1] = CLEAN;
        return new Beats(rr.toArray(), quality);
    }

    /** A regular rhythm (SVT-like or bradycardia) at {@code rate}, abrupt onset and offset. */
    private static Beats regular(SplittableRandom er, double rate, double minRr, double maxRr, double duration) {
        IntArray rr = new IntArray();
        ByteArray q = new ByteArray();
        long sum = 0;
        double drift = 0;
        while (sum < duration) {
            drift = 0.995 * drift + 0.002 * er.nextGaussian();
            double v = 60000 / rate * Math.exp(drift) * (1 + 0.012 * er.nextGaussian());
            int iv = (int) Math.round(Seeds.clamp(v, minRr, maxRr));
            rr.add(iv);
            q.add(rr.size() > 1 && er.nextDouble() < 0.003 ? ARTEFACT : CLEAN);
            sum += iv;
        }
        byte[] quality = q.toArray();
        quality[quality.length - 1] = CLEAN;
        return new Beats(rr.toArray(), quality);
    }

    private void place(String type, Beats beats, boolean awakeOnly) {
        long duration = beats.duration();
        List<Offline> offlineEpisodes = offline.stream().filter(o -> o.episode && o.end - o.start > duration + 30 * MINUTE)
                .toList();
        for (int attempt = 0; attempt < 60; attempt++) {
            long lo = dataStart + 20 * MINUTE;
            long hi = dataEnd - 20 * MINUTE - duration;
            if (!offlineEpisodes.isEmpty() && r.nextDouble() < 0.25) {
                // the case that matters most: an episode while the patient's connection is down
                Offline o = offlineEpisodes.get(r.nextInt(offlineEpisodes.size()));
                lo = Math.max(lo, o.start + 10 * MINUTE);
                hi = Math.min(hi, o.end - 10 * MINUTE - duration);
            }
            if (hi <= lo) {
                continue;
            }
            long s = lo + r.nextLong(hi - lo);
            long e = s + duration;
            if (!wornThroughout(s - 5 * MINUTE, e + 5 * MINUTE) || !rhythmClear(s, e)) {
                continue;
            }
            if (awakeOnly && !awakeWindow(s, e)) {
                continue;
            }
            rhythms.add(new Rhythm(type, s, e, beats.rr, beats.quality));
            truth(type, s, e);
            return;
        }
    }

    private boolean rhythmClear(long s, long e) {
        for (Rhythm o : rhythms) {
            if (o.start - 30 * MINUTE < e && s < o.end + 30 * MINUTE) {
                return false;
            }
        }
        return true;
    }

    /** Awake (not in a sleep period) and within 08:30-21:30 local time on one day. */
    private boolean awakeWindow(long s, long e) {
        if (sleepOverlaps(s - 10 * MINUTE, e + 10 * MINUTE) || !localDate(s).equals(localDate(e))) {
            return false;
        }
        return localMinute(s) >= 8 * 60 + 30 && localMinute(e) < 21 * 60 + 30;
    }

    // ---------------------------------------------------------------- inactivity

    private void planInactivity() {
        if (!profile.inactivityProne) {
            return;
        }
        for (LocalDate d = localDate(dataStart); !d.isAfter(localDate(dataEnd)); d = d.plusDays(1)) {
            if (Seeds.poisson(r, 0.7) == 0) {
                continue;
            }
            long duration = (51 + r.nextInt(22)) * BLOCK; // 4 h 15 min to 6 h
            for (int attempt = 0; attempt < 20; attempt++) {
                double latest = 21 * 60 + 30 - duration / (double) MINUTE;
                long s = snap(localTime(d, Seeds.uniform(r, 8 * 60 + 30, latest)));
                long e = s + duration;
                if (s >= dataStart + 10 * MINUTE && e <= dataEnd - 10 * MINUTE && wornThroughout(s, e)
                        && !sleepOverlaps(s, e) && localMinute(s) >= 8 * 60 && localMinute(e - 1) < 22 * 60) {
                    inactivity.add(new Span(s, e));
                    truth(EpisodeTypes.INACTIVITY, s, e);
                    break;
                }
            }
        }
    }

    private void truth(String type, long s, long e) {
        groundTruth.add(new GroundTruthEpisode(profile.patientId, type, Instant.ofEpochMilli(s), Instant.ofEpochMilli(e)));
    }

    // ---------------------------------------------------------------- small primitive lists

    static final class IntArray {
        private int[] a = new int[16];
        private int n;

        void add(int v) {
            if (n == a.length) {
                a = java.util.Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        int size() {
            return n;
        }

        int get(int i) {
            return a[i];
        }

        void clear() {
            n = 0;
        }

        void removeLast() {
            n--;
        }

        int[] toArray() {
            return java.util.Arrays.copyOf(a, n);
        }
    }

    static final class ByteArray {
        private byte[] a = new byte[16];
        private int n;

        void add(byte v) {
            if (n == a.length) {
                a = java.util.Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        int size() {
            return n;
        }

        byte get(int i) {
            return a[i];
        }

        void clear() {
            n = 0;
        }

        void removeLast() {
            n--;
        }

        byte[] toArray() {
            return java.util.Arrays.copyOf(a, n);
        }
    }
}
