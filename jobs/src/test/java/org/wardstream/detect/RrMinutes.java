package org.wardstream.detect;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.wardstream.ingest.DeviceReading;

/** Test helper: a strap's minute of RR intervals as the detection operators receive it. */
final class RrMinutes {
    static final long MIN = 60_000L;

    private RrMinutes() {
    }

    /**
     * Minute {@code m} after {@code t0} of patient {@code patient}'s beats, received at {@code receivedMs}: sinus
     * (~72/min) or AF (irregular, ~120/min); event id "rr-m".
     */
    static DeviceReading minute(Random random, String patient, long t0, long m, long receivedMs, boolean af) {
        long start = t0 + m * MIN;
        List<Integer> rr = new ArrayList<>();
        long t = 0;
        while (t < MIN) {
            int v = af ? 330 + random.nextInt(340) : 820 + random.nextInt(40);
            rr.add(v);
            t += v;
        }
        DeviceReading b = new DeviceReading();
        b.patientId = patient;
        b.programme = "virtual-ward";
        b.sourceId = "strap";
        b.eventId = "rr-" + m;
        b.kind = DeviceReading.Kind.RR_BATCH;
        b.time = start;
        b.rrStart = start;
        b.rrMs = rr.stream().mapToInt(Integer::intValue).toArray();
        b.rrQuality = new byte[b.rrMs.length];
        b.timeReceived = receivedMs;
        return b;
    }
}
