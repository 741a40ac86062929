package org.wardstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The production job jar (the shaded {@code flink-job} artifact, built in the package phase before this runs) holds
 * the jobs and what they call, and none of the evaluation code: validation, scoring against ground truth, the
 * benchmark and its peers, the command line.
 */
class JobJarContentsIT {

    private static Path shadedJar() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            List<Path> jars = files.filter(p -> p.getFileName().toString().endsWith("-flink-job.jar")).toList();
            assertThat(jars).as("the shaded job jar in target/").hasSize(1);
            return jars.get(0);
        }
    }

    @Test
    void jobJarHasTheJobsAndNoEvaluationCode() throws IOException {
        try (JarFile jar = new JarFile(shadedJar().toFile())) {
            List<String> classes = jar.stream().map(e -> e.getName()).filter(n -> n.endsWith(".class")).toList();
            assertThat(classes).contains("org/wardstream/jobs/EpisodeDetectionJob.class",
                    "org/wardstream/detector/PatientDetector.class", "org/wardstream/alerting/FhirAlerts.class");
            assertThat(classes).filteredOn(n -> n.startsWith("org/wardstream/") && (n.startsWith("org/wardstream/evaluation/")
                    || n.startsWith("org/wardstream/bench/") || n.startsWith("org/wardstream/cli/")
                    || n.contains("/validation/") || n.contains("Scoring"))).isEmpty();
        }
    }
}
