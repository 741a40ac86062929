package org.wardstream.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.wardstream.contract.Topics;
import org.wardstream.demo.ReplayFiles;
import org.wardstream.embedded.EmbeddedKafka;
import org.wardstream.ingest.IngestSettings;
import org.wardstream.jobs.EpisodeDetectionJob;
import org.wardstream.jobs.PipelineConfig;
import org.wardstream.rules.EpisodeType;
import org.wardstream.rules.Rule;
import org.wardstream.rules.RuleValidationException;
import org.wardstream.rules.Rules;
import org.wardstream.signals.RhythmRuleParameters;
import org.wardstream.whatif.HistoryTopics;
import org.wardstream.whatif.ReadProgress;
import org.wardstream.whatif.WhatIfLedger;
import org.wardstream.whatif.WhatIfReport;
import org.wardstream.whatif.WhatIfResult;
import org.wardstream.whatif.WhatIfTopology;

import org.wardstream.contract.ClinicianTime;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code wardstream whatif}: the current and a candidate rule set side by side over recorded history. */
@Command(name = "whatif", mixinStandardHelpOptions = true,
        description = {"Runs the current rules and candidate rules side by side over recorded device events "
                + "(a Kafka cluster's retained device-events history, or replay files) through the episode-detection "
                + "job's own ingest, patient detector, compound patterns and alert lifecycle, on a local Flink "
                + "MiniCluster in bounded mode. Nothing is written to Kafka.",
                "Reports alerts per type and per 1,000 reading-span days (a patient's UTC days from first to last reading), the episodes gained and lost, which lost alerts "
                        + "clinicians had resolved as needing action (missed: hazards) or as false alarm / no action "
                        + "needed (avoided), the same by IMD quintile, ethnic group, age band and sex, and clinician "
                        + "hours per week. Writes whatif.json and whatif.html to --out.",
                "Exit codes: 0 done, 1 run failed, 2 bad arguments, invalid candidate rules (every problem listed "
                        + "as file: field: reason, as at job start) or a history holding no device event (no report)."})
public final class WhatIfCommand implements Callable<Integer> {
    @Option(names = "--rules", required = true, description = "Candidate rule directory (alert-rules layout).")
    Path rules;

    @Option(names = "--current-rules", description = "Current rule directory (default: the rules packaged with "
            + "this release, which the job uses unless started with --rules).")
    Path currentRules;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    static final class Input {
        @Option(names = "--bootstrap-servers", description = "Kafka cluster whose device-events, enrolments and "
                + "triage-events history is replayed (read committed; never written).")
        String bootstrapServers;

        @Option(names = "--events", description = "Device events file(s) in the replay format (needs --enrolments).",
                arity = "1..*")
        List<Path> events;
    }

    @Option(names = "--enrolments", description = "Enrolments file (replay format), with --events.")
    Path enrolments;

    @Option(names = "--outcomes", description = "Triage events file (replay format: key PatientKey, value "
            + "TriageEvent). Default: the triage-events topic of --bootstrap-servers.")
    Path outcomes;

    @Option(names = "--alerts", description = "The alerts the live job sent for that history (FHIR Bundles, one per "
            + "line: the alerts.ndjson of demo and replay, or an export of the alerts topic), so that outcomes "
            + "recorded against alerts of an older detector version are matched by patient, type and overlapping "
            + "time. Default: the alerts topic of --bootstrap-servers.")
    Path alerts;

    @Option(names = "--kafka-properties", description = "Kafka client settings file (security); secrets stay in "
            + "the file.")
    Path kafkaProperties;

    @Option(names = "--from", description = "Start of the history (ISO-8601 instant, broker time), default the "
            + "earliest retained record.")
    String from;

    @Option(names = "--to", description = "End of the history (ISO-8601 instant, broker time), default the end "
            + "offsets when the run starts.")
    String to;

    @Option(names = "--minutes-per-alert", description = "Clinician minutes per alert for the workload estimate "
            + "(default ${DEFAULT-VALUE}: the planning figure the equity report's alert burden uses too).")
    double minutesPerAlert = ClinicianTime.MINUTES_PER_ALERT;

    @Option(names = "--parallelism", defaultValue = "2", description = "Flink parallelism (default ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--out", defaultValue = "out/whatif", description = "Output directory (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--out-of-orderness", paramLabel = "DURATION", description = "The live job's watermark "
            + "out-of-orderness, also its alert lifecycle's settle time (ISO-8601; default the job's, PT5M): give "
            + "what the job was started with, so the current rules run as it did.")
    String outOfOrderness;

