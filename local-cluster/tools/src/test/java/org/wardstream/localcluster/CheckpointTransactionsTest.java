package org.wardstream.localcluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.wardstream.localcluster.CheckpointTransactions.Txn;

/** Probe 22a: which retained checkpoint still delivers its alerts, from what the broker says of its transactions. */
class CheckpointTransactionsTest {
    static final String P = "wardstream-episode-detection-";

    @Test
    void aCheckpointWhoseAlertTransactionTheBrokerAbortedWouldLoseItsAlerts() {
        List<Txn> txns = List.of(new Txn(P + "alerts-0-42", "CompleteAbort", 0, 600_000),
                new Txn(P + "dlq-0-42", "Empty", 0, 600_000),
                new Txn(P + "alerts-0-41", "CompleteCommit", 0, 600_000),
                new Txn(P + "alerts-0-43", "CompleteAbort", 0, 600_000), // after the checkpoint: replayed anyway
                new Txn("wardstream-equity-metrics-published-0-42", "CompleteAbort", 0, 600_000));
        var v = CheckpointTransactions.judge(txns, P, 41, 42, 1_000_000);
        assertThat(v.lost()).isTrue();
        assertThat(v.aborted()).containsExactly(P + "alerts-0-42 CompleteAbort");
        assertThat(CheckpointTransactions.judge(txns, P, 40, 41, 1_000_000).lost()).isFalse();
    }

    @Test
    void anOpenTransactionPastItsTimeoutCountsAsAbortedOneWithinItDoesNot() {
        List<Txn> txns = List.of(new Txn(P + "alerts-1-7", "Ongoing", 1_000, 20_000));
        assertThat(CheckpointTransactions.judge(txns, P, 6, 7, 15_000).lost()).isFalse();
        assertThat(CheckpointTransactions.judge(txns, P, 6, 7, 25_000).lost()).isTrue();
    }

    @Test
    void stateNamesAndCheckpointIds() {
        assertThat(CheckpointTransactions.stateName("COMPLETE_ABORT")).isEqualTo("CompleteAbort");
        assertThat(CheckpointTransactions.checkpointOf(P + "enrolments-dlq-3-120", P)).isEqualTo(120);
        assertThat(CheckpointTransactions.checkpointOf("other-0-1", P)).isEqualTo(-1);
    }
}
