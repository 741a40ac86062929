package org.wardstream.triage.fhir;

import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;

/** A FHIR 500 says "internal error" with a reference: never the database's message, SQL state or class names. */
class ServerErrorsTest {

    @Test
    void aDatabaseErrorBecomesAGenericInternalErrorAndA4xxIsKept() {
        ServerErrors errors = new ServerErrors();
        RuntimeException db = new IllegalStateException("database: ERROR: invalid byte sequence for encoding \"UTF8\": 0x00"
                + " (SQL state 22021)", new SQLException("ERROR: invalid byte sequence", "22021"));
        for (Throwable t : new Throwable[]{db, new InternalErrorException("HAPI-0389: Failed to call access method: "
                + "org.wardstream.triage.store.Database$StoreException: database: ERROR: x", db)}) {
            BaseServerResponseException out = errors.generic(null, t);
            assertThat(out.getStatusCode()).isEqualTo(500);
            assertThat(out.getMessage()).startsWith("internal error (reference ")
                    .doesNotContain("SQL", "ERROR", "Exception", "org.", "UTF8");
        }
        InvalidRequestException bad = new InvalidRequestException("flagged must be true or false, not 'yes'");
        assertThat(errors.generic(null, bad)).isSameAs(bad);
    }

    @Test
    void aChangeThatCollidedOnEveryRetryIs503SayingNothingChanged() {
        RuntimeException collided = new InternalErrorException("HAPI-0389: Failed to call access method",
                new org.wardstream.triage.store.Database.Conflict(new SQLException("deadlock detected", "40P01"), 5));
        BaseServerResponseException out = new ServerErrors().generic(null, collided);
        assertThat(out.getStatusCode()).isEqualTo(503);
        assertThat(out.getMessage()).contains("nothing was changed").doesNotContain("SQL", "40P01", "deadlock");
    }
}
