package org.wardstream.equity.job;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.wardstream.equity.disclosure.PublishedRow;
import org.wardstream.equity.io.PostgresAggregateStore;
import org.wardstream.equity.io.Recomputation;
import org.wardstream.jobs.SecretRef;

/**
 * A thin Flink sink (Flink 2.x Sink API) around {@link PostgresAggregateStore}: published rows are
 * buffered and upserted in one batch whenever Flink flushes the writer (before every checkpoint and at the
 * end of input), and when the buffer is full. Delivery is at-least-once; the store's upsert is idempotent
 * (keyed by the row key, applied only when the (generation, revision) is at least the stored one), so a replay or
 * a retry after a failure leaves the same table. A recomputation's sink writes the windows it owns as its generation
 * ({@link Recomputation}), which the live job's rows (generation 0) never replace. The password is read where the writer opens (on the TaskManager) from
 * its {@link SecretRef}, so it is never part of the job graph.
 */
public final class PostgresAggregateSink implements Sink<EquityRowOut> {
    private static final long serialVersionUID = 1L;
    static final int BATCH = 2_000;

    private final String jdbcUrl;
    private final String user;
    private final SecretRef password;
    private final Recomputation recomputation;

    /** The live job's sink (generation 0). */
    public PostgresAggregateSink(String jdbcUrl, String user, SecretRef password) {
        this(jdbcUrl, user, password, null);
    }

    /** A recomputation's sink ({@code recomputation} null: the live job's). */
    public PostgresAggregateSink(String jdbcUrl, String user, SecretRef password, Recomputation recomputation) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.recomputation = recomputation;
    }

    @Override
    public SinkWriter<EquityRowOut> createWriter(WriterInitContext context) throws IOException {
        // Every parallel writer creates the table if absent; PostgreSQL's CREATE TABLE IF NOT EXISTS can still
        // collide when two run at once, so a failed attempt is retried on a fresh connection.
        RuntimeException last = null;
        String secret = password.resolve();
        for (int attempt = 0; attempt < 3; attempt++) {
            PostgresAggregateStore store = new PostgresAggregateStore(jdbcUrl, user, secret, recomputation);
            try {
                store.createSchema();
                return new Writer(store);
            } catch (RuntimeException e) {
                store.close();
                last = e;
            }
        }
        throw new IOException("cannot prepare the PostgreSQL table at " + jdbcUrl, last);
    }

    static final class Writer implements SinkWriter<EquityRowOut> {
        private final PostgresAggregateStore store;
        private final List<PublishedRow> buffer = new ArrayList<>();

        Writer(PostgresAggregateStore store) {
            this.store = store;
        }

        @Override
        public void write(EquityRowOut row, Context context) throws IOException {
            if (!row.isPublished()) {
                return; // only the disclosure-controlled view leaves Kafka
            }
            buffer.add(RowJson.parsePublished(row.json));
            if (buffer.size() >= BATCH) {
                flush(false);
            }
        }

        @Override
        public void flush(boolean endOfInput) throws IOException {
            if (buffer.isEmpty()) {
                return;
            }
            try {
                store.upsert(List.copyOf(buffer));
            } catch (RuntimeException e) {
                throw new IOException("upsert of " + buffer.size() + " rows failed", e);
            }
            buffer.clear();
        }

        @Override
        public void close() throws Exception {
            store.close();
        }
    }
}
