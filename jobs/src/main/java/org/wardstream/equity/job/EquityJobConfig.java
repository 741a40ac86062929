package org.wardstream.equity.job;

import java.io.Serializable;
import java.time.Duration;
import java.util.Properties;

import org.wardstream.equity.io.Recomputation;
import org.wardstream.ingest.IngestSettings;
import org.wardstream.jobs.PipelineConfig;
import org.wardstream.jobs.SecretRef;

/**
 * Where the equity-metrics job reads and writes: the Kafka conventions of {@link PipelineConfig} (its
 * own consumer group and transactional-id prefix), the equity settings, an optional PostgreSQL table, and
 * whether the sources stop at the offsets that were latest at start (a bounded recomputation).
 *
 * @param postgresUrl JDBC URL of the PostgreSQL database, or null for no PostgreSQL sink
 * @param postgresPassword where the TaskManagers read the PostgreSQL password (a file or an environment variable)
 * @param recomputation for a bounded run, which windows its PostgreSQL rows replace whatever the live job wrote
 *                      (its generation: {@link Recomputation}); null for the live job
 */
public record EquityJobConfig(PipelineConfig kafka, EquityJobSettings settings, String postgresUrl,
                              String postgresUser, SecretRef postgresPassword, boolean bounded,
                              Recomputation recomputation)
        implements Serializable {
    public static final String GROUP_ID = "wardstream-equity-metrics";

    public static EquityJobConfig defaults(String bootstrapServers) {
        return new EquityJobConfig(new PipelineConfig(bootstrapServers, new Properties(), GROUP_ID, GROUP_ID,
                Duration.ofSeconds(10), IngestSettings.defaults(), null), EquityJobSettings.defaults(), null, null,
                SecretRef.none(), false, null);
    }

    public EquityJobConfig withKafka(PipelineConfig k) {
        return new EquityJobConfig(k, settings, postgresUrl, postgresUser, postgresPassword, bounded, recomputation);
    }

    public EquityJobConfig withSettings(EquityJobSettings s) {
        return new EquityJobConfig(kafka, s, postgresUrl, postgresUser, postgresPassword, bounded, recomputation);
    }

    public EquityJobConfig withPostgres(String url, String user, SecretRef password) {
        return new EquityJobConfig(kafka, settings, url, user, password, bounded, recomputation);
    }

    public EquityJobConfig withBounded(boolean b) {
        return new EquityJobConfig(kafka, settings, postgresUrl, postgresUser, postgresPassword, b, recomputation);
    }

    /** A copy whose PostgreSQL rows are written as {@code r}'s generation (null: the live job's). */
    public EquityJobConfig withRecomputation(Recomputation r) {
        return new EquityJobConfig(kafka, settings, postgresUrl, postgresUser, postgresPassword, bounded, r);
    }

    /** No secret is printed (the password's reference only). */
    @Override
    public String toString() {
        return "EquityJobConfig{" + kafka + ", " + settings + ", postgres " + postgresUrl + " as " + postgresUser
                + " (password from " + postgresPassword + "), bounded " + bounded
                + (recomputation == null ? "" : ", " + recomputation) + "}";
    }
}
