package org.wardstream.localcluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Whether a retained checkpoint can still deliver its output (probe 22a). A Flink exactly-once Kafka sink writes the
 * records before checkpoint N in the transaction {@code <prefix>-<sink>-<subtask>-N} and commits it when N has
 * completed, and again when a job is restored from N. If the job was down for longer than the transaction timeout
 * after N completed but before that commit, the broker has aborted the transaction: a restore from N commits nothing,
 * the connector logs an error, and the job goes on after N's input: those records (alerts) are lost for good. The
 * broker still knows (the transactional id's state is CompleteAbort, or Ongoing past its timeout), so before resuming
 * from N the scripts ask it, and resume from the retained checkpoint before N instead (its input is processed again
 * and the same records are produced again, with the same ids).
 */
final class CheckpointTransactions {
    private CheckpointTransactions() {
    }

    /** Id ends in {@code -<subtask>-<checkpoint>} (the connector's default, incrementing, naming). */
    private static final Pattern ID = Pattern.compile("^(.+)-(\\d+)-(\\d+)$");

    /** A transactional id as the broker describes it. */
    record Txn(String id, String state, long startMs, long timeoutMs) {
        /** Aborted, or still open although its timeout has passed (the broker aborts it within seconds). */
        boolean aborted(long nowMs) {
            return state.equals("CompleteAbort") || state.equals("PrepareAbort")
                    || (state.equals("Ongoing") && startMs > 0 && nowMs > startMs + timeoutMs);
        }

        boolean committed() {
            return state.equals("CompleteCommit") || state.equals("PrepareCommit");
        }
    }

    /** What the broker says about the transactions of the checkpoints in (after, upTo]. */
    record Verdict(List<String> aborted, List<String> committed, List<String> other) {
        boolean lost() {
            return !aborted.isEmpty();
        }
    }

    /** The checkpoint id of a transactional id of {@code prefix}, or -1 when it is not one of them. */
    static long checkpointOf(String transactionalId, String prefix) {
        if (!transactionalId.startsWith(prefix)) {
            return -1;
        }
        Matcher m = ID.matcher(transactionalId);
        return m.matches() ? Long.parseLong(m.group(3)) : -1;
    }

    static Verdict judge(List<Txn> txns, String prefix, long after, long upTo, long nowMs) {
        List<String> aborted = new ArrayList<>();
        List<String> committed = new ArrayList<>();
        List<String> other = new ArrayList<>();
        for (Txn t : txns) {
            long c = checkpointOf(t.id(), prefix);
            if (c <= after || c > upTo) {
                continue;
            }
            if (t.aborted(nowMs)) {
                aborted.add(t.id() + " " + t.state());
            } else if (t.committed()) {
                committed.add(t.id() + " " + t.state());
            } else {
                other.add(t.id() + " " + t.state());
            }
        }
        return new Verdict(aborted, committed, other);
    }

    @Command(name = "checkpoint-transactions", description = {"Asks the broker about the exactly-once sinks' "
            + "transactions of the checkpoints in (--after, --checkpoint] of the transactional ids starting with "
            + "--prefix. Exit 0: none was aborted (a restore from --checkpoint delivers its output); exit 3: the "
            + "broker aborted some (they are listed): a restore from --checkpoint would lose their records."})
    static final class Check implements Callable<Integer> {
        @CommandLine.Mixin
        ClusterTool.KafkaOptions kafka;

        @CommandLine.ArgGroup(multiplicity = "1")
        Prefix prefixOf;

        static final class Prefix {
            @Option(names = "--prefix", description = "Transactional-id prefix of the job's sinks.") String prefix;
            @Option(names = "--jar", description = "The detection job's jar: the prefix is the one its "
                    + "PipelineConfig.Defaults gives (the job's own configuration, ops23; a copy in the scripts went "
                    + "stale when a site changed it).")
            java.nio.file.Path jar;
        }
        @Option(names = "--checkpoint", required = true, description = "The checkpoint to resume from.") long checkpoint;
        @Option(names = "--after", defaultValue = "-1", description = "The retained checkpoint before it (default: "
                + "--checkpoint - 1).") long after;

        @Override
        public Integer call() throws Exception {
            java.util.Properties p = kafka.clientProperties();
            p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
            p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "20000");
            long from = after < 0 ? checkpoint - 1 : after;
            String prefix = prefixOf.prefix != null ? prefixOf.prefix : detectionPrefix(prefixOf.jar) + "-";
            try (Admin admin = Admin.create(p)) {
                List<String> ids = new ArrayList<>();
                for (TransactionListing l : admin.listTransactions().all().get()) {
                    long c = checkpointOf(l.transactionalId(), prefix);
                    if (c > from && c <= checkpoint) {
                        ids.add(l.transactionalId());
                    }
                }
                List<Txn> txns = new ArrayList<>();
                if (!ids.isEmpty()) {
                    Map<String, TransactionDescription> d = new TreeMap<>(admin.describeTransactions(ids).all().get());
                    d.forEach((id, t) -> txns.add(new Txn(id, stateName(t.state().name()),
                            t.transactionStartTimeMs().orElse(0L), t.transactionTimeoutMs())));
                }
                Verdict v = judge(txns, prefix, from, checkpoint, System.currentTimeMillis());
                v.aborted().forEach(s -> System.out.println("aborted " + s));
                v.committed().forEach(s -> System.out.println("committed " + s));
                v.other().forEach(s -> System.out.println("open or empty " + s));
                return v.lost() ? 3 : 0;
            }
        }
    }

    /**
     * The detection job's transactional-id prefix as the job in {@code jar} sets it: {@code
     * PipelineConfig.Defaults.TRANSACTIONAL_ID_PREFIX}, read from the jar itself (a class without Flink or Kafka types,
     * so it loads without them); its sinks' ids are {@code <prefix>-<sink>-<subtask>-<checkpoint>}. One source of
     * truth: the scripts kept a copy of the default, so a site whose jar sets another prefix got "could not ask the
     * broker" and a resume from an aborted checkpoint (ops23).
     */
    static String detectionPrefix(java.nio.file.Path jar) throws Exception {
        if (!java.nio.file.Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("no job jar at " + jar);
        }
        try (java.net.URLClassLoader loader = new java.net.URLClassLoader(new java.net.URL[] {jar.toUri().toURL()},
                ClassLoader.getPlatformClassLoader())) {
            Object prefix = Class.forName("org.wardstream.jobs.PipelineConfig$Defaults", true, loader)
                    .getField("TRANSACTIONAL_ID_PREFIX").get(null);
            if (!(prefix instanceof String p) || p.isBlank()) {
                throw new IllegalStateException("the job in " + jar + " has no transactional-id prefix");
            }
            return p;
        } catch (ClassNotFoundException | NoSuchFieldException e) {
            throw new IllegalArgumentException(jar + " has no org.wardstream.jobs.PipelineConfig.Defaults"
                    + ".TRANSACTIONAL_ID_PREFIX: not a wardstream job jar (" + e + ")", e);
        }
    }

    /** The admin client's enum names (COMPLETE_ABORT) as the broker's state names (CompleteAbort). */
    static String stateName(String s) {
        StringBuilder b = new StringBuilder();
        for (String part : s.toLowerCase(java.util.Locale.ROOT).split("_")) {
            if (!part.isEmpty()) {
                b.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
            }
        }
        return b.toString();
    }
}
