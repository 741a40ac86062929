package org.wardstream.bench;

import java.nio.file.Path;
import java.time.Duration;

import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.wardstream.embedded.EmbeddedKafka;
import org.wardstream.metrics.InProcessMetrics;

/**
 * The benchmark's platform inside this JVM: a real Kafka broker (KRaft, {@link EmbeddedKafka}) and one Flink
 * MiniCluster that every variant's job is submitted to (so no variant pays for a cluster start-up).
 */
final class BenchCluster implements AutoCloseable {
    final EmbeddedKafka kafka;
    final MiniCluster flink;

    private BenchCluster(EmbeddedKafka kafka, MiniCluster flink) {
        this.kafka = kafka;
        this.flink = flink;
    }

    /** The task manager's managed memory unless a run says otherwise (RocksDB's block cache and write buffers). */
    static final MemorySize DEFAULT_MANAGED_MEMORY = MemorySize.ofMebiBytes(128);

    static BenchCluster start(Path workDir, int slots) throws Exception {
        return start(workDir, slots, false, DEFAULT_MANAGED_MEMORY);
    }

    /** The state backend settings of a run on RocksDB with incremental checkpoints (empty for the heap backend). */
    static Configuration backend(boolean rocksDb) {
        Configuration conf = new Configuration();
        if (rocksDb) {
            conf.set(org.apache.flink.configuration.StateBackendOptions.STATE_BACKEND, "rocksdb");
            conf.set(org.apache.flink.configuration.CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        }
        return conf;
    }

    /**
     * @param rocksDb       RocksDB with incremental checkpoints instead of the heap state backend
     * @param managedMemory the task manager's managed memory ({@code taskmanager.memory.managed.size}), shared
     *                      equally by its slots; on RocksDB ({@code state.backend.rocksdb.memory.managed}, the default)
     *                      a slot's share is the block cache and write buffers of the RocksDB instances in it
     */
    static BenchCluster start(Path workDir, int slots, boolean rocksDb, MemorySize managedMemory) throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.start(workDir.resolve("kafka"));
        try {
            Configuration conf = backend(rocksDb);
            InProcessMetrics.configure(conf);
            conf.set(RestOptions.BIND_PORT, "0");
            conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, managedMemory);
            // checkpoints to files, as in production: the JobManager's memory storage caps a task's state at 5 MB,
            // which a few thousand patients exceed (the scale curve)
            conf.set(org.apache.flink.configuration.CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                    workDir.resolve("checkpoints").toUri().toString());
            MiniCluster flink = new MiniCluster(new MiniClusterConfiguration.Builder()
                    .setConfiguration(conf).setNumTaskManagers(1).setNumSlotsPerTaskManager(slots).build());
            flink.start();
            return new BenchCluster(kafka, flink);
        } catch (Exception e) {
            kafka.close();
            throw e;
        }
    }

    static StreamExecutionEnvironment env(int parallelism) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(parallelism);
        env.getConfig().setAutoWatermarkInterval(200);
        return env;
    }

    JobID submit(StreamExecutionEnvironment env, String name) throws Exception {
        StreamGraph graph = env.getStreamGraph();
        graph.setJobName(name);
        return flink.submitJob(graph).get().getJobID();
    }

    /** Waits for a bounded job to finish; fails if it failed. */
    void await(JobID job) throws Exception {
        JobResult result = flink.requestJobResult(job).get();
        if (result.getSerializedThrowable().isPresent()) {
            throw new IllegalStateException("benchmark job failed",
                    result.getSerializedThrowable().get().deserializeError(getClass().getClassLoader()));
        }
    }

    Throwable failure(JobID job) throws Exception {
        if (!flink.getJobStatus(job).get().isGloballyTerminalState()) {
            return null;
        }
        return flink.requestJobResult(job).get().getSerializedThrowable()
                .map(t -> (Throwable) t.deserializeError(getClass().getClassLoader())).orElse(null);
    }

    void cancel(JobID job) throws Exception {
        if (!flink.getJobStatus(job).get().isGloballyTerminalState()) {
            flink.cancelJob(job).get();
            flink.requestJobResult(job).get();
        }
    }

    String savepoint(JobID job, Path dir, boolean cancel) throws Exception {
        return flink.triggerSavepoint(job, dir.toUri().toString(), cancel, SavepointFormatType.CANONICAL)
                .get(Duration.ofMinutes(5).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() throws Exception {
        try {
            flink.closeAsync().get();
        } finally {
            kafka.close();
        }
    }
}
