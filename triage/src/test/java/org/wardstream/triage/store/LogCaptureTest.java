package org.wardstream.triage.store;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/** The test helper records each log event once, so a test that counts lines is not misled (polish 20, item 5). */
class LogCaptureTest {

    @Test
    void eachEventOfTheServiceAndOfALibraryIsRecordedOnce() {
        try (LogCapture log = LogCapture.start("log-capture-test")) {
            LoggerFactory.getLogger("org.wardstream.triage.kafka.AlertIngest").warn("service line {}", 1);
            LoggerFactory.getLogger("org.wardstream.triage.store.TaskStore").info("service info line");
            LoggerFactory.getLogger("ca.uhn.fhir.rest.server.Example").warn("library line");
            assertThat(log.events()).containsExactly(
                    "org.wardstream.triage.kafka.AlertIngest: service line 1",
                    "org.wardstream.triage.store.TaskStore: service info line",
                    "ca.uhn.fhir.rest.server.Example: library line");
        }
    }

    @Test
    void nothingIsRecordedAfterClose() {
        LogCapture log = LogCapture.start("log-capture-closed");
        log.close();
        LoggerFactory.getLogger("org.wardstream.triage.kafka.AlertIngest").warn("after close");
        assertThat(log.events()).isEmpty();
    }
}
