package org.wardstream.triage.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.ArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A record that is not a readable alert message is kept in {@code ingest_reject} with the reason, and the reason and the
 * log hold none of its values: a crafted or faulty message can put a name or an NHS number in any field, where HAPI's
 * parser quoted it into its DataFormatException ("Invalid attribute value \"Jane Doe 9434765919\"", stored as the
 * reason) and its default error handler logged an unknown element by name at WARN (probe 19b, noticed). Real parts: the
 * service's {@link TaskStore} on the embedded PostgreSQL, the contract's FHIR context, log4j.
 */
class RejectWithoutValuesTest {
    private static final String NHS_NUMBER = "9434765919";
    @RegisterExtension
    static final StoreWithLog STORE = new StoreWithLog("reject-values");

    /** The contract's message with an unknown element named after the patient and the Task status replaced by them. */
    private static String hostile() {
        String json = StoreWithLog.message("ep-v");
        assertThat(json).contains("\"resourceType\":\"Observation\",").contains("\"status\":\"requested\"");
        return json.replace("\"resourceType\":\"Observation\",",
                        "\"resourceType\":\"Observation\",\"Jane_Doe_" + NHS_NUMBER + "\":\"x\",")
                .replace("\"status\":\"requested\"", "\"status\":\"Jane Doe " + NHS_NUMBER + "\"");
    }

    @Test
    void anUnreadableMessageIsRejectedWithAReasonAndALogThatHoldNoneOfItsValues() throws Exception {
        TaskStore store = new TaskStore(STORE.db());
        Throwable thrown = catchThrowable(() -> STORE.db().tx(c -> store.ingestAlert(c, hostile(), 0, 7, Instant.now(),
                new ArrayList<>())));
        assertThat(thrown).as("an invalid Task status: not a readable Bundle").isInstanceOf(IllegalArgumentException.class);
        STORE.db().tx(c -> {
            store.reject(c, "alerts", 0, 7, "not an alert Bundle: " + thrown.getMessage(), Instant.now());
            return null;
        });
        String reason = STORE.values("select reason from ingest_reject where topic_offset = 7").stream().findFirst()
                .orElse(null);
        assertThat(thrown.getMessage()).as("what the parser said (kept out of the store and the log)").contains(NHS_NUMBER);
        assertThat(reason).as("the stored reason says why, without the values")
                .startsWith("not an alert Bundle: ").doesNotContain(NHS_NUMBER).doesNotContain("Jane");
        assertThat(STORE.logged()).as("log events while reading it")
                .noneMatch(m -> m.contains(NHS_NUMBER) || m.contains("Jane"));
    }

    @Test
    void aReasonKeepsItsShapeWithoutTheValues() {
        assertThat(Pseudonymous.withoutValues("Invalid attribute value \"Jane Doe 9434765919\": Unknown TaskStatus code"
                + " 'Jane Doe'; NHS 9434765919 at line 1"))
                .isEqualTo("Invalid attribute value \"…\": Unknown TaskStatus code '…'; NHS # at line 1");
    }
}
