package org.wardstream.whatif;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Properties;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.wardstream.alerting.AlertMessage;
import org.wardstream.alerting.FhirAlerts;
import org.wardstream.demo.ReplayFiles;
import org.wardstream.equity.model.Strata;
import org.wardstream.contract.EnrolmentValidator;
import org.wardstream.contract.Rejection;
import org.wardstream.triage.store.Pseudonymous;
import org.wardstream.schema.Enrolment;
import org.wardstream.schema.TriageEvent;
import org.wardstream.schema.wire.AvroCodec;
import org.wardstream.schema.wire.DecodeException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads the small topics the what-if needs beside the device events: the enrolments (strata) and the triage events
 * (clinicians' outcomes), each from the beginning to the end offsets captured when reading starts, read committed,
 * without a consumer group (nothing is committed); or from replay-format files. A record that does not decode is
 * counted and skipped.
 */
public final class HistoryTopics {
    private static final ObjectMapper JSON = new ObjectMapper();

    private HistoryTopics() {
    }

    /** What one read gave: records used and records that did not decode. */
    public record Read(long used, long undecodable) {
    }

    /** Every committed record of {@code topic} up to its end offsets at the start of the call. */
    public static void forEach(String bootstrapServers, Properties extra, String topic,
                               Consumer<ConsumerRecord<byte[], byte[]>> handler) {
        try (KafkaConsumer<byte[], byte[]> c = consumer(bootstrapServers, extra)) {
            List<TopicPartition> parts = partitions(c, topic);
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
                        handler.accept(r);
                    }
                }
            }
        }
    }

    /**
     * The offsets between {@code fromMs} (null: the earliest retained) and {@code toMs} (null: the end) summed over
     * {@code topic}'s partitions: the records a bounded read of that range will see, transaction markers included
     * (so an upper bound on a transactionally written topic).
     */
    public static long offsetsBetween(String bootstrapServers, Properties extra, String topic, Long fromMs, Long toMs) {
        try (KafkaConsumer<byte[], byte[]> c = consumer(bootstrapServers, extra)) {
            List<TopicPartition> parts = partitions(c, topic);
            Map<TopicPartition, Long> begin = c.beginningOffsets(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            long total = 0;
            for (TopicPartition tp : parts) {
                long from = fromMs == null ? begin.get(tp) : offsetAt(c, tp, fromMs, end.get(tp));
                long to = toMs == null ? end.get(tp) : offsetAt(c, tp, toMs, end.get(tp));
                total += Math.max(0, to - from);
            }
            return total;
        }
    }

    /** A consumer without a group (nothing committed), reading committed records only. */
    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrapServers, Properties extra) {
        Properties p = new Properties();
        p.putAll(extra);
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> c, String topic) {
        return c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(i -> new TopicPartition(topic, i.partition())).toList();
    }

    /** The first offset of {@code tp} at or after {@code timeMs}, or {@code end} when none is. */
    private static long offsetAt(KafkaConsumer<byte[], byte[]> c, TopicPartition tp, long timeMs, long end) {
        var found = c.offsetsForTimes(Map.of(tp, timeMs)).get(tp);
        return found == null ? end : found.offset();
    }

    /**
     * What a read of the enrolments gave: the valid enrolment records, the tombstones, and each record the job would
     * refuse, where it was (line, or partition and offset) and why, with no value of it
     * ({@code Pseudonymous.withoutValues}: a refused record can hold a name or an NHS number in any field).
     */
    public record Enrolments(long valid, long tombstones, List<String> refused, Map<String, Long> refusedByReason) {
        public long refusedCount() {
            return refused.size();
        }
    }

    /** Collects one read's valid enrolments, tombstones and refusals. */
    private static final class EnrolmentCheck {
        private final EnrolmentValidator validator = new EnrolmentValidator();
        private final WhatIfLedger ledger;
        private long valid;
        private long tombstones;
        private final List<String> refused = new ArrayList<>();
        private final Map<String, Long> byReason = new TreeMap<>();

        EnrolmentCheck(WhatIfLedger ledger) {
            this.ledger = ledger;
        }

        /** One record, validated as both jobs validate it ({@link EnrolmentValidator}); valid ones give strata. */
        void record(String where, byte[] key, byte[] value) {
            try {
                EnrolmentValidator.Valid v = validator.read(key, value);
                if (v.value() == null) {
                    tombstones++; // the patient withdrew (their alerts keep the strata last seen, if any)
                } else {
                    enrolment(v.value(), ledger);
                    valid++;
                }
            } catch (Rejection e) {
                refuse(where, e.reason().code(), e.getMessage());
            }
        }

        void refuse(String where, String reason, String detail) {
            String first = detail == null ? "" : detail.lines().findFirst().orElse("").strip();
            refused.add(where + ": " + reason + (first.isEmpty() ? "" : " (" + Pseudonymous.withoutValues(first) + ")"));
            byReason.merge(reason, 1L, Long::sum);
        }

        Enrolments result() {
            return new Enrolments(valid, tombstones, List.copyOf(refused), Map.copyOf(byReason));
        }
    }

    /** The strata of every validly enrolled patient on the {@code enrolments} topic into the ledger. */
    public static Enrolments enrolments(String bootstrapServers, Properties extra, WhatIfLedger ledger) {
        EnrolmentCheck check = new EnrolmentCheck(ledger);
        forEach(bootstrapServers, extra, org.wardstream.contract.Topics.ENROLMENTS,
                r -> check.record("partition " + r.partition() + " offset " + r.offset(), r.key(), r.value()));
        return check.result();
    }

    /** The same from an enrolments file in the replay format (refusals named by line). */
    public static Enrolments enrolmentsFile(Path file, WhatIfLedger ledger) throws IOException {
        EnrolmentCheck check = new EnrolmentCheck(ledger);
        AvroCodec<org.wardstream.schema.PatientKey> keys = AvroCodec.patientKeys();
        AvroCodec<Enrolment> values = AvroCodec.enrolments();
        lines(file, (lineNo, line) -> {
            String where = file.getFileName() + " line " + lineNo;
            try {
                byte[][] kv = ReplayFiles.enrolmentRecord(line, keys, values);
                check.record(where, kv[0], kv[1]);
            } catch (IOException | DecodeException e) {
                check.refuse(where, org.wardstream.contract.DeadLetterReason.NOT_DECODABLE.code(), e.getMessage());
            }
        });
        return check.result();
    }

    static void enrolment(Enrolment e, WhatIfLedger ledger) {
        ledger.strata(e.getProgramme(), e.getPatientId(), Strata.from(e.getStratifiers()));
    }

    /** The coded outcomes on the {@code triage-events} topic into the ledger. */
    public static Read outcomes(String bootstrapServers, Properties extra, WhatIfLedger ledger) {
        AvroCodec<TriageEvent> codec = AvroCodec.triageEvents();
        long[] n = new long[2];
        forEach(bootstrapServers, extra, org.wardstream.contract.Topics.TRIAGE_EVENTS, r -> {
            try {
                triage(codec.decode(r.value()), ledger);
                n[0]++;
            } catch (DecodeException | RuntimeException e) {
                n[1]++;
            }
        });
        return new Read(n[0], n[1]);
    }

    static void triage(TriageEvent t, WhatIfLedger ledger) {
        ledger.outcome(t.getEpisodeId(), t.getProgramme(), t.getPatientId(),
                t.getOutcome() == null ? null : t.getOutcome().name(), t.getTime().toEpochMilli());
    }

    /**
     * The alerts the live job sent (the {@code alerts} topic: one FHIR Bundle per alert change), each episode's type
     * and period into the ledger, so that an outcome recorded against an alert of an older detector version can be
     * matched by overlap ({@link OutcomeMatching}).
     */
    public static Read alerts(String bootstrapServers, Properties extra, WhatIfLedger ledger) {
        long[] n = new long[2];
        forEach(bootstrapServers, extra, org.wardstream.contract.Topics.ALERTS, r -> {
            try {
                alert(new String(r.value(), StandardCharsets.UTF_8), ledger);
                n[0]++;
            } catch (RuntimeException e) {
                n[1]++;
            }
        });
        return new Read(n[0], n[1]);
    }

    /** Alerts from a file of FHIR Bundles, one per line (the {@code alerts.ndjson} that demo and replay write). */
    public static Read alertsFile(Path file, WhatIfLedger ledger) throws IOException {
        return lines(file, (lineNo, line) -> alert(line, ledger));
    }

    private static void alert(String bundleJson, WhatIfLedger ledger) {
        AlertMessage m = FhirAlerts.parse(bundleJson);
        ledger.recordedAlert(m.episodeId(), m.programme(), m.patient(), m.episodeType(), m.start().toEpochMilli(),
                m.end() == null ? null : m.end().toEpochMilli());
    }

    /** Triage events from a replay-format file: {"key": PatientKey, "value": TriageEvent} per line. */
    public static Read outcomesFile(Path file, WhatIfLedger ledger) throws IOException {
        AvroCodec<TriageEvent> codec = AvroCodec.triageEvents();
        return replayLines(file, (lineNo, v) -> triage(codec.fromJson(v), ledger));
    }

    private interface LineHandler {
        void accept(int lineNo, String text) throws IOException, DecodeException;
    }

    /** Replay-format lines ({"key": ..., "value": ...}): the value's JSON to {@code handler}. */
    private static Read replayLines(Path file, LineHandler handler) throws IOException {
        return lines(file, (lineNo, line) -> {
            JsonNode node = JSON.readTree(line);
            JsonNode value = node == null ? null : node.get("value");
            if (value == null || value.isNull()) {
                throw new IllegalArgumentException("no value");
            }
            handler.accept(lineNo, value.toString());
        });
    }

    /** Every non-blank line not starting with {@code #} to {@code handler}: used, or undecodable when it throws. */
    private static Read lines(Path file, LineHandler handler) throws IOException {
        long used = 0;
        long bad = 0;
        int lineNo = 0;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                try {
                    handler.accept(lineNo, line);
                    used++;
                } catch (IOException | DecodeException | IllegalArgumentException e) {
                    bad++;
                }
            }
        }
        return new Read(used, bad);
    }
}
