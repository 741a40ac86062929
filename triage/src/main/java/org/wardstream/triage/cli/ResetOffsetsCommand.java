package org.wardstream.triage.cli;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.wardstream.triage.kafka.OffsetReset;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;

/**
 * {@code wardstream triage reset-offsets --backup-start <time>}: after restoring the service's database from a dump (or
 * rolling back an upgrade), resets its consumer group to 15 minutes before the backup started, on {@code alerts} and
 * {@code enrolments}, so every record not in the dump is read again ({@link OffsetReset}). Run it with the service
 * stopped.
 */
@Command(name = "reset-offsets", mixinStandardHelpOptions = true,
        description = {"After restoring the triage database from a dump (or rolling back an upgrade): resets the "
                + "service's consumer group on alerts and enrolments to 15 minutes before the backup started, so every "
                + "alert and enrolment not in the dump is read again (nothing is duplicated). Stop the service first.",
                "Example: wardstream triage reset-offsets --backup-start 2026-03-04T06:00:00Z --bootstrap-servers "
                        + "kafka-1:9093 --kafka-properties /etc/wardstream/triage-kafka.properties"})
public final class ResetOffsetsCommand implements Callable<Integer> {
    @Option(names = "--backup-start", required = true, paramLabel = "TIME",
            description = "when the backup (pg_dump) started, ISO-8601 with its zone, e.g. 2026-03-04T06:00:00Z or "
                    + "2026-03-04T07:00:00+01:00")
    String backupStart;

    @Option(names = "--margin", paramLabel = "DURATION", defaultValue = "PT15M",
            description = "how far before the backup start to go back, ISO-8601, at least PT15M (default: "
                    + "${DEFAULT-VALUE}); more when the ingest lag on alerts was larger at the backup")
    Duration margin;

    @Option(names = "--dry-run", description = "say what would be reset, change nothing")
    boolean dryRun;

    /** As the service's: its servers, client settings and consumer group ({@code --group-id}). */
    @CommandLine.Mixin
    KafkaOptions kafka = new KafkaOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** An ISO-8601 time with its zone or offset; a local time is refused (which zone the backup ran in is not known). */
    static Instant parseTime(String text) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not an ISO-8601 time with its zone (e.g. 2026-03-04T06:00:00Z or "
                    + "2026-03-04T07:00:00+01:00)");
        }
    }

    @Override
    public Integer call() throws InterruptedException {
        Instant start;
        try {
            start = parseTime(backupStart);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--backup-start " + backupStart + ": "
                    + e.getMessage());
        }
        if (start.isAfter(Instant.now())) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--backup-start " + backupStart
                    + ": in the future; give the time the backup started");
        }
        Instant to;
        try {
            to = OffsetReset.resetTime(start, margin);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--margin " + margin + ": " + e.getMessage());
        }
        Map<String, Object> props = new HashMap<>(kafka.properties(spec));
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<OffsetReset.Move> moves;
        try (Admin admin = Admin.create(props)) {
            moves = OffsetReset.toBackupStart(admin, kafka.groupId, start, margin, !dryRun);
        } catch (OffsetReset.GroupActive e) {
            err.println("wardstream triage reset-offsets: " + e.getMessage());
            return 1;
        } catch (ExecutionException e) {
            err.println("wardstream triage reset-offsets: Kafka refused: " + e.getCause().getMessage()
                    + "; nothing was reset");
            return 1;
        }
        long reread = 0;
        for (OffsetReset.Move m : moves) {
            out.println(m.partition().topic() + "-" + m.partition().partition() + ": offset "
                    + (m.from() == null ? "(none)" : m.from()) + " -> " + m.to());
            reread += m.reread();
        }
        out.println((dryRun ? "dry run, nothing changed: would reset" : "reset") + " consumer group " + kafka.groupId
                + " on " + String.join(" and ", OffsetReset.TOPICS) + " to " + to + " (the backup start " + start
                + " minus " + margin.toMinutes() + " min): " + reread + " record(s) to be read again"
                + (dryRun ? "" : "; start the service"));
        out.flush();
        return 0;
    }
}
