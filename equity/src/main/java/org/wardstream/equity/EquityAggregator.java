package org.wardstream.equity;

import java.time.LocalDate;
import java.util.Collection;
import java.util.List;
import org.wardstream.equity.model.AggregateRow;
import org.wardstream.equity.model.PatientDay;

/** Computes every measure in every dimension and stratum of one window. Plain Java, stateless, thread-safe. */
public final class EquityAggregator {
    private final EquitySettings settings;

    public EquityAggregator(EquitySettings settings) {
        this.settings = settings;
    }

    public EquitySettings settings() {
        return settings;
    }

    /** All rows of one window from the patient-days that fall in it (any order). revision is stamped by the caller. */
    public List<AggregateRow> aggregate(String programme, String granularity, LocalDate windowStart,
                                        LocalDate windowEnd, Collection<PatientDay> days, int revision) {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
