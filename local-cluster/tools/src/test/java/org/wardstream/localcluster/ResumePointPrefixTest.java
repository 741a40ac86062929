package org.wardstream.localcluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import javax.tools.ToolProvider;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.wardstream.embedded.EmbeddedKafka;

/**
 * ops23: {@code local-cluster/submit} asks the broker whether the newest retained checkpoint's Kafka transactions still
 * commit (probe 22a F1) by their transactional ids, {@code <prefix>-<sink>-<subtask>-<checkpoint>}. common.sh held a
 * copy of the detection job's default prefix: a site whose jar sets another one got no transaction of that checkpoint
 * from the broker and resumed from it, its alerts lost. The prefix now comes from the recorded jar's own
 * PipelineConfig. A real in-process broker holds an aborted transaction under a site's prefix.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResumePointPrefixTest {
    private static final Path COMMON = Path.of("..", "common.sh").toAbsolutePath().normalize();
    private static final String JOB = "0123456789abcdef0123456789abcdef";

    @TempDir
    Path dir;
    EmbeddedKafka kafka;

    @BeforeAll
    void startKafka(@TempDir Path kafkaDir) throws Exception {
        kafka = EmbeddedKafka.start(kafkaDir);
        kafka.createTopics(1);
    }

    @AfterAll
    void stopKafka() throws Exception {
        kafka.close();
    }

    /** A job jar whose PipelineConfig says the site's prefix (compiled here: the real class is in jobs/). */
    Path jobJar(String prefix) throws IOException {
        Path src = Files.createDirectories(dir.resolve("src/org/wardstream/jobs")).resolve("PipelineConfig.java");
        Files.writeString(src, "package org.wardstream.jobs;\npublic record PipelineConfig(String bootstrapServers) {\n"
                + "  public static final class Defaults {\n    public static final String TRANSACTIONAL_ID_PREFIX = \""
                + prefix + "\";\n  }\n}\n");
        Path classes = Files.createDirectories(dir.resolve("classes"));
        assertThat(ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", classes.toString(), src.toString()))
                .isZero();
        Path jar = dir.resolve("site-jobs.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (String c : new String[] {"PipelineConfig.class", "PipelineConfig$Defaults.class"}) {
                out.putNextEntry(new JarEntry("org/wardstream/jobs/" + c));
                Files.copy(classes.resolve("org/wardstream/jobs/" + c), out);
                out.closeEntry();
            }
        }
        return jar;
    }

    /** A transaction under {@code id} with one alert in it, aborted (what the broker does after the timeout). */
    void abortedTransaction(String id) {
        Map<String, Object> cfg = Map.of("bootstrap.servers", kafka.bootstrapServers(), "transactional.id", id,
                "key.serializer", ByteArraySerializer.class.getName(),
                "value.serializer", ByteArraySerializer.class.getName());
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(cfg)) {
            p.initTransactions();
            p.beginTransaction();
            p.send(new ProducerRecord<>("alerts", "an alert".getBytes(StandardCharsets.UTF_8)));
            p.flush();
            p.abortTransaction();
        }
    }

    String resumePoint(Path home) throws Exception {
        // the scripts' helper from this build's classes (the packaged helper jar does not exist in the test phase)
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", "source \"$0\"; tool() { java -cp \"$TEST_CP\" "
                + "org.wardstream.localcluster.ClusterTool \"$@\"; }; resume_point detection", COMMON.toString());
        pb.environment().put("WARDSTREAM_CLUSTER_HOME", home.toString());
        pb.environment().put("WARDSTREAM_NO_BUILD", "1");
        pb.environment().put("WARDSTREAM_KAFKA_PORT", kafka.bootstrapServers().replaceAll(".*:", ""));
        pb.environment().put("TEST_CP", System.getProperty("java.class.path"));
        Path err = dir.resolve("resume.err");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        System.out.println("resume_point said:\n" + Files.readString(err));
        assertThat(p.exitValue()).isZero();
        return out;
    }

    @Test
    void aSiteWithItsOwnPrefixResumesFromTheCheckpointBeforeOneTheBrokerAborted() throws Exception {
        assertThat(kafka.bootstrapServers()).doesNotContain(",");
        Path home = dir.resolve("cluster");
        Path jobs = Files.createDirectories(home.resolve("jobs"));
        Files.writeString(jobs.resolve("detection.id"), JOB + "\n");
        Files.writeString(jobs.resolve("detection.jar"), jobJar("st-marys-detection") + "\n");
        for (int n : new int[] {4, 5}) {
            Path chk = Files.createDirectories(home.resolve("flink/checkpoints/" + JOB + "/chk-" + n));
            Files.writeString(chk.resolve("_metadata"), "x");
        }
        abortedTransaction("st-marys-detection-alerts-0-5");

        assertThat(resumePoint(home)).isEqualTo("file://" + home.resolve("flink/checkpoints/" + JOB + "/chk-4"));
        assertThat(Files.readString(dir.resolve("resume.err")))
                .contains("aborted st-marys-detection-alerts-0-5 CompleteAbort");
    }

    @Test
    void thePrefixIsTheOneTheJarsOwnConfigurationGives() throws Exception {
        assertThat(CheckpointTransactions.detectionPrefix(jobJar("site-b"))).isEqualTo("site-b");
        Path notAJob = dir.resolve("other.jar");
        try (OutputStream out = new JarOutputStream(Files.newOutputStream(notAJob))) {
            out.flush();
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> CheckpointTransactions.detectionPrefix(notAJob))
                .hasMessageContaining("not a wardstream job jar");
    }
}
