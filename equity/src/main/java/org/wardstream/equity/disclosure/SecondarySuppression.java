package org.wardstream.equity.disclosure;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.wardstream.equity.Measures;
import org.wardstream.equity.model.AggregateRow;
import org.wardstream.equity.model.Dimension;
import org.wardstream.equity.model.Strata;

/**
 * Secondary (complementary) suppression, as NHS England and ONS small-number guidance ask: a suppressed stratum must
 * not be derivable by subtraction from a published total. Each window's strata form sets that add up to a total:
 * the strata of a single dimension add up to {@code all}; in the two-way split, the cells of one quintile add up to
 * that quintile's stratum and the cells of one ethnic group to that group's stratum. A set leaks when exactly one of
 * its members (total or part) is suppressed, or when its suppressed parts together have 1 to
 * {@value Disclosure#SUPPRESS_UP_TO} people beside a published total. Then its smallest published part (by people;
 * the reference stratum last; the total only when no part is left) is withheld too, and all sets are checked again
 * until none leaks. Plain Java: works on one window's internal rows, returns stratum keys.
 */
final class SecondarySuppression {
    private SecondarySuppression() {
    }

    /** One set: a total stratum key (null for {@code all}, which is never withheld) and its parts. */
    private record Sum(String total, List<String> parts) {
    }

    /**
     * The stratum keys ({@link Disclosure#stratumKey}) to withhold besides {@code primary} (strata of 1 to 7 people).
     */
    static Set<String> withheld(List<AggregateRow> rows, Set<String> primary) {
        Map<String, Long> people = new LinkedHashMap<>();
        Set<String> references = new HashSet<>();
        Map<String, Map<String, List<String>>> byWindowAndDimension = new LinkedHashMap<>();
        for (AggregateRow r : rows) {
            if (r.referenceStratum() != null) { // on the measures with a ratio, not on the people count
                references.add(Disclosure.stratumKey(r.programme(), r.granularity(), r.windowStart(), r.dimension(),
                        r.referenceStratum()));
            }
            if (!Measures.ENROLLED_PATIENTS.equals(r.measure()) || "all".equals(r.stratum())) {
                continue;
            }
            String key = Disclosure.stratumKey(r.programme(), r.granularity(), r.windowStart(), r.dimension(),
                    r.stratum());
            people.put(key, r.numerator());
            String window = String.join("|", r.programme(), r.granularity(), r.windowStart().toString());
            byWindowAndDimension.computeIfAbsent(window, w -> new LinkedHashMap<>())
                    .computeIfAbsent(r.dimension(), d -> new ArrayList<>()).add(key);
        }
        List<Sum> sums = new ArrayList<>();
        byWindowAndDimension.forEach((window, dims) -> dims.forEach((dim, keys) -> {
            if (!dim.equals(Dimension.IMD_QUINTILE_X_ETHNIC_GROUP.code())) {
                sums.add(new Sum(null, keys));
                return;
            }
            Map<String, List<String>> byQuintile = new LinkedHashMap<>();
            Map<String, List<String>> byGroup = new LinkedHashMap<>();
            String prefix = window + "|" + dim + "|";
            for (String key : keys) {
                String cell = key.substring(prefix.length());
                int x = cell.indexOf(Strata.CROSS);
                byQuintile.computeIfAbsent(cell.substring(0, x), q -> new ArrayList<>()).add(key);
                byGroup.computeIfAbsent(cell.substring(x + Strata.CROSS.length()), g -> new ArrayList<>()).add(key);
            }
            byQuintile.forEach((q, parts) -> sums.add(new Sum(
                    window + "|" + Dimension.IMD_QUINTILE.code() + "|" + q, parts)));
            byGroup.forEach((g, parts) -> sums.add(new Sum(
                    window + "|" + Dimension.ETHNIC_GROUP.code() + "|" + g, parts)));
        }));

        Set<String> hidden = new HashSet<>(primary);
        Set<String> withheld = new HashSet<>();
        boolean changed = true;
        while (changed) {
            changed = false;
            for (Sum s : sums) {
                String next = leak(s, hidden, people, references);
                if (next != null) {
                    hidden.add(next);
                    withheld.add(next);
                    changed = true;
                }
            }
        }
        return withheld;
    }

    /** The stratum to withhold so that {@code s} no longer leaks, or null when it does not leak (or cannot be helped). */
    private static String leak(Sum s, Set<String> hidden, Map<String, Long> people, Set<String> references) {
        boolean totalHidden = s.total() != null && hidden.contains(s.total());
        List<String> hiddenParts = s.parts().stream().filter(hidden::contains).toList();
        int hiddenMembers = hiddenParts.size() + (totalHidden ? 1 : 0);
        long hiddenPeople = hiddenParts.stream().mapToLong(k -> people.getOrDefault(k, 0L)).sum();
        boolean leaks = hiddenMembers == 1
                || (!totalHidden && !hiddenParts.isEmpty() && hiddenPeople <= Disclosure.SUPPRESS_UP_TO);
        if (!leaks) {
            return null;
        }
        String part = s.parts().stream().filter(k -> !hidden.contains(k))
                .min(Comparator.<String, Boolean>comparing(references::contains)
                        .thenComparing(k -> people.getOrDefault(k, 0L)).thenComparing(Comparator.naturalOrder()))
                .orElse(null);
        if (part != null) {
            return part;
        }
        // every part is hidden and the total published: the total is withheld (never "all", whose parts are all
        // hidden only when their people together are 8 or more, or "all" itself is suppressed)
        return s.total() != null && !totalHidden && people.containsKey(s.total()) ? s.total() : null;
    }
}
