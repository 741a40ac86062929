package org.wardstream.demo;

import java.nio.file.Path;
import java.util.Properties;

import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.wardstream.embedded.EmbeddedKafka;
import org.wardstream.jobs.EpisodeDetectionJob;
import org.wardstream.jobs.PipelineConfig;
import org.wardstream.metrics.InProcessMetrics;

/**
 * Everything {@code wardstream demo} and {@code replay} run on, inside this JVM: a real Kafka
 * broker (KRaft) with the wardstream topics, and a Flink MiniCluster the jobs are submitted to.
 */
public final class EmbeddedPlatform implements AutoCloseable {
    private final EmbeddedKafka kafka;
    private final MiniCluster flink;
    private final int parallelism;

    private EmbeddedPlatform(EmbeddedKafka kafka, MiniCluster flink, int parallelism) {
        this.kafka = kafka;
        this.flink = flink;
        this.parallelism = parallelism;
    }

    public static EmbeddedPlatform start(Path workDir, int parallelism) throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.start(workDir.resolve("kafka"));
        try {
            kafka.createTopics(parallelism);
            Configuration conf = new Configuration();
            InProcessMetrics.configure(conf);
            conf.set(RestOptions.BIND_PORT, "0"); // any free port: several demos may run at once
            conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.ofMebiBytes(128));
            MiniCluster flink = new MiniCluster(new MiniClusterConfiguration.Builder()
                    .setConfiguration(conf)
                    .setNumTaskManagers(1)
                    .setNumSlotsPerTaskManager(parallelism)
                    .build());
            flink.start();
            return new EmbeddedPlatform(kafka, flink, parallelism);
        } catch (Exception e) {
            kafka.close();
            throw e;
        }
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    public Properties kafkaClientProperties() {
        return kafka.clientProperties();
    }

    /** Submits the episode-detection job and returns its id. */
    public JobID submitEpisodeDetection(PipelineConfig config) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(parallelism);
        env.getConfig().setAutoWatermarkInterval(200);
        EpisodeDetectionJob.build(env, config);
        StreamGraph graph = env.getStreamGraph();
        graph.setJobName(EpisodeDetectionJob.NAME);
        return flink.submitJob(graph).get().getJobID();
    }

    /** Submits the equity-metrics job (bounded or not, as configured) and returns its id. */
    public JobID submitEquityMetrics(org.wardstream.equity.job.EquityJobConfig config) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(parallelism);
        env.getConfig().setAutoWatermarkInterval(200);
        org.wardstream.equity.job.EquityMetricsJob.buildKafka(env, config);
        StreamGraph graph = env.getStreamGraph();
        graph.setJobName(org.wardstream.equity.job.EquityMetricsJob.NAME);
        return flink.submitJob(graph).get().getJobID();
    }

    /** Waits until a (bounded) job ends; throws its failure, or a timeout when it is still running. */
    public void awaitFinished(JobID job, java.time.Duration timeout) throws Exception {
        var result = flink.requestJobResult(job).get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        var failure = result.getSerializedThrowable();
        if (failure.isPresent()) {
            throw new IllegalStateException("job " + job + " failed", failure.get());
        }
    }

    public boolean isRunning(JobID job) throws Exception {
        return !flink.getJobStatus(job).get().isGloballyTerminalState();
    }

    /** The job's failure, if it ended with one; null while running or after a clean end. */
    public Throwable failure(JobID job) throws Exception {
        if (isRunning(job)) {
            return null;
        }
        var result = flink.requestJobResult(job).get();
        return result.getSerializedThrowable().map(t -> (Throwable) t).orElse(null);
    }

    /**
     * Kills the TaskManager (as a crash would: its tasks die mid-stream, nothing is flushed) and starts a
     * fresh one; running jobs fail over and restore from their last completed checkpoint.
     */
    public void crashTaskManager() throws Exception {
        flink.terminateTaskManager(0).get();
        flink.startTaskManager();
    }

    public void cancel(JobID job) throws Exception {
        if (isRunning(job)) {
            flink.cancelJob(job).get();
            flink.requestJobResult(job).get();
        }
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