    @Option(names = "--future-tolerance", paramLabel = "DURATION", description = "The live job's --future-tolerance "
            + "(default the job's, PT5M).")
    String futureTolerance;

    @Option(names = "--max-device-age", paramLabel = "DURATION", description = "The live job's --max-device-age "
            + "(default the job's, P7D).")
    String maxDeviceAge;

    @Option(names = "--max-receipt-lag", paramLabel = "DURATION", description = "The live job's --max-receipt-lag "
            + "(default the job's, PT24H).")
    String maxReceiptLag;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /**
     * The ingest settings the what-if runs both rule sets with: the live job's for the same arguments
     * ({@link EpisodeDetectionJob#ingestSettings}), except two that only a bounded read of history needs. The enrolments
     * and device events are two bounded sources read at once: under load the enrolments can come long after a
     * patient's first readings (wall clock), which the job's gate would dead-letter as unknown-patient after its grace.
     * Here the grace never ends within a run; a pending timer is dropped when the bounded input ends, so readings of a
     * patient never enrolled are simply not analysed (the job would dead-letter them: no alert either way). No
     * partition is ever idle in a bounded read (each ends with the final watermark): a partition marked idle while the
     * machine is busy would let the others' watermark run ahead of its readings, and event-time timers registered
     * after that (the end of the history) would never fire.
     */
    IngestSettings ingestSettings() {
        Map<String, String> job = new java.util.HashMap<>();
        job.put("out-of-orderness", outOfOrderness);
        job.put("future-tolerance", futureTolerance);
        job.put("max-device-age", maxDeviceAge);
        job.put("max-receipt-lag", maxReceiptLag);
        return EpisodeDetectionJob.ingestSettings(job::get).withEnrolmentGrace(java.time.Duration.ofDays(1))
                .withIdleness(java.time.Duration.ofDays(1));
    }

    @Override
    public Integer call() throws Exception {
        Args.positive(spec, "--parallelism", parallelism);
        if (!(minutesPerAlert > 0) || Double.isInfinite(minutesPerAlert)) {
            throw Args.error(spec, "--minutes-per-alert", minutesPerAlert, "must be a positive, finite number of minutes");
        }
        try {
            ingestSettings();
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        Long fromMs = instant("--from", from);
        Long toMs = instant("--to", to);
        if (fromMs != null && toMs != null && toMs <= fromMs) {
            throw Args.error(spec, "--to", to, "must be after --from");
        }
        if (input.events != null) {
            for (Path p : input.events) {
                Args.readableFile(spec, "--events", p);
            }
            if (enrolments == null) {
                throw Args.error(spec, "--events", input.events, "needs --enrolments FILE (the patients' strata)");
            }
            Args.readableFile(spec, "--enrolments", enrolments);
        }
        WhatIfLedger ledger = new WhatIfLedger();
        HistoryTopics.Read fileOutcomes = null;
        if (outcomes != null) {
            Args.readableFile(spec, "--outcomes", outcomes);
            fileOutcomes = HistoryTopics.outcomesFile(outcomes, ledger);
            if (fileOutcomes.used() == 0 && fileOutcomes.undecodable() > 0) {
                // the wrong file (say the enrolments): without outcomes the hazard screen has nothing to judge by
                throw Args.error(spec, "--outcomes", outcomes, "not one of its " + fileOutcomes.undecodable()
                        + " line(s) is a triage event (replay format: key PatientKey, value TriageEvent); "
                        + "give the triage-events file, or leave --outcomes out to read the triage-events topic");
            }
        }
        HistoryTopics.Enrolments fileEnrolments = null;
        if (input.events != null) {
            // checked before anything runs, as the job will check them: a file enrolling nobody analyses nothing
            fileEnrolments = HistoryTopics.enrolmentsFile(enrolments, ledger);
            if (!usable(fileEnrolments, "--enrolments " + enrolments)) {
                return 2;
            }
        }
        HistoryTopics.Read fileAlerts = null;
        if (alerts != null) {
            Args.readableFile(spec, "--alerts", alerts);
            fileAlerts = HistoryTopics.alertsFile(alerts, ledger);
        }
        Rules current;
        Rules candidate;
        try {
            current = currentRules == null ? Rules.loadClasspath() : Rules.loadDirectory(currentRules);
        } catch (RuleValidationException e) {
            return invalid("current", e);
        }
        try {
            candidate = Rules.loadDirectory(rules); // exactly the job's start-up validation
        } catch (RuleValidationException e) {
            return invalid("candidate", e);
        }
        RhythmRuleParameters.departuresFromValidated(candidate)
                .forEach(d -> System.err.println("wardstream whatif: note: candidate " + d));
        Properties kafka = kafkaProperties == null ? new Properties()
                : PipelineConfig.readKafkaProperties(kafkaProperties.toString());
        Files.createDirectories(out);
        long started = System.nanoTime();
        if (input.bootstrapServers != null) {
            return run(input.bootstrapServers, kafka, current, candidate, fromMs, toMs, started, ledger,
                    fileOutcomes, fileAlerts, null);
        }
        Path work = Files.createTempDirectory("wardstream-whatif-");
        try (EmbeddedKafka broker = EmbeddedKafka.start(work.resolve("kafka"))) {
            broker.createTopics(parallelism);
            Properties p = broker.clientProperties();
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
            long lines = 0;
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                    new ByteArraySerializer())) {
                // its refused lines were listed above, without their values (the producer's messages quote them)
                ReplayFiles.produceEnrolments(enrolments, producer,
                        new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
                for (Path f : input.events) {
                    lines += ReplayFiles.produceEvents(f, producer, System.err).produced();
                }
            }
            System.err.printf("wardstream whatif: %,d event lines from %d file(s) on a private broker (%.1f s)%n",
                    lines, input.events.size(), (System.nanoTime() - started) / 1e9);
            return run(broker.bootstrapServers(), broker.clientProperties(), current, candidate, fromMs, toMs,
                    started, ledger, fileOutcomes, fileAlerts, fileEnrolments);
        } finally {
            EmbeddedRuns.deleteRecursively(work);
        }
    }

