package org.wardstream.localcluster;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Exactly-once check of the {@code alerts} topic: each alert state change (Bundle id) of the expected set must
 * appear exactly once in what a read_committed consumer saw. Plain Java, no Kafka or Flink types.
 *
 * @param expected   distinct state changes expected (from an uninterrupted reference run over the same input)
 * @param observed   messages observed (every message, duplicates included)
 * @param lost       expected state changes that were never observed
 * @param duplicated observed messages beyond the first of their state change (0 when exactly once)
 * @param unexpected observed state changes that are not in the expected set
 */
public record AlertSets(int expected, int observed, Set<String> lost, int duplicated, Set<String> unexpected) {

    public static AlertSets compare(Collection<String> expectedIds, List<String> observedIds) {
        Set<String> expected = new TreeSet<>(expectedIds);
        Map<String, Integer> seen = new HashMap<>();
        observedIds.forEach(id -> seen.merge(id, 1, Integer::sum));
        int duplicated = seen.values().stream().mapToInt(n -> n - 1).sum();
        Set<String> lost = new TreeSet<>(expected);
        lost.removeAll(seen.keySet());
        Set<String> unexpected = new TreeSet<>(seen.keySet());
        unexpected.removeAll(expected);
        return new AlertSets(expected.size(), observedIds.size(), lost, duplicated, unexpected);
    }

    /** Messages that repeat a state change already seen (no reference needed). */
    public static int duplicates(List<String> observedIds) {
        return observedIds.size() - new TreeSet<>(observedIds).size();
    }

    public boolean exactlyOnce() {
        return lost.isEmpty() && duplicated == 0 && unexpected.isEmpty();
    }

    public String summary() {
        return String.format("expected %d alert state changes, observed %d messages: lost %d, duplicated %d, "
                + "unexpected %d", expected, observed, lost.size(), duplicated, unexpected.size());
    }
}
