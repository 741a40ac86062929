package org.wardstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.wardstream.schema.ActivitySample;
import org.wardstream.schema.BeatQuality;
import org.wardstream.schema.DeviceEvent;
import org.wardstream.schema.DeviceEventKey;
import org.wardstream.schema.HeartRateSample;
import org.wardstream.schema.RrIntervalBatch;
import org.wardstream.schema.WearDetection;
import org.wardstream.schema.WearState;
import org.wardstream.schema.wire.AvroCodec;

/**
 * The deserializer skips the clock-offset estimate while its reader remembers no device (no key built, no RR batch
 * summed again for its lead): the same decisions as going through the estimate for every reading. A stream over a
 * fixed seed (normal devices, clocks minutes and days ahead then set right, backlogs, single crafted readings dated
 * ahead, receipts the broker contradicts, every payload kind) goes through both, record by record; every outcome (the
 * reading's corrected times, or the refusal's reason and detail) and the estimate after it must be the same.
 */
class ClockOffsetFastPathTest {
    static final long S = 1000L, MIN = 60 * S, HOUR = 60 * MIN, DAY = 24 * HOUR;
    static final AvroCodec<DeviceEventKey> KEYS = AvroCodec.deviceEventKeys();
    static final AvroCodec<DeviceEvent> VALUES = AvroCodec.deviceEvents();

    record Outcome(boolean accepted, long time, long timeReceived, long rrStart, String reason, String detail) {
        static Outcome of(IngestRecord r) {
            return r.isAccepted()
                    ? new Outcome(true, r.reading.time, r.reading.timeReceived, r.reading.rrStart, null, null)
                    : new Outcome(false, 0, 0, 0, r.rejected.reason, r.rejected.detail);
        }
    }

    @Test
    void sameDecisionsWithAndWithoutTheFastPath() {
        DeviceEventDeserializer fast = new DeviceEventDeserializer(IngestSettings.defaults(), true);
        DeviceEventDeserializer full = new DeviceEventDeserializer(IngestSettings.defaults(), false);
        SplittableRandom random = new SplittableRandom(18);
        int devices = 12;
        long[] ahead = new long[devices]; // each device's clock error now
        long start = TestEvents.T0.toEpochMilli();
        int fastPathTaken = 0, withOffset = 0, accepted = 0, futureTime = 0;
        for (int i = 0; i < 30_000; i++) {
            long truth = start + i * 2 * S; // one reading every 2 s across the devices
            int d = random.nextInt(devices);
            double change = random.nextDouble();
            if (change < 0.0002) {
                ahead[d] = 6 * MIN + random.nextLong(MIN);   // the clock set minutes ahead
            } else if (change < 0.0003) {
                ahead[d] = 3 * DAY;                          // or days ahead
            } else if (change < 0.004) {
                ahead[d] = 0;                                // set right
            }
            long received = truth + 2 * S + random.nextLong(3 * S);
            long measured = truth;
            if (random.nextDouble() < 0.03) {
                measured = truth - HOUR - random.nextLong(5 * HOUR); // a backlog, uploaded hours later
            }
            long deviceTime = measured + ahead[d];
            if (random.nextDouble() < 0.0005) {
                deviceTime = measured + 2 * DAY; // a single crafted reading dated ahead
            }
            long broker = received + random.nextLong(S);
            if (random.nextDouble() < 0.01) {
                broker = received - 20 * MIN; // a receipt ahead of the broker: not trusted
            }
            DeviceEventKey key = new DeviceEventKey(TestEvents.PROGRAMME, "p" + d / 2, (d % 2 == 0 ? "watch-" : "strap-") + d);
            DeviceEvent event = event("e" + i, random, deviceTime, received);
            byte[] k = KEYS.encode(key), v = VALUES.encode(event);
            boolean nothingRemembered = fast.clockOffsets() == null || fast.clockOffsets().isEmpty();
            IngestRecord a = fast.toIngestRecord(k, v, broker, "device-events-0@" + i, -1);
            IngestRecord b = full.toIngestRecord(k, v, broker, "device-events-0@" + i, -1);
            assertThat(Outcome.of(a)).as("record %d", i).isEqualTo(Outcome.of(b));
            assertThat(fast.clockOffsets().size()).as("devices remembered after record %d", i)
                    .isEqualTo(full.clockOffsets().size());
            assertThat(fast.clockOffsets().devicesWithOffset()).isEqualTo(full.clockOffsets().devicesWithOffset());
            String device = DeviceClockOffsets.device(key.getProgramme(), key.getPatientId(), key.getSourceId());
            assertThat(fast.clockOffsets().pending(device)).isEqualTo(full.clockOffsets().pending(device));
            fastPathTaken += nothingRemembered ? 1 : 0;
            withOffset += full.clockOffsets().devicesWithOffset() > 0 ? 1 : 0;
            accepted += a.isAccepted() ? 1 : 0;
            futureTime += !a.isAccepted() && "future-time".equals(a.rejected.reason) ? 1 : 0;
        }
        // the stream exercised both paths: readings with nothing remembered, and devices corrected by an offset
        assertThat(fastPathTaken).isGreaterThan(1_000);
        assertThat(withOffset).isGreaterThan(3_000);
        assertThat(accepted).isGreaterThan(20_000);
        assertThat(futureTime).isGreaterThan(50);
    }

    /** A heart rate, an RR batch of about a minute, an activity interval or a wear report, at {@code deviceTime}. */
    static DeviceEvent event(String id, SplittableRandom random, long deviceTime, long received) {
        Instant time = Instant.ofEpochMilli(deviceTime);
        DeviceEvent.Builder b = DeviceEvent.newBuilder().setEventId(id).setTime(time)
                .setTimeReceived(Instant.ofEpochMilli(received)).setUtcOffsetMinutes(0);
        int kind = random.nextInt(4);
        if (kind == 0) {
            return b.setPayload(new HeartRateSample(60f + random.nextInt(60), 0.9f)).build();
        }
        if (kind == 1) {
            // an RR batch whose beats end up to a minute after its time (its lead is its last beat)
            int n = 20 + random.nextInt(60);
            List<Integer> rr = new ArrayList<>(n);
            for (int j = 0; j < n; j++) {
                rr.add(500 + random.nextInt(700));
            }
            return b.setPayload(new RrIntervalBatch(time, rr, TestEvents.clean(n))).build();
        }
        if (kind == 2) {
            return b.setPayload(new ActivitySample(30 + random.nextInt(600), random.nextInt(200), null)).build();
        }
        return b.setPayload(new WearState(random.nextBoolean(), WearDetection.OPTICAL)).build();
    }
}
