package org.wardstream.bench;

import java.io.DataInputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.flink.api.common.JobID;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.state.KeyedStateHandle;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.wardstream.ingest.IngestMetrics;
import org.wardstream.ingest.IngestSettings;
import org.wardstream.jobs.EpisodeDetectionJob;
import org.wardstream.jobs.PipelineConfig;
import org.wardstream.metrics.InProcessMetrics;

/**
 * Keyed state per patient: the episode-detection job runs over the first N records (already on
 * {@code device-events}), takes a savepoint, is fed the next N records of the same patients, and takes another.
 * The keyed state of each operator is read from the savepoints' metadata.
 */
final class StateRun {
    /** Keyed state bytes per operator uid (or id), and in all, after some number of records. */
    record Snapshot(long records, Map<String, Long> keyedBytesByOperator, long keyedBytes) {
    }

    /**
     * The newest completed checkpoint's keyed state before the second savepoint: its full size, the bytes it wrote
     * itself (less than the full size for incremental checkpoints) and every file in the checkpoint directory.
     */
    record Checkpoint(long keyedBytes, long checkpointedBytes, long directoryBytes) {
        static final Checkpoint NONE = new Checkpoint(-1, -1, -1);
    }

    /**
     * @param seconds    wall time of the first N records (first consumed to every outcome)
     * @param cpuSeconds process CPU time over the same interval
     */
    record Result(Snapshot atN, Snapshot at2n, int patients, double seconds, double cpuSeconds, Checkpoint checkpoint) {
        double perPatientN() {
            return (double) atN.keyedBytes / patients;
        }

        double perPatient2n() {
            return (double) at2n.keyedBytes / patients;
        }
    }

    private final BenchCluster cluster;
    private final RecordSource set;
    private final Path rulesDir;
    private final Path workDir;
    private final int parallelism;
    private final org.apache.flink.configuration.Configuration backend;
    private PrintStream progress;

    StateRun(BenchCluster cluster, RecordSource set, Path rulesDir, Path workDir, int parallelism) {
        this(cluster, set, rulesDir, workDir, parallelism, BenchCluster.backend(false));
    }

    StateRun(BenchCluster cluster, RecordSource set, Path rulesDir, Path workDir, int parallelism,
             org.apache.flink.configuration.Configuration backend) {
        this.cluster = cluster;
        this.set = set;
        this.rulesDir = rulesDir;
        this.workDir = workDir;
        this.parallelism = parallelism;
        this.backend = backend;
    }

    /**
     * Prints a progress line every {@link #PROGRESS_EVERY} while the job runs (records consumed and given an outcome,
     * the process's CPU time, used heap, load), so a long run's rate can be read per phase.
     */
    StateRun withProgress(PrintStream log) {
        this.progress = log;
        return this;
    }

    static final Duration PROGRESS_EVERY = Duration.ofSeconds(30);

    Result run(Variants variants) throws Exception {
        PipelineConfig config = variants.jobConfig("bench-state");
        StreamExecutionEnvironment env = BenchCluster.env(parallelism);
        env.configure(backend);
        EpisodeDetectionJob.build(env, config);
        JobID job = cluster.submit(env, "bench state");
        ScheduledExecutorService printer = progress == null ? null : progress(job);
        try {
            long start = variants.awaitOutcomes(job, 1, Duration.ofMinutes(2), true);
            long cpuStart = Cpu.processNanos();
            long end = variants.awaitOutcomes(job, set.n(), Duration.ofMinutes(30), false);
            long cpuEnd = Cpu.processNanos();
            Snapshot atN = measure(job, set.n(), false);
            appendSecondHalf();
            variants.awaitOutcomes(job, set.size(), Duration.ofMinutes(30), false);
            Checkpoint checkpoint = latestCheckpoint(workDir.resolve("checkpoints"));
            Snapshot at2n = measure(job, set.size(), true);
            return new Result(atN, at2n, set.patients(), (end - start) / 1e9, (cpuEnd - cpuStart) / 1e9, checkpoint);
        } finally {
            if (printer != null) {
                printer.shutdownNow();
            }
            cluster.cancel(job);
        }
    }

