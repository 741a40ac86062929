package org.wardstream.detector;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Test helper: drives one patient's readings through {@link PatientDetector#arrive} as the job's operator does. */
final class ArrivalDriver {
    private ArrivalDriver() {
    }

    /**
     * Arrives {@code r}; releases the held readings first when told, holds or analyses it as decided; returns the
     * decision (a DEAD_LETTER is left to the caller).
     */
    static PatientDetector.Arrival feed(PatientDetector d, DetectorState s, String patient, Reading r,
                                        List<Reading> held, PatientDetector.Output out) {
        PatientDetector.Arrival a = d.arrive(s, patient, null, r, out);
        if (a == PatientDetector.Arrival.RELEASE_FIRST) {
            d.releaseHeld(s, patient, null, new ArrayList<>(held), r.receivedMs(), out);
            held.clear();
            a = d.arrive(s, patient, null, r, out);
        }
        switch (a) {
            case HOLD -> held.add(r);
            case ANALYSE -> d.analyse(s, patient, null, r, out);
            default -> {
            }
        }
        return a;
    }

    /** Fires the detector's timers up to {@code toMs}, as the watermark would, with the held readings. */
    static void timersUpTo(PatientDetector d, DetectorState s, String patient, List<Reading> held, long toMs,
                           PatientDetector.Output out) {
        for (long t = d.nextTimerMs(s); t != Long.MIN_VALUE && t <= toMs; t = d.nextTimerMs(s)) {
            d.onTime(s, patient, null, t, new ArrayList<>(held), out);
            if (!s.arrival.holding()) {
                held.clear();
            }
        }
    }

    /** An output that keeps the transitions in {@code transitions} and nothing else. */
    static PatientDetector.Output transitionsTo(List<org.wardstream.episodes.Transition> transitions) {
        return new PatientDetector.Output() {
            @Override
            public void transition(org.wardstream.episodes.Transition t, String programme, long delayedByMs,
                                   long receivedMs) {
                transitions.add(t);
            }

            @Override
            public void cue(PatternCue cue) {
            }
        };
    }

    /**
     * One heart's beat times from {@code fromMs} to at least {@code toMs}: each interval from {@code rrAt}, given the
     * time of the beat it follows.
     */
    static List<Long> beats(long fromMs, long toMs, java.util.function.LongUnaryOperator rrAt) {
        List<Long> beats = new ArrayList<>();
        long t = fromMs;
        beats.add(t);
        while (t < toMs) {
            t += rrAt.applyAsLong(t);
            beats.add(t);
        }
        return beats;
    }

    /**
     * A strap's RR batches of {@code beats}: one a minute from {@code fromMs} to {@code toMs}, each opened by the last
     * beat before its minute, received {@code uploadMs} after the minute.
     */
    static List<Reading> rrMinutes(List<Long> beats, long fromMs, long toMs, long uploadMs) {
        List<Reading> out = new ArrayList<>();
        for (long w = fromMs; w + 60_000L <= toMs; w += 60_000L) {
            int first = -1, last = -1;
            for (int i = 1; i < beats.size(); i++) {
                if (beats.get(i) >= w && beats.get(i) < w + 60_000L) {
                    if (first < 0) first = i;
                    last = i;
                }
            }
            int[] rr = new int[last - first + 1];
            for (int i = first; i <= last; i++) rr[i - first] = (int) (beats.get(i) - beats.get(i - 1));
            long start = beats.get(first - 1);
            out.add(new Reading.RrBatch(start, w + 60_000L + uploadMs, 0, null, start, rr, new byte[rr.length]));
        }
        return out;
    }

    /** A watch's heart rate every {@code everyMs} (the mean rate of the last 5 s of beats), received 2 s later. */
    static List<Reading> heartRates(List<Long> beats, long fromMs, long toMs, long everyMs) {
        List<Reading> out = new ArrayList<>();
        int j = 0;
        for (long t = fromMs; t <= toMs; t += everyMs) {
            while (j < beats.size() - 1 && beats.get(j + 1) <= t) j++;
            int k = j;
            while (k > 0 && beats.get(k) > t - 5_000L) k--;
            if (j > k) {
                out.add(new Reading.HeartRate(t, t + 2_000L, 0, null,
                        (float) (60_000.0 * (j - k) / (beats.get(j) - beats.get(k)))));
            }
        }
        return out;
    }

    /** The watch is worn and the patient still: a wear report, then a minute of activity with no steps each minute. */
    static List<Reading> wornStill(long fromMs, long toMs) {
        List<Reading> out = new ArrayList<>();
        out.add(new Reading.Wear(fromMs, fromMs + 1_000L, 0, null, true, "OPTICAL"));
        for (long t = fromMs; t + 60_000L <= toMs; t += 60_000L) {
            out.add(new Reading.Activity(t, t + 61_000L, 0, null, 60, 0));
        }
        return out;
    }

    /** A minute of beats from {@code start}, received at {@code received}: sinus (~72/min) or AF (irregular, ~120/min). */
    static Reading minute(Random random, long start, long received, boolean af) {
        List<Integer> rr = new ArrayList<>();
        long t = 0;
        while (t < 60_000L) {
            int v = af ? 330 + random.nextInt(340) : 820 + random.nextInt(40);
            rr.add(v);
            t += v;
        }
        int[] ms = rr.stream().mapToInt(Integer::intValue).toArray();
        return new Reading.RrBatch(start, received, 0, null, start, ms, new byte[ms.length]);
    }
}
