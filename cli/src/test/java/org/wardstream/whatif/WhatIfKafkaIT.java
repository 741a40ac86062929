package org.wardstream.whatif;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.wardstream.cli.Main;
import org.wardstream.contract.Topics;
import org.wardstream.demo.ReplayFiles;
import org.wardstream.embedded.EmbeddedKafka;
import org.wardstream.schema.PatientKey;
import org.wardstream.schema.TriageEvent;
import org.wardstream.schema.wire.AvroCodec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@code wardstream whatif --bootstrap-servers}: the same fixture and expectation as {@link WhatIfIT}, with the
 * history and the clinicians' outcomes on a cluster's topics (device-events, enrolments, triage-events); the run
 * reads them and writes nothing: every topic's end offsets are unchanged afterwards.
 */
@org.junit.jupiter.api.Timeout(value = 15, unit = java.util.concurrent.TimeUnit.MINUTES)
class WhatIfKafkaIT {
    @Test
    void readsHistoryAndOutcomesFromTheTopicsAndWritesNothing() throws Exception {
        WhatIfIT.copyFixture();
        Path work = Path.of("target", "whatif-kafka");
        Files.createDirectories(work);
        try (EmbeddedKafka kafka = EmbeddedKafka.start(work.resolve("broker-" + System.nanoTime()))) {
            kafka.createTopics(2);
            Properties p = kafka.clientProperties();
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            AvroCodec<PatientKey> keys = AvroCodec.patientKeys();
            AvroCodec<TriageEvent> values = AvroCodec.triageEvents();
            ObjectMapper json = new ObjectMapper();
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                    new ByteArraySerializer())) {
                ReplayFiles.produceEnrolments(WhatIfIT.FIXTURE.resolve("enrolments.ndjson"), producer, System.err);
                ReplayFiles.produceEvents(WhatIfIT.FIXTURE.resolve("events.ndjson"), producer, System.err);
                // one record that is not a device event: ingest refuses it, the report counts it by reason
                producer.send(new ProducerRecord<>(Topics.DEVICE_EVENTS, null, 1772445600000L, null,
                        "not an event".getBytes(StandardCharsets.UTF_8)));
                for (String line : Files.readAllLines(WhatIfIT.FIXTURE.resolve("outcomes.ndjson"),
                        StandardCharsets.UTF_8)) {
                    JsonNode n = json.readTree(line);
                    producer.send(new ProducerRecord<>(Topics.TRIAGE_EVENTS,
                            keys.encode(keys.fromJson(n.get("key").toString())),
                            values.encode(values.fromJson(n.get("value").toString()))));
                }
            }
            List<String> topics = List.of(Topics.DEVICE_EVENTS, Topics.ENROLMENTS, Topics.TRIAGE_EVENTS,
                    Topics.ALERTS, Topics.EPISODES, Topics.DEVICE_EVENTS_DLQ);
            String before = endOffsets(kafka, topics);

            Path out = work.resolve("out");
            assertThat(Main.run("whatif", "--rules", WhatIfIT.candidate("rules-130-kafka", 130).toString(),
                    "--bootstrap-servers", kafka.bootstrapServers(), "--out", out.toString())).isZero();

            JsonNode j = new ObjectMapper().readTree(out.resolve(WhatIfReport.JSON_FILE).toFile());
            assertThat(j.get("readings_admitted").asInt()).isEqualTo(294);
            assertThat(j.get("events_refused_by_ingest").toString()).isEqualTo("{\"not-decodable\":1}");
            assertThat(j.at("/outcomes/missed_actionable").asInt()).isEqualTo(1);
            assertThat(j.at("/outcomes/missed_actionable_list/0/patient").asText()).isEqualTo("w002");
            assertThat(j.at("/outcomes/avoided_false_alarm").asInt()).isEqualTo(1);
            assertThat(j.at("/outcomes/avoided_no_action_needed").asInt()).isEqualTo(1);
            assertThat(j.at("/outcomes/kept_actionable").asInt()).isEqualTo(1);
            assertThat(j.at("/episodes/lost").asInt()).isEqualTo(3);
            assertThat(j.at("/episodes/gained").asInt()).isEqualTo(0);
            assertThat(j.at("/by_stratum/ethnic_group/Asian or Asian British/missed_actionable").asInt())
                    .isEqualTo(1);
            assertThat(endOffsets(kafka, topics)).as("nothing written to any topic").isEqualTo(before);
        }
    }

    static String endOffsets(EmbeddedKafka kafka, List<String> topics) {
        Properties p = kafka.clientProperties();
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            StringBuilder b = new StringBuilder();
            for (String t : topics) {
                List<TopicPartition> parts = c.partitionsFor(t).stream()
                        .map(i -> new TopicPartition(t, i.partition())).toList();
                b.append(t).append('=').append(new java.util.TreeMap<>(c.endOffsets(parts)
                        .entrySet().stream().collect(java.util.stream.Collectors.toMap(
                                e -> e.getKey().partition(), java.util.Map.Entry::getValue)))).append(' ');
            }
            return b.toString();
        }
    }
}
