package org.wardstream.ingest;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.Test;
import org.wardstream.contract.EnrolmentValidator;
import org.wardstream.contract.Rejection;
import org.wardstream.schema.DeviceEvent;
import org.wardstream.schema.DeviceEventKey;
import org.wardstream.schema.wire.AvroCodec;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A device event whose key (programme, pseudonym, source) or event id holds a control character is dead-lettered
 * {@code invalid-field}, and so is an enrolment whose key does: such a pseudonym would be a patient's key, the alerts'
 * subject and log text, and its line break a forged log line (probe 19b D3: accepted, and written raw by the job's
 * "Device clock offset applied: a device of patient {}" WARN once its device ran 6 min ahead).
 */
class KeyControlCharacterTest {
    private static final Instant T0 = TestEvents.T0;
    private static final String FORGED = "2026-12-07 03:00:00,000 ERROR JobMaster - forged by a record";

    @Test
    void anEnrolmentKeyWithALineBreakIsRefused() {
        var bad = new org.wardstream.schema.PatientKey(TestEvents.PROGRAMME, "p1\r\n" + FORGED);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new EnrolmentValidator().read(
                        AvroCodec.patientKeys().encode(bad), null))
                .isInstanceOf(Rejection.class).hasMessageContaining("control character");
    }

    @Test
    void anEventIdWithATabIsDeadLettered() {
        DeviceEvent e = TestEvents.heartRate("hr\t1", T0, 70);
        IngestRecord r = new DeviceEventDeserializer(IngestSettings.defaults()).toIngestRecord(TestEvents.keyBytes("p1"),
                TestEvents.valueBytes(e), e.getTimeReceived().toEpochMilli(), "o", -1);
        assertThat(r.isAccepted()).isFalse();
        assertThat(r.rejected.detail).isEqualTo("eventId contains a control character");
    }

    @Test
    void aPseudonymWithALineBreakIsDeadLetteredAndNeverLogged() {
        List<String> logged = new CopyOnWriteArrayList<>();
        AbstractAppender appender = new AbstractAppender("probe19b", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                logged.add(event.getMessage().getFormattedMessage());
            }
        };
        appender.start();
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        LoggerConfig mine = new LoggerConfig(DeviceEventDeserializer.class.getName(), org.apache.logging.log4j.Level.INFO, false);
        mine.addAppender(appender, null, null);
        ctx.getConfiguration().addLogger(mine.getName(), mine);
        ctx.updateLoggers();
        try {
            DeviceEventDeserializer d = new DeviceEventDeserializer(IngestSettings.defaults());
            byte[] key = AvroCodec.deviceEventKeys().encode(new DeviceEventKey(TestEvents.PROGRAMME, "p1\n" + FORGED, "watch"));
            IngestRecord last = null;
            for (int m = 0; m < 8; m++) {
                Instant truth = T0.plusSeconds(60L * m);
                DeviceEvent e = DeviceEvent.newBuilder(TestEvents.heartRate("hr-" + m, truth, 70))
                        .setTime(truth.plusMillis(6 * 60_000L)).build();
                last = d.toIngestRecord(key, TestEvents.valueBytes(e), e.getTimeReceived().toEpochMilli(), "o", -1);
            }
            assertThat(logged).as("the job's log").noneMatch(m -> m.contains("\n" + FORGED));
            assertThat(last.isAccepted()).as("a reading of pseudonym 'p1\\n...': refused, not a patient").isFalse();
            assertThat(last.rejected.reason).isEqualTo("invalid-field");
            assertThat(last.rejected.detail).isEqualTo("key.patientId contains a control character");
        } finally {
            ctx.getConfiguration().removeLogger(mine.getName());
            ctx.updateLoggers();
            appender.stop();
        }
    }
}
