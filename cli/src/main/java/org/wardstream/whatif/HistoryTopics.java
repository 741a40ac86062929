package org.wardstream.whatif;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.wardstream.alerting.AlertMessage;
import org.wardstream.alerting.FhirAlerts;
import org.wardstream.equity.model.Strata;
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

    /** The strata of every enrolled patient on the {@code enrolments} topic into the ledger. */
    public static Read enrolments(String bootstrapServers, Properties extra, WhatIfLedger ledger) {
        AvroCodec<Enrolment> codec = AvroCodec.enrolments();
        long[] n = new long[2];
        forEach(bootstrapServers, extra, org.wardstream.contract.Topics.ENROLMENTS, r -> {
            if (r.value() == null) {
                return; // a tombstone: the patient withdrew (their alerts keep the strata last seen, if any)
            }
            try {
                enrolment(codec.decode(r.value()), ledger);
                n[0]++;
            } catch (DecodeException e) {
                n[1]++;
            }
        });
        return new Read(n[0], n[1]);
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
        return lines(file, line -> alert(line, ledger));
    }

    private static void alert(String bundleJson, WhatIfLedger ledger) {
        AlertMessage m = FhirAlerts.parse(bundleJson);
        ledger.recordedAlert(m.episodeId(), m.programme(), m.patient(), m.episodeType(), m.start().toEpochMilli(),
                m.end() == null ? null : m.end().toEpochMilli());
    }

    /** Triage events from a replay-format file: {"key": PatientKey, "value": TriageEvent} per line. */
    public static Read outcomesFile(Path file, WhatIfLedger ledger) throws IOException {
        AvroCodec<TriageEvent> codec = AvroCodec.triageEvents();
        return replayLines(file, v -> triage(codec.fromJson(v), ledger));
    }

    private interface LineHandler {
        void accept(String text) throws IOException, DecodeException;
    }

    /** Replay-format lines ({"key": ..., "value": ...}): the value's JSON to {@code handler}. */
    private static Read replayLines(Path file, LineHandler handler) throws IOException {
        return lines(file, line -> {
            JsonNode node = JSON.readTree(line);
            JsonNode value = node == null ? null : node.get("value");
            if (value == null || value.isNull()) {
                throw new IllegalArgumentException("no value");
            }
            handler.accept(value.toString());
        });
    }

    /** Every non-blank line not starting with {@code #} to {@code handler}: used, or undecodable when it throws. */
    private static Read lines(Path file, LineHandler handler) throws IOException {
        long used = 0;
        long bad = 0;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                try {
                    handler.accept(line);
                    used++;
                } catch (IOException | DecodeException | IllegalArgumentException e) {
                    bad++;
                }
            }
        }
        return new Read(used, bad);
    }
}