    private ScheduledExecutorService progress(JobID job) {
        ScheduledExecutorService printer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bench-state-progress");
            t.setDaemon(true);
            return t;
        });
        long t0 = System.nanoTime();
        String jid = job.toHexString();
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        printer.scheduleAtFixedRate(() -> progress.printf(Locale.ROOT,
                        "state: %tT +%.0f s: consumed %,d, outcomes %,d, process CPU %.1f s, used heap %.0f MB, "
                                + "load %.1f%n", System.currentTimeMillis(), (System.nanoTime() - t0) / 1e9,
                        InProcessMetrics.sumCounters(jid, "." + IngestMetrics.GROUP + "." + IngestMetrics.CONSUMED),
                        Variants.outcomes(jid), Cpu.processNanos() / 1e9,
                        memory.getHeapMemoryUsage().getUsed() / 1048576.0, Cpu.loadAverages()[0]),
                PROGRESS_EVERY.toSeconds(), PROGRESS_EVERY.toSeconds(), TimeUnit.SECONDS);
        return printer;
    }

    private void appendSecondHalf() {
        // checked as the preload is (before, sent without a callback: a refused record went unnoticed)
        Benchmark.load(cluster, false, (producer, check) -> set.sendRecords(set.n(), set.size(), producer, null, check));
    }

    private Snapshot measure(JobID job, long records, boolean cancel) throws Exception {
        Path dir = workDir.resolve("savepoints");
        Files.createDirectories(dir);
        String pointer = cluster.savepoint(job, dir, cancel);
        return read(pointer, records);
    }

    /** The newest readable completed checkpoint under {@code dir} (the cluster's checkpoint directory), or NONE. */
    static Checkpoint latestCheckpoint(Path dir) {
        if (!Files.isDirectory(dir)) {
            return Checkpoint.NONE;
        }
        long total = 0;
        java.util.List<Path> metadata = new java.util.ArrayList<>();
        try (var files = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                try {
                    if (Files.isRegularFile(f)) {
                        total += Files.size(f);
                        if (f.getFileName().toString().equals("_metadata")
                                && f.getParent().getFileName().toString().startsWith("chk-")) {
                            metadata.add(f);
                        }
                    }
                } catch (java.io.IOException gone) { // subsumed while walking
                }
            }
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            return Checkpoint.NONE;
        }
        metadata.sort(java.util.Comparator.comparingLong(
                (Path f) -> Long.parseLong(f.getParent().getFileName().toString().substring(4))).reversed());
        for (Path f : metadata) {
            try (InputStream in = Files.newInputStream(f)) {
                CheckpointMetadata m = Checkpoints.loadCheckpointMetadata(new DataInputStream(in),
                        StateRun.class.getClassLoader(), f.getParent().toString());
                long keyed = 0, checkpointed = 0;
                for (OperatorState op : m.getOperatorStates()) {
                    for (OperatorSubtaskState st : op.getStates()) {
                        for (KeyedStateHandle h : st.getManagedKeyedState()) {
                            keyed += h.getStateSize();
                            checkpointed += h.getCheckpointedSize();
                        }
                    }
                }
                return new Checkpoint(keyed, checkpointed, total);
            } catch (Exception subsumed) { // deleted while reading: try the one before
            }
        }
        return new Checkpoint(-1, -1, total);
    }

    /** Keyed state sizes from a savepoint's metadata. */
    static Snapshot read(String pointer, long records) throws Exception {
        Path dir = Path.of(java.net.URI.create(pointer.startsWith("file:") ? pointer : "file://" + pointer));
        Path metadata = Files.isDirectory(dir) ? dir.resolve("_metadata") : dir;
        CheckpointMetadata m;
        try (InputStream in = Files.newInputStream(metadata)) {
            m = Checkpoints.loadCheckpointMetadata(new DataInputStream(in), StateRun.class.getClassLoader(), pointer);
        }
        Map<String, Long> byOperator = new LinkedHashMap<>();
        long total = 0;
        for (OperatorState op : m.getOperatorStates()) {
            long keyed = 0;
            for (OperatorSubtaskState st : op.getStates()) {
                for (KeyedStateHandle h : st.getManagedKeyedState()) {
                    keyed += h.getStateSize();
                }
            }
            if (keyed > 0) {
                String name = op.getOperatorUid().filter(s -> !s.isEmpty())
                        .orElse(op.getOperatorName().orElse(op.getOperatorID().toHexString()));
                byOperator.merge(name, keyed, Long::sum);
                total += keyed;
            }
        }
        return new Snapshot(records, byOperator, total);
    }
}
