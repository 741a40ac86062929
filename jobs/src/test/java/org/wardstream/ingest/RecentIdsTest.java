package org.wardstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RecentIdsTest {
    @Test
    void remembersIdsWithinTheHorizonOfReceiptTime() {
        long a = RecentIds.hash("dev", "a");
        long b = RecentIds.hash("dev", "b");
        long[] ids = RecentIds.add(null, a, 1_000, 10_000, 100);
        assertThat(RecentIds.contains(ids, a)).isTrue();
        assertThat(RecentIds.contains(ids, b)).isFalse();
        ids = RecentIds.add(ids, b, 11_000, 10_000, 100);
        assertThat(RecentIds.contains(ids, a)).isTrue(); // received exactly at the horizon
        ids = RecentIds.add(ids, RecentIds.hash("dev", "c"), 11_001, 10_000, 100);
        assertThat(RecentIds.contains(ids, a)).isFalse();
        assertThat(RecentIds.contains(ids, b)).isTrue();
        assertThat(ids).hasSize(4);
    }

    @Test
    void theCapEvictsTheOldestFirst() {
        long[] ids = null;
        for (int i = 0; i < 10; i++) {
            ids = RecentIds.add(ids, RecentIds.hash("dev", "e" + i), 1_000 + i, 1_000_000, 4);
        }
        assertThat(ids).hasSize(8);
        assertThat(RecentIds.contains(ids, RecentIds.hash("dev", "e5"))).isFalse();
        for (int i = 6; i < 10; i++) {
            assertThat(RecentIds.contains(ids, RecentIds.hash("dev", "e" + i))).isTrue();
        }
    }

    @Test
    void theSameEventIdFromAnotherDeviceIsNotADuplicate() {
        assertThat(RecentIds.hash("dev-1", "e")).isNotEqualTo(RecentIds.hash("dev-2", "e"));
        assertThat(RecentIds.hash("ab", "c")).isNotEqualTo(RecentIds.hash("a", "bc"));
    }
}
