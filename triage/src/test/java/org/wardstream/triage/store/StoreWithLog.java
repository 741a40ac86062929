package org.wardstream.triage.store;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.wardstream.alerting.AlertContext;
import org.wardstream.alerting.FhirAlerts;
import org.wardstream.embedded.EmbeddedPostgres;
import org.wardstream.episodes.AlertChange;
import org.wardstream.rules.EpisodeType;
import org.wardstream.rules.Severity;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the store's ingest tests share, per test class ({@code @RegisterExtension static final}): the service's
 * {@link Database} on an embedded PostgreSQL, the service's log captured while the class runs, and the contract's alert
 * message that each test alters into the record it is about.
 */
final class StoreWithLog implements BeforeAllCallback, AfterAllCallback {
    /** When the message's episode started. */
    static final Instant AT = Instant.parse("2026-03-03T11:00:00Z");
    private final String logName;
    private EmbeddedPostgres pg;
    private Database db;
    private LogCapture log;

    StoreWithLog(String logName) {
        this.logName = logName;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        pg = EmbeddedPostgres.start();
        db = Database.open(pg.jdbcUrl(), pg.user(), null, 2);
        log = LogCapture.start(logName);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try (AutoCloseable p = pg; AutoCloseable d = db; AutoCloseable l = log) {
            // closed in reverse order: the log, the pool, the server
        }
    }

    Database db() {
        return db;
    }

    /** The service's log events since the class started (a live view). */
    List<String> logged() {
        return log.events();
    }

    /**
     * The contract's message (the FHIR Bundle the jobs send) of an urgent pause alert OPENED for patient p-1 of
     * programme cardiac-a, episode {@code episodeId}.
     */
    static String message(String episodeId) {
        AlertChange c = new AlertChange(AlertChange.Kind.OPENED, true, episodeId, "p-1", EpisodeType.PAUSE,
                Severity.URGENT, AT.toEpochMilli(), null, AT.toEpochMilli() + 60_000, null, Map.of(),
                "wardstream-rr-analyser/2", 3, 0);
        return FhirAlerts.toJson(c, AlertContext.NONE.inProgramme("cardiac-a"));
    }

    /** The first column of every row of {@code sql}, as text. */
    List<String> values(String sql) throws Exception {
        return db.tx(c -> {
            List<String> values = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) values.add(rs.getString(1));
            }
            return values;
        });
    }
}
