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
