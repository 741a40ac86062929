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
}
