package org.wardstream.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.apache.flink.configuration.MemorySize;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BenchCommandTest {

    @Test
    void scaleManagedMemoryDefaultsToEveryOtherRunsSize() {
        BenchCommand c = new BenchCommand();
        new CommandLine(c).parseArgs("--scale", "1000", "--scale-rocksdb");
        assertThat(c.scaleManagedMemory).isEqualTo(MemorySize.ofMebiBytes(128));
        assertThat(c.scaleManagedMemory).isEqualTo(BenchCluster.DEFAULT_MANAGED_MEMORY);
    }

    @Test
    void scaleManagedMemoryTakesFlinksSizeSyntax() {
        BenchCommand c = new BenchCommand();
        new CommandLine(c).parseArgs("--scale-managed-memory", "2g");
        assertThat(c.scaleManagedMemory.getMebiBytes()).isEqualTo(2048);
        new CommandLine(c).parseArgs("--scale-managed-memory", "1536 mb");
        assertThat(c.scaleManagedMemory.getMebiBytes()).isEqualTo(1536);
    }

    @Test
    void scaleManagedMemoryThatIsNotASizeIsRefused() {
        assertThatThrownBy(() -> new CommandLine(new BenchCommand()).parseArgs("--scale-managed-memory", "lots"))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("--scale-managed-memory");
    }

    @Test
    void scaleManagedMemoryBelowSixteenMegabytesIsABadArgument() {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new BenchCommand()).setErr(new PrintWriter(err));
        // refused before any broker, cluster or record is made
        int exit = cli.execute("--scale", "1000", "--scale-managed-memory", "8m");
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("--scale-managed-memory 8m: must be at least 16m");
    }
}