    private int run(String bootstrap, Properties kafka, Rules current, Rules candidate, Long fromMs, Long toMs,
                    long started, WhatIfLedger ledger, HistoryTopics.Read fileOutcomes,
                    HistoryTopics.Read fileAlerts, HistoryTopics.Enrolments fileEnrolments) throws Exception {
        String enrolmentSource = fileEnrolments != null ? "--enrolments " + enrolments
                : "enrolments topic of " + bootstrap;
        HistoryTopics.Enrolments enrolled = fileEnrolments;
        if (enrolled == null) {
            enrolled = HistoryTopics.enrolments(bootstrap, kafka, ledger);
            if (!usable(enrolled, enrolmentSource)) {
                return 2;
            }
        }
        HistoryTopics.Read triaged = fileOutcomes != null ? fileOutcomes
                : HistoryTopics.outcomes(bootstrap, kafka, ledger);
        HistoryTopics.Read recorded = fileAlerts != null ? fileAlerts : HistoryTopics.alerts(bootstrap, kafka, ledger);
        String outcomeSource = outcomes != null ? "--outcomes " + outcomes : "triage-events topic of " + bootstrap;
        String alertSource = alerts != null ? "--alerts " + alerts : "alerts topic of " + bootstrap;
        System.err.printf("  %,d enrolments (%,d refused), %,d triage events, %,d alert messages (%,d undecodable "
                        + "skipped)%n", enrolled.valid(), enrolled.refusedCount(), triaged.used(), recorded.used(),
                triaged.undecodable() + recorded.undecodable());
        if (triaged.used() == 0) {
            System.err.println("wardstream whatif: warning: no triage event read from the " + outcomeSource
                    + (triaged.undecodable() > 0 ? " (" + triaged.undecodable() + " undecodable)" : "")
                    + ": no current alert will have a clinician outcome, so the hazards (missed actionable "
                    + "alerts) cannot be assessed");
        } else if (triaged.undecodable() > 0) {
            System.err.println("wardstream whatif: warning: " + triaged.undecodable() + " triage event record(s) "
                    + "of the " + outcomeSource + " did not decode; their alerts count as without outcome");
        }

        Configuration conf = new Configuration();
        conf.set(RestOptions.BIND_PORT, "0");
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.ofMebiBytes(64));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
        env.getConfig().setAutoWatermarkInterval(200);
        IngestSettings ingest = ingestSettings();
        long expected = HistoryTopics.offsetsBetween(bootstrap, kafka, Topics.DEVICE_EVENTS, fromMs, toMs);
        if (expected == 0) {
            // nothing to compare: a report of a 1970 window with blank figures would read as "no change"
            System.err.println("wardstream whatif: no device events recorded " + historyWindow(fromMs, toMs) + " in "
                    + (input.events != null ? "the --events file(s)" : "the device-events topic of " + bootstrap)
                    + ": nothing to compare (check --from/--to and the input); no report written");
            return 2;
        }
        String progressRun = ReadProgress.register();
        var rows = WhatIfTopology.build(env, new WhatIfTopology.Source(bootstrap, kafka, fromMs, toMs, progressRun),
                ingest, current, candidate);
        long n = 0;
        long recordsRead;
        long jobStarted = System.nanoTime();
        long jobCpuStarted = processCpuNanos();
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "what-if progress");
            t.setDaemon(true);
            return t;
        });
        try (Progress progress = Progress.start("what-if (device events read)", expected, "events", System.err);
             CloseableIterator<WhatIfTopology.Row> it = rows.executeAndCollect("wardstream what-if")) {
            ticker.scheduleAtFixedRate(() -> progress.update(ReadProgress.read(progressRun)), 1, 1, TimeUnit.SECONDS);
            while (it.hasNext()) {
                it.next().into(ledger);
                n++;
            }
            recordsRead = ReadProgress.read(progressRun);
            progress.update(recordsRead);
        } finally {
            ticker.shutdownNow();
            ReadProgress.release(progressRun);
        }
        WhatIfResult result = ledger.result(new WhatIfLedger.Parameters(minutesPerAlert, fromMs, toMs));
        Map<String, Object> json = result.toJson(ruleSets(current, candidate));
        double jobSeconds = (System.nanoTime() - jobStarted) / 1e9;
        double jobCpuSeconds = (processCpuNanos() - jobCpuStarted) / 1e9;
        Map<String, Object> timing = new LinkedHashMap<>();
        timing.put("elapsed_seconds", Math.round((System.nanoTime() - started) / 1e8) / 10.0);
        timing.put("whatif_job_seconds", Math.round(jobSeconds * 10) / 10.0);
        timing.put("whatif_job_cpu_seconds", Math.round(jobCpuSeconds * 10) / 10.0);
        Object readings = json.get("readings_admitted");
        if (readings instanceof Long r && jobCpuSeconds > 0) {
            // CPU time of the whole process while the job ran: a per-core rate that a loaded machine does not hide
            timing.put("readings_per_cpu_second", Math.round(r / jobCpuSeconds));
            timing.put("readings_per_wall_second", Math.round(r / jobSeconds));
        }
        timing.put("parallelism", parallelism);
        timing.put("available_processors", Runtime.getRuntime().availableProcessors());
        timing.put("load_average_at_end", java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                .getSystemLoadAverage());
        Map<String, Object> triageEvents = new LinkedHashMap<>();
        triageEvents.put("source", outcomeSource);
        triageEvents.put("read", triaged.used());
        triageEvents.put("undecodable", triaged.undecodable());
        json.put("triage_events", triageEvents);
        Map<String, Object> enrolmentsRead = new LinkedHashMap<>();
        enrolmentsRead.put("source", enrolmentSource);
        enrolmentsRead.put("valid", enrolled.valid());
        enrolmentsRead.put("tombstones", enrolled.tombstones());
        enrolmentsRead.put("refused", enrolled.refusedCount());
        enrolmentsRead.put("refused_by_reason", new TreeMap<>(enrolled.refusedByReason()));
        enrolmentsRead.put("refused_records", enrolled.refused().stream().limit(LISTED).toList());
        json.put("enrolments", enrolmentsRead);
        Map<String, Object> recordedAlerts = new LinkedHashMap<>();
        recordedAlerts.put("source", alertSource);
        recordedAlerts.put("read", recorded.used());
        recordedAlerts.put("undecodable", recorded.undecodable());
        json.put("recorded_alerts", recordedAlerts);
        json.put("device_event_records_read", recordsRead);
        json.put("timing", timing);
        WhatIfReport.write(out, json);
        System.err.printf("  %,d result rows; %s -> %s%n", n, out.resolve(WhatIfReport.JSON_FILE),
                out.resolve(WhatIfReport.HTML_FILE));
        System.err.println(WhatIfReport.summaryLine(json));
        if (result.outcomeMatching().withoutRecord() > 0) {
            System.err.println("wardstream whatif: warning: " + result.outcomeMatching().withoutRecord()
                    + " clinician outcome(s) name an alert that is neither one of this run's (episode id) nor in the "
                    + alertSource + ": they judge no alert (give the alerts the live job sent for this history)");
        }
        if (result.readingsAdmitted() == 0) {
            System.err.println("wardstream whatif: warning: no device event of the history was admitted ("
                    + (((Map<?, ?>) json.get("events_refused_by_ingest")).isEmpty()
                    ? "none was refused by the ingest: no patient of these device events has a valid enrolment in "
                            + "the " + enrolmentSource + " (" + enrolled.valid() + " valid, for other patients)"
                    : "every one refused by ingest, reasons in the report") + "): the rule sets were not compared");
        }
        return 0;
    }

    /** Refused enrolment records listed one by one (on the terminal and in the JSON) before the rest are counted. */
    static final int LISTED = 20;

    /**
     * Lists the refused enrolment records (where and why, no value); false, after a clear error, when not one valid
     * enrolment remains: every device event would wait for an enrolment and nothing would be analysed.
     */
    static boolean usable(HistoryTopics.Enrolments e, String source) {
        if (e.refusedCount() > 0) {
            System.err.println("wardstream whatif: " + e.refusedCount() + " enrolment record(s) of the " + source
                    + " refused, as the job would refuse them:");
            e.refused().stream().limit(LISTED).forEach(r -> System.err.println("  " + r));
            if (e.refusedCount() > LISTED) {
                System.err.println("  ... and " + (e.refusedCount() - LISTED) + " more; by reason: "
                        + new TreeMap<>(e.refusedByReason()));
            }
        }
        if (e.valid() > 0) {
            return true;
        }
        System.err.println("wardstream whatif: the " + source + " hold no valid enrolment (" + e.refusedCount()
                + " record(s) refused" + (e.refusedCount() > 0 ? ", reasons above" : "") + ", " + e.tombstones()
                + " tombstone(s)): no device event could be analysed, since the job analyses only enrolled patients' "
                + "data. Give the enrolments of the programme whose device events these are; nothing was run and no "
                + "report written");
        return false;
    }

    /** "between A and B", "from A", "before B" or "in the whole retained history". */
    static String historyWindow(Long fromMs, Long toMs) {
        if (fromMs == null && toMs == null) {
            return "in the whole retained history";
        }
        if (fromMs == null) {
            return "before " + Instant.ofEpochMilli(toMs);
        }
        return toMs == null ? "from " + Instant.ofEpochMilli(fromMs)
                : "between " + Instant.ofEpochMilli(fromMs) + " and " + Instant.ofEpochMilli(toMs);
    }

    /** CPU time of this process so far (all threads), ns; 0 where the platform does not tell. */
    private static long processCpuNanos() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os ? Math.max(0, os.getProcessCpuTime()) : 0;
    }

    /** Each rule set's origin and rule versions, and the rule files that differ. */
    static Map<String, Object> ruleSets(Rules current, Rules candidate) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("current", ruleSet(current));
        m.put("candidate", ruleSet(candidate));
        List<String> changed = new java.util.ArrayList<>();
        for (EpisodeType t : EpisodeType.values()) {
            if (!current.rule(t).equals(candidate.rule(t))) {
                changed.add(t.code());
            }
        }
        m.put("changed_rules", changed);
        return m;
    }

    private static Map<String, Object> ruleSet(Rules r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("origin", r.origin());
        Map<String, Integer> versions = new TreeMap<>();
        for (Map.Entry<EpisodeType, Rule> e : r.all().entrySet()) {
            versions.put(e.getKey().code(), e.getValue().version());
        }
        m.put("versions", versions);
        return m;
    }

    private int invalid(String which, RuleValidationException e) {
        System.err.println("wardstream whatif: the " + which + " rules are invalid (nothing was run):");
        e.errors().forEach(err -> System.err.println("  " + err));
        return 2;
    }

    private Long instant(String option, String value) {
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw Args.error(spec, option, value, "not an ISO-8601 instant; write e.g. 2026-03-01T00:00:00Z");
        }
    }
}
