package org.wardstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;

import org.junit.jupiter.api.Test;

class PipelineConfigTest {
    @Test
    void toStringMasksEverySecretButKeepsTheRest() {
        Properties kafka = new Properties();
        kafka.setProperty("security.protocol", "SASL_SSL");
        kafka.setProperty("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required"
                + " username=\"u\" password=\"s3cret-jaas\";");
        kafka.setProperty("ssl.truststore.password", "s3cret-trust");
        kafka.setProperty("ssl.keystore.password", "s3cret-key");
        kafka.setProperty("ssl.key.password", "s3cret-keypass");
        String text = PipelineConfig.defaults("broker:9093").withKafkaProperties(kafka).toString();
        assertThat(text).doesNotContain("s3cret").contains("security.protocol=SASL_SSL", "broker:9093",
                "sasl.jaas.config=[hidden]", "ssl.truststore.password=[hidden]");
    }

    /**
     * Probe 22a: the sinks' transaction timeout is how long the job may be down after a checkpoint before the broker
     * aborts that checkpoint's alerts. A {@code transaction.timeout.ms} given in {@code --kafka-properties} was
     * replaced by 10 min without a word (documented: the properties apply to every sink).
     */
    @Test
    void transactionTimeoutFromTheKafkaPropertiesReachesTheExactlyOnceSinks() throws Exception {
        Properties kafka = new Properties();
        kafka.setProperty("transaction.timeout.ms", "30000");
        PipelineConfig config = PipelineConfig.defaults("broker:9093").withKafkaProperties(kafka);
        assertThat(producerConfig(config).getProperty("transaction.timeout.ms")).isEqualTo("30000");
        assertThat(producerConfig(PipelineConfig.defaults("broker:9093")).getProperty("transaction.timeout.ms"))
                .isEqualTo("600000");
    }

    static Properties producerConfig(PipelineConfig config) throws Exception {
        org.apache.flink.connector.kafka.sink.KafkaSink<String> sink = config.exactlyOnceSink("alerts",
                (element, context, timestamp) -> new org.apache.kafka.clients.producer.ProducerRecord<>("alerts",
                        element.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        java.lang.reflect.Method m = org.apache.flink.connector.kafka.sink.KafkaSink.class
                .getDeclaredMethod("getKafkaProducerConfig");
        m.setAccessible(true);
        return (Properties) m.invoke(sink);
    }
}
