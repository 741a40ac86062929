package org.wardstream.equity.disclosure;

import java.util.List;
import org.wardstream.equity.model.AggregateRow;

/**
 * NHS Digital disclosure control (HES/ECDS methodology from September 2018), as used by this project: 0 stays 0,
 * 1 to 7 become {@code *}, other counts are rounded to the nearest multiple of 5; rates and percentages are computed
 * from the rounded counts; ratios only where both numerators are at least 10.
 */
public final class Disclosure {
    public static final String SUPPRESSED = "*";

    private Disclosure() {
    }

    /** 0 -&gt; "0", 1..7 -&gt; "*", otherwise the nearest multiple of 5 (8 -&gt; "10"). */
    public static String publish(long count) {
        if (count < 0) {
            throw new IllegalArgumentException("a count cannot be negative: " + count);
        }
        if (count == 0) {
            return "0";
        }
        if (count <= 7) {
            return SUPPRESSED;
        }
        return Long.toString(Math.round(count / 5.0) * 5);
    }

    /** The published view of internal rows. */
    public static List<PublishedRow> publish(List<AggregateRow> rows) {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
