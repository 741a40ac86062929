package org.wardstream.jobs;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.common.errors.TransactionalIdNotFoundException;

/**
 * Asks the broker what became of a transaction ({@code describeTransactions}; ops24): the Kafka side of
 * {@link CommitOutcome}. Needs DESCRIBE on the transactional id, which the job's WRITE grant includes.
 */
public final class BrokerTransactions implements AutoCloseable {
    private final Admin admin;
    private final Duration timeout;

    private BrokerTransactions(Admin admin, Duration timeout) {
        this.admin = admin;
        this.timeout = timeout;
    }

    /**
     * An admin client from the job's Kafka client settings ({@code bootstrap.servers}, TLS, SASL; the producer-only
     * settings are left out), waiting at most {@code timeout} for an answer.
     */
    public static BrokerTransactions connect(Properties clientProperties, Duration timeout) {
        Properties p = new Properties();
        for (String name : clientProperties.stringPropertyNames()) {
            if (AdminClientConfig.configNames().contains(name)) {
                p.put(name, clientProperties.get(name));
            }
        }
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(Math.max(1000, timeout.toMillis() / 2)));
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(timeout.toMillis()));
        return new BrokerTransactions(Admin.create(p), timeout);
    }

    /** What the broker says about {@code transactionalId} now; {@code null} when it does not know the id. */
    public CommitOutcome.BrokerState describe(String transactionalId)
            throws ExecutionException, InterruptedException, java.util.concurrent.TimeoutException {
        try {
            TransactionDescription d = admin.describeTransactions(List.of(transactionalId)).description(transactionalId)
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return new CommitOutcome.BrokerState(CommitOutcome.stateName(d.state().name()), d.producerId(),
                    (short) d.producerEpoch());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TransactionalIdNotFoundException) {
                return null;
            }
            throw e;
        }
    }

    /** The verdict for the committable's transaction; {@link CommitOutcome.Verdict#UNKNOWN} if the broker cannot say. */
    public CommitOutcome.Verdict verdict(String transactionalId, long producerId, short epoch)
            throws InterruptedException {
        try {
            return CommitOutcome.of(producerId, epoch, describe(transactionalId));
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            return CommitOutcome.Verdict.UNKNOWN;
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
