package org.wardstream.triage.store;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The ids of an alert message (Bundle id, the Observation's id that becomes the episode and Task id, the Provenance
 * id) must be FHIR ids ({@code [A-Za-z0-9\-.]{1,64}}), as the contract's deterministic ids are: a message with another
 * id is refused (the ingest keeps it in {@code ingest_reject} with the reason), so no Task is stored under an id no FHIR
 * client can address and no line break of a record reaches the log (probe 19b D3: an episode id
 * {@code ep-1\n<forged line>} was stored and its forged line written by the ingest's WARN). Real parts: the
 * service's {@link TaskStore} on the embedded PostgreSQL, the service's log4j.
 */
class IngestAlertIdsTest {
    private static final String FORGED = "2026-12-07T03:00:00,000Z ERROR AlertIngest - forged by a record";
    @RegisterExtension
    static final StoreWithLog STORE = new StoreWithLog("probe19b");

    /** The contract's message of episode {@code ok} (its own Bundle id), its episode id then replaced by {@code episodeId}. */
    private static String message(String ok, String episodeId) {
        String json = StoreWithLog.message(ok);
        // a display the ingest drops (so it logs its WARN line) and the episode id the record chooses
        return json.replace("\"id\":\"" + ok + "\"", "\"id\":\"" + episodeId + "\"")
                .replace("\"subject\":{", "\"subject\":{\"display\":\"someone\",");
    }

    private static List<String> taskIds() throws Exception {
        return STORE.values("select id from resource where res_type = 'Task'");
    }

    @Test
    void anEpisodeIdWithALineBreakIsRefusedAndWritesNoForgedLogLine() throws Exception {
        String hostile = message("ep-1", "ep-1\\n" + FORGED);
        TaskStore store = new TaskStore(STORE.db());
        Throwable thrown = catchThrowable(() -> STORE.db().tx(c -> store.ingestAlert(c, hostile, 0, 1, Instant.now(),
                new ArrayList<>())));
        List<String> ids = taskIds();
        SoftAssertions.assertSoftly(s -> {
            s.assertThat(thrown).as("a message whose episode id is no FHIR id: refused (an ingest_reject with the reason)")
                    .isInstanceOf(IllegalArgumentException.class);
            s.assertThat(ids).as("no Task under an id no FHIR client can address").noneMatch(id -> id.contains("\n"));
            s.assertThat(STORE.logged()).as("log events").noneMatch(m -> m.contains("\n" + FORGED));
        });
    }

    @Test
    void aMessageWithTheContractsIdsIsStoredAndLoggedOnOneLine() throws Exception {
        TaskStore store = new TaskStore(STORE.db());
        boolean stored = STORE.db().tx(c -> store.ingestAlert(c, message("ep-2", "ep-2"), 0, 2, Instant.now(),
                new ArrayList<>()));
        assertThat(stored).isTrue();
        assertThat(taskIds()).contains("ep-2");
        assertThat(STORE.logged()).anyMatch(m -> m.contains("ep-2") && !m.contains("\n"));
    }
}
