package org.wardstream.detect;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.wardstream.ingest.DeviceReading;
import org.wardstream.rules.Rules;

/**
 * Test helper: a strap's minute of RR intervals as the detection operators receive it, and one ACTIVE patient's
 * {@link DetectionChain} whose watermark follows the newest device time sent less 5 min, as the job's.
 */
final class RrMinutes implements AutoCloseable {
    final DetectionChain chain;
    final String patient;
    final long t0;
    final Random random;
    private long newest = Long.MIN_VALUE;

    /**
     * Patient {@code patient} enrolled ACTIVE (record time a minute before {@code t0}) in a new chain; a test holds it
     * in an {@code @AutoClose} field.
     */
    RrMinutes(String patient, long t0, long seed) {
        this.patient = patient;
        this.t0 = t0;
        this.random = new Random(seed);
        try {
            chain = new DetectionChain(Rules.loadClasspath());
            chain.enrol(patient, "ACTIVE", t0 - MIN);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sends minute {@code m} of sinus or AF received at {@code receivedMs}; the watermark follows. */
    void send(long m, long receivedMs, boolean af) throws Exception {
        DeviceReading b = minute(random, patient, t0, m, receivedMs, af);
        chain.send(b);
        newest = Math.max(newest, b.time);
        chain.watermark(newest - 5 * MIN);
    }

    @Override
    public void close() throws Exception {
        chain.close();
    }
    static final long MIN = 60_000L;

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
