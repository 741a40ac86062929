package org.wardstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.wardstream.ingest.IngestSettings;
import org.wardstream.jobs.EpisodeDetectionJob;

import picocli.CommandLine;

/**
 * One detection path: the what-if replays history with the live job's ingest settings, which a job started with
 * {@code --out-of-orderness} (the alert lifecycle's settle time) or other clock windows does not run with the defaults.
 * Until session 21 the what-if always used {@code IngestSettings.defaults()}: its current rules, replayed to compare
 * with the candidate, decided time-driven alerts on a 5-minute settle time whatever the job used (closing20, noticed).
 * Only the enrolment grace and the idleness differ, as a bounded read of history needs.
 */
class WhatIfIngestSettingsTest {
    static WhatIfCommand parsed(String... options) {
        WhatIfCommand command = new WhatIfCommand();
        List<String> args = new ArrayList<>(List.of("--rules", "rules", "--bootstrap-servers", "localhost:9092"));
        args.addAll(List.of(options));
        new CommandLine(command).parseArgs(args.toArray(String[]::new));
        return command;
    }

    /** {@code whatIf} with the job's grace and idleness: what must equal the job's settings. */
    static IngestSettings asTheJobWould(IngestSettings whatIf, IngestSettings job) {
        return whatIf.withEnrolmentGrace(job.enrolmentGrace()).withIdleness(job.idleness());
    }

    @Test
    void theWhatIfRunsWithTheSettingsTheLiveJobWasStartedWith() {
        Map<String, String> jobArgs = Map.of("out-of-orderness", "PT10M", "future-tolerance", "PT2M",
                "max-device-age", "P30D", "max-receipt-lag", "PT48H");
        IngestSettings job = EpisodeDetectionJob.ingestSettings(jobArgs::get);
        IngestSettings whatIf = parsed("--out-of-orderness", "PT10M", "--future-tolerance", "PT2M",
                "--max-device-age", "P30D", "--max-receipt-lag", "PT48H").ingestSettings();
        assertThat(whatIf.outOfOrderness()).as("the alert lifecycle's settle time").isEqualTo(Duration.ofMinutes(10));
        assertThat(whatIf.maxDeviceAge()).isEqualTo(Duration.ofDays(30));
        assertThat(asTheJobWould(whatIf, job)).isEqualTo(job);
    }

    @Test
    void withoutTheOptionsTheJobsDefaultsAndOnlyGraceAndIdlenessDiffer() {
        IngestSettings job = EpisodeDetectionJob.ingestSettings(name -> null);
        IngestSettings whatIf = parsed().ingestSettings();
        assertThat(asTheJobWould(whatIf, job)).isEqualTo(job);
        assertThat(whatIf.enrolmentGrace()).as("never ends within a run").isEqualTo(Duration.ofDays(1));
        assertThat(whatIf.idleness()).as("no partition idle in a bounded read").isEqualTo(Duration.ofDays(1));
    }
}
