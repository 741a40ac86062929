package org.wardstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretRefTest {
    @TempDir
    Path dir;

    @Test
    void aFileIsReadWhereTheSecretIsUsedAndOnlyItsPathIsShown() throws Exception {
        Path file = dir.resolve("postgres-password");
        Files.writeString(file, "correct horse\n");
        SecretRef ref = SecretRef.ofFile(file.toString());
        assertThat(ref.resolve()).isEqualTo("correct horse");
        assertThat(ref.toString()).contains(file.toString()).doesNotContain("horse");
    }

    @Test
    void aMissingOrEmptyFileIsAClearError() throws Exception {
        assertThatThrownBy(() -> SecretRef.ofFile(dir.resolve("absent").toString()).resolve())
                .hasMessageContaining("cannot read the secret file").hasMessageContaining("absent");
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        assertThatThrownBy(() -> SecretRef.ofFile(empty.toString()).resolve()).hasMessageContaining("is empty");
    }

    @Test
    void anUnsetEnvironmentVariableOrNoReferenceMeansNoPassword() {
        assertThat(SecretRef.ofEnv("WARDSTREAM_TEST_SURELY_UNSET_9f3").resolve()).isNull();
        assertThat(SecretRef.none().resolve()).isNull();
        assertThat(SecretRef.ofEnv("PATH").resolve()).isEqualTo(System.getenv("PATH"));
    }
}
