package org.wardstream.detector;

import java.util.ArrayList;
import java.util.List;

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
}
