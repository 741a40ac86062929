package org.wardstream.triage.fhir;

import org.junit.jupiter.api.Test;
import org.wardstream.triage.TriageUser;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The searches kept for their paging links are bounded in number, age and snapshot size, oldest dropped first. */
class UserBoundPagingTest {
    private static final TriageUser USER = new TriageUser("c", TriageUser.Role.CLINICIAN, Set.of("cardiac-a"));

    /** A mutable clock. */
    private static final class Now extends Clock {
        Instant at = Instant.parse("2026-12-06T10:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return at;
        }
    }

    private static StoredResourceProvider.SearchResults search(int matches) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < matches; i++) ids.add(String.format("%032x", i));
        return new StoredResourceProvider.SearchResults(null, USER, "Task", new StoredResourceProvider.IdSnapshot(ids),
                true, matches, null);
    }

    @Test
    void theOldestSearchesGoFirstBeyondTheCountTheLifetimeOrTheIdBudget() {
        Now now = new Now();
        FhirServlet.UserBoundPaging paging = new FhirServlet.UserBoundPaging(now);
        for (int i = 0; i < FhirServlet.UserBoundPaging.MAX_SEARCHES + 5; i++) paging.storeResultList(null, search(1));
        assertThat(paging.size()).isEqualTo(FhirServlet.UserBoundPaging.MAX_SEARCHES);

        now.at = now.at.plus(FhirServlet.UserBoundPaging.LIFETIME).plus(Duration.ofSeconds(1));
        paging.storeResultList(null, search(1));
        assertThat(paging.size()).as("only the search stored after the others expired").isEqualTo(1);

        int big = StoredResourceProvider.SNAPSHOT_MAX;
        long fit = FhirServlet.UserBoundPaging.MAX_IDS / big;
        for (int i = 0; i < fit + 3; i++) paging.storeResultList(null, search(big));
        assertThat(paging.size()).as("searches of %s matches within %s ids", big, FhirServlet.UserBoundPaging.MAX_IDS)
                .isEqualTo((int) fit);
    }

    @Test
    void aSnapshotGivesItsIdsBackInOrder() {
        StoredResourceProvider.IdSnapshot ids = new StoredResourceProvider.IdSnapshot(List.of("a", "bb", "ccc", "d"));
        assertThat(ids.size()).isEqualTo(4);
        assertThat(ids.slice(0, 2)).containsExactly("a", "bb");
        assertThat(ids.slice(2, 10)).containsExactly("ccc", "d");
        assertThat(ids.slice(5, 10)).isEmpty();
    }
}
