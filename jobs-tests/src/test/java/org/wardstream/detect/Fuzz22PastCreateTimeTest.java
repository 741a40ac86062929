package org.wardstream.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.wardstream.ingest.DeviceReading;
import org.wardstream.ingest.EnrolmentUpdate;
import org.wardstream.ingest.EventValidator;
import org.wardstream.ingest.IngestSettings;
import org.wardstream.rules.Rules;
import org.wardstream.schema.DeviceEvent;
import org.wardstream.schema.DeviceEventKey;
import org.wardstream.schema.HeartRateSample;

/**
 * Helper fuzz22, finding F1 (found by {@link ExtremeValidRecordsTest}): one heart-rate reading that validation accepts,
 * dated 2001-01-01 by its device, sent with a Kafka CreateTime of 2001-01-01 (any producer may set it; the clock windows
 * run from the record timestamp, and the job's own clock bounds only the future), as an enrolled patient's first
 * reading. The detector opens device-offline in 2001; when the live data comes, the alert lifecycle caught up on every
 * daily "still ongoing" re-notification of the 25 years between, one alert change each, at once (9,191); now one.
 */
class Fuzz22PastCreateTimeTest {
    static final long NOW = Instant.parse("2026-03-02T10:00:00Z").toEpochMilli();
    static final long Y2001 = Instant.parse("2001-01-01T00:00:00Z").toEpochMilli();
    static final long MIN = 60_000L;

    @Test
    void oneReadingDatedYearsBackByItsCreateTimeRaisesABoundedNumberOfAlertChanges() throws Exception {
        EventValidator validator = new EventValidator(IngestSettings.defaults(), () -> NOW);
        DeviceEvent old = DeviceEvent.newBuilder().setEventId("e1").setTime(Instant.ofEpochMilli(Y2001))
                .setTimeReceived(Instant.ofEpochMilli(Y2001 + 1000)).setUtcOffsetMinutes(0)
                .setPayload(new HeartRateSample(72f, null)).build();
        DeviceReading first = validator.validate(new DeviceEventKey("virtual-ward", "p22f1", "watch"), old, Y2001 + 1000);

        try (DetectionChain chain = new DetectionChain(Rules.loadClasspath())) {
            chain.enrol(new EnrolmentUpdate("p22f1", DetectionTest.profile(Map.of())), NOW - MIN);
            chain.send(first);
            for (long t = NOW; t < NOW + 10 * MIN; t += MIN) {
                DeviceReading hr = DetectionTest.base(DeviceReading.Kind.HEART_RATE, t);
                hr.patientId = "p22f1";
                hr.bpm = 72f;
                chain.send(hr);
                chain.watermark(t - 5 * MIN);
            }
            long stillOngoing = chain.alerts().stream().filter(a -> "still ongoing".equals(a.reason)).count();
            assertThat(stillOngoing).as("'still ongoing' re-notifications sent at once for one reading").isLessThanOrEqualTo(1);
            assertThat(chain.alerts()).as("alert changes for one reading dated 2001").hasSizeLessThanOrEqualTo(4);
        }
    }
}
