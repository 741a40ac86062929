package org.wardstream.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.wardstream.contract.DeadLetterReason;
import org.wardstream.contract.EnrolmentValidator;
import org.wardstream.contract.Rejection;
import org.wardstream.ingest.DeviceReading;
import org.wardstream.ingest.EnrolmentUpdate;
import org.wardstream.ingest.EventValidator;
import org.wardstream.ingest.IngestGate;
import org.wardstream.ingest.IngestSettings;
import org.wardstream.ingest.PatientKeys;
import org.wardstream.ingest.PatientProfile;
import org.wardstream.rules.EpisodeType;
import org.wardstream.rules.ParameterSpec;
import org.wardstream.rules.RuleSchema;
import org.wardstream.rules.Rules;
import org.wardstream.schema.ActivitySample;
import org.wardstream.schema.BeatQuality;
import org.wardstream.schema.Connectivity;
import org.wardstream.schema.DeviceEvent;
import org.wardstream.schema.DeviceEventKey;
import org.wardstream.schema.DeviceStatus;
import org.wardstream.schema.Enrolment;
import org.wardstream.schema.EnrolmentStatus;
import org.wardstream.schema.HeartRateSample;
import org.wardstream.schema.PatientKey;
import org.wardstream.schema.RrIntervalBatch;
import org.wardstream.schema.Stratifiers;
import org.wardstream.schema.WearDetection;
import org.wardstream.schema.WearState;
import org.wardstream.schema.wire.AvroCodec;

/**
 * "A few crafted bytes halt all alerting" must never happen, for records that decode AND pass validation too (session
 * 22, helper fuzz22). {@code DecoderFuzzTest} covers bytes that fail to decode or validate; this test builds device
 * events and enrolments the validators ACCEPT, biased to the edges of what they accept (RR batches of the maximum
 * length and span, intervals at the plausible bounds and at 1 ms, device times at the future tolerance and 7 days
 * back, a broker timestamp unknown, UTC offsets at +/-18 h, heart rate and activity at their bounds, every wear and
 * status value, duplicate ids and timestamps, 40 patients with up to 6 devices each, enrolments in extreme zones with
 * every rule override at and beyond its bounds, pauses, discharges, tombstones), plus mutations of accepted events
 * that are validated again. They go, as the job wires it, through the Avro codec with the job's decode limits, the
 * {@link EventValidator} (on a fixed job clock), the {@link IngestGate}, and the detection operators
 * ({@link DetectionChain}), interleaved with a sentinel patient whose beats turn to AF.
 *
 * <p>Asserted: no exception leaves any operator (one would restart the job, and a record that throws every time would
 * be a restart loop, halting all alerting); the run completes (bounded work per record: no timed assertion, a loop of
 * minutes would show as a test that does not end); the sentinel's AF alert is raised, and its alerts are exactly those
 * of a run without the adversarial records. Fixed seed and corpus.
 */
class ExtremeValidRecordsTest {
    static final String PROGRAMME = "virtual-ward";
    static final String SENTINEL = "sentinel-af";
    static final long T0 = Instant.parse("2026-03-02T10:00:00Z").toEpochMilli();
    static final long MIN = 60_000L;
    /** Sentinel minutes: sinus before {@link #AF_FROM}, AF from it. */
    static final int MINUTES = 120;
    static final int AF_FROM = 15;
    static final int PER_MINUTE = 60;
    static final int PATIENTS = 40;
    static final long SEED = 22_2207L;

    static final IngestSettings SETTINGS = IngestSettings.defaults();
    static final long TOL = SETTINGS.futureTolerance().toMillis();
    static final long MAX_AGE = SETTINGS.maxDeviceAge().toMillis();
    static final long MAX_LAG = SETTINGS.maxReceiptLag().toMillis();
    static final String[] ZONES = {"Pacific/Kiritimati", "Etc/GMT+12", "Etc/GMT-14", "Pacific/Chatham",
            "Asia/Kathmandu", "America/St_Johns", "Antarctica/Troll", "Australia/Lord_Howe", "UTC", "Europe/London",
            "Pacific/Apia", "America/Scoresbysund", "Africa/Casablanca"};

    /** What a run saw, for the assertions and the report. */
    static final class Run {
        int generated;
        int accepted;
        int enrolmentsSent;
        final Map<DeadLetterReason, Integer> refused = new EnumMap<>(DeadLetterReason.class);
        List<String> sentinelAlerts;
        int maxRrLengthAccepted;
        long earliestTimeAccepted = Long.MAX_VALUE;
        int otherAlerts;
        int detectorDeadLetters;
        int forwarded;
    }

    @Test
    void extremeButValidRecordsNeitherThrowNorStarveTheSentinelsAfAlert() throws Exception {
        Run control = run(false);
        assertThat(control.sentinelAlerts).as("control: the sentinel's AF is alerted")
                .anyMatch(a -> a.startsWith("atrial-fibrillation OPENED"));

        Run fuzzed = run(true);
        System.out.printf("ExtremeValidRecordsTest: %d adversarial records generated, %d accepted by validation and run "
                        + "through the detection stage (longest RR batch %d, earliest device time %s), %d enrolment "
                        + "updates; refused %s; %d readings admitted by the gate, %d dead-lettered by the detector, %d alert "
                        + "changes of the adversarial patients%n", fuzzed.generated, fuzzed.accepted, fuzzed.maxRrLengthAccepted,
                Instant.ofEpochMilli(fuzzed.earliestTimeAccepted), fuzzed.enrolmentsSent, fuzzed.refused,
                fuzzed.forwarded, fuzzed.detectorDeadLetters, fuzzed.otherAlerts);
        assertThat(fuzzed.accepted).as("accepted adversarial records").isGreaterThan(1_000);
        assertThat(fuzzed.maxRrLengthAccepted).isEqualTo(EventValidator.MAX_RR_PER_BATCH);
        assertThat(fuzzed.otherAlerts).as("alert changes of the adversarial patients: bounded work per record (143,528 "
                + "before fuzz22 F1: one reading dated 2000 made a 'still ongoing' for every day since)")
                .isLessThan(fuzzed.accepted);
        assertThat(fuzzed.sentinelAlerts).as("the sentinel's alerts beside the adversarial records")
                .isEqualTo(control.sentinelAlerts);
    }

    /** One run: the sentinel alone, or interleaved with the adversarial records. */
    Run run(boolean adversarial) throws Exception {
        Run run = new Run();
        Random random = new Random(SEED);
        Random sentinelBeats = new Random(7);
        long[] now = {T0};
        EventValidator validator = new EventValidator(SETTINGS, () -> now[0]);
        AvroCodec<DeviceEventKey> keys = AvroCodec.deviceEventKeys().withLimits(SETTINGS.decodeLimits());
        AvroCodec<DeviceEvent> values = AvroCodec.deviceEvents().withLimits(SETTINGS.decodeLimits());
        Rules rules = Rules.loadClasspath();
        List<Map.Entry<String, ParameterSpec>> specs = new ArrayList<>();
        for (EpisodeType t : EpisodeType.values()) {
            RuleSchema.parameters(t).forEach((n, s) -> specs.add(Map.entry(t.code() + "." + n, s)));
        }
        List<DeviceEvent> acceptedEvents = new ArrayList<>();
        List<DeviceEventKey> acceptedKeys = new ArrayList<>();
        long[] newest = {Long.MIN_VALUE};

        try (DetectionChain chain = new DetectionChain(rules);
             KeyedTwoInputStreamOperatorTestHarness<String, DeviceReading, EnrolmentUpdate, DeviceReading> gate =
                     new KeyedTwoInputStreamOperatorTestHarness<>(new KeyedCoProcessOperator<>(new IngestGate(SETTINGS)),
                             PatientKeys::of, PatientKeys::of, Types.STRING)) {
            gate.open();
            gate.setProcessingTime(now[0]);
            chain.processingTime(now[0]);
            int[] forwarded = {0};
            Enrolments enrolments = new Enrolments(gate, chain);
            enrolments.send(SENTINEL, enrolment(SENTINEL, EnrolmentStatus.ACTIVE, "Europe/London", Map.of(), false),
                    T0 - MIN);
            if (adversarial) {
                for (int p = 0; p < PATIENTS; p++) {
                    if (p % 10 != 9) { // every tenth patient is never enrolled: its readings wait, then are refused
                        Enrolment e = extremeEnrolment(random, patient(p), specs);
                        if (enrolments.valid(e)) {
                            enrolments.send(patient(p), e, T0 - MIN);
                            run.enrolmentsSent++;
                        }
                    }
                }
            }
            if (adversarial) {
                // each patient's first reading lies at the oldest edge validation allows (device time 2000-01-01 with no
                // broker timestamp; 7 days back; a day-long activity interval), so the detector's clocks start there
                now[0] = T0;
                for (int p = 0; p < PATIENTS; p++) {
                    long time = p % 3 == 0 ? EventValidator.EARLIEST_PLAUSIBLE_TIME_MS : T0 - MAX_AGE + TOL;
                    Object payload = switch (p % 4) {
                        case 0 -> new ActivitySample(86_400, 0, 0);
                        case 1 -> rrBatch(random, time, time + 1);
                        case 2 -> new WearState(true, WearDetection.CHARGER);
                        default -> new HeartRateSample(300f, null);
                    };
                    long received = payload instanceof ActivitySample ? time + 86_400_000L : time + 1;
                    DeviceEvent first = event("first-" + p, time, received, p % 2 == 0 ? 1080 : -1080, payload);
                    run.generated++;
                    ingest(run, validator, keys, values, gate, new DeviceEventKey(PROGRAMME, patient(p), "d0"), first,
                            p % 3 == 0 ? -1 : T0, newest, true);
                    forward(gate, chain, forwarded);
                }
            }
            for (int m = 0; m < MINUTES; m++) {
                now[0] = T0 + (m + 1) * MIN + 2000;
                DeviceReading beats = RrMinutes.minute(sentinelBeats, SENTINEL, T0, m, now[0], m >= AF_FROM);
                beats.sourceId = "strap";
                DeviceEvent sentinelEvent = event(beats.eventId, beats.time, beats.timeReceived, 0,
                        new RrIntervalBatch(Instant.ofEpochMilli(beats.rrStart), box(beats.rrMs), clean(beats.rrMs.length)));
                ingest(run, validator, keys, values, gate, new DeviceEventKey(PROGRAMME, SENTINEL, "strap"),
                        sentinelEvent, now[0], newest, false);
                if (adversarial) {
                    for (int i = 0; i < PER_MINUTE; i++) {
                        if (random.nextInt(100) == 0) {
                            int p = random.nextInt(PATIENTS);
                            Enrolment e = random.nextInt(6) == 0 ? null : extremeEnrolment(random, patient(p), specs);
                            if (e == null || enrolments.valid(e)) {
                                enrolments.send(patient(p), e, now[0]);
                                run.enrolmentsSent++;
                            }
                        }
                        DeviceEventKey key;
                        DeviceEvent event;
                        if (!acceptedEvents.isEmpty() && random.nextInt(4) == 0) {
                            int j = random.nextInt(acceptedEvents.size());
                            key = mutateKey(random, acceptedKeys.get(j));
                            event = mutate(random, acceptedEvents.get(j), now[0]);
                        } else {
                            key = new DeviceEventKey(PROGRAMME, patient(random.nextInt(PATIENTS)), device(random));
                            event = extremeEvent(random, now[0]);
                        }
                        long broker = broker(random, event, now[0]);
                        run.generated++;
                        if (ingest(run, validator, keys, values, gate, key, event, broker, newest, true)) {
                            acceptedEvents.add(event);
                            acceptedKeys.add(key);
                        }
                        forward(gate, chain, forwarded);
                    }
                }
                forward(gate, chain, forwarded);
                gate.setProcessingTime(now[0]);
                forward(gate, chain, forwarded);
                chain.processingTime(now[0]);
                // the source's watermark: bounded out-of-orderness over accepted readings (ReadingWatermarks)
                long wm = newest[0] - SETTINGS.outOfOrderness().toMillis() - 1;
                gate.processBothWatermarks(new Watermark(wm));
                forward(gate, chain, forwarded);
                chain.watermark(wm);
            }
            run.otherAlerts = (int) chain.alerts().stream().filter(a -> !SENTINEL.equals(a.patientId)).count();
            run.detectorDeadLetters = chain.detectorDeadLetters().size();
            run.forwarded = forwarded[0];
            // the sentinel's alerts, without the wall-clock emission time
            run.sentinelAlerts = chain.alerts().stream().filter(a -> SENTINEL.equals(a.patientId))
                    .map(a -> a.episodeType + " " + a.kind + " " + a.severity + " start=" + a.episodeStartMs + " end="
                            + a.episodeEndMs + " at=" + a.atMs + " " + a.reason + " " + a.evidence)
                    .toList();
            return run;
        }
    }

    /** Encodes, decodes (the job's limits) and validates one event; an accepted one enters the gate. */
    static boolean ingest(Run run, EventValidator validator, AvroCodec<DeviceEventKey> keys, AvroCodec<DeviceEvent> values,
                          KeyedTwoInputStreamOperatorTestHarness<String, DeviceReading, EnrolmentUpdate, DeviceReading> gate,
                          DeviceEventKey key, DeviceEvent event, long broker, long[] newest, boolean count) throws Exception {
        DeviceReading r;
        try {
            byte[] k = keys.encode(key);
            byte[] v = values.encode(event);
            r = validator.validate(keys.decode(k), values.decode(v), broker);
            r.brokerTimestamp = broker;
        } catch (Rejection e) {
            run.refused.merge(e.reason(), 1, Integer::sum);
            return false;
        } catch (org.wardstream.schema.wire.DecodeException e) {
            run.refused.merge(DeadLetterReason.TOO_LARGE, 1, Integer::sum);
            return false;
        }
        if (count) {
            run.accepted++;
            if (r.kind == DeviceReading.Kind.RR_BATCH) {
                run.maxRrLengthAccepted = Math.max(run.maxRrLengthAccepted, r.rrMs.length);
            }
            run.earliestTimeAccepted = Math.min(run.earliestTimeAccepted, r.time);
        }
        newest[0] = Math.max(newest[0], r.time);
        gate.processElement1(new StreamRecord<>(r, r.time));
        return true;
    }

    /** The gate's new output into the detection chain. */
    static void forward(KeyedTwoInputStreamOperatorTestHarness<String, DeviceReading, EnrolmentUpdate, DeviceReading> gate,
                        DetectionChain chain, int[] forwarded) throws Exception {
        List<DeviceReading> out = gate.extractOutputValues();
        for (; forwarded[0] < out.size(); forwarded[0]++) {
            chain.send(out.get(forwarded[0]));
        }
    }

    /** Enrolment records: validated as the job does, then to the gate and the detection chain. */
    record Enrolments(KeyedTwoInputStreamOperatorTestHarness<String, DeviceReading, EnrolmentUpdate, DeviceReading> gate,
                      DetectionChain chain) {
        boolean valid(Enrolment e) {
            try {
                EnrolmentValidator.check(new PatientKey(e.getProgramme(), e.getPatientId()), e);
                return true;
            } catch (Rejection r) {
                return false;
            }
        }

        void send(String patient, Enrolment e, long recordTime) throws Exception {
            EnrolmentUpdate u = new EnrolmentUpdate(PROGRAMME, patient, e == null ? null : PatientProfile.of(e));
            gate.processElement2(new StreamRecord<>(u, recordTime));
            chain.enrol(u, recordTime);
        }
    }

    static String patient(int p) {
        return String.format("x%02d", p);
    }

    static String device(Random random) {
        return switch (random.nextInt(8)) {
            case 0 -> "d" + "x".repeat(2000);
            case 1 -> "\u0394\u0435\u0432\uD83D\uDC93";
            case 2 -> "many-" + random.nextInt(100_000); // a new device nearly every time
            default -> "d" + random.nextInt(5);
        };
    }

    static Enrolment enrolment(String patient, EnrolmentStatus status, String zone, Map<String, Double> overrides,
                               boolean pacemaker) {
        return Enrolment.newBuilder().setPatientId(patient).setProgramme(PROGRAMME).setStatus(status)
                .setEnrolledOn(LocalDate.of(2026, 3, 1)).setTimeZone(zone)
                .setStratifiers(Stratifiers.newBuilder().build()).setThresholdOverrides(overrides)
                .setPacemaker(pacemaker).setUpdatedAt(Instant.ofEpochMilli(T0)).build();
    }

    /** An enrolment in an extreme zone, any status, with overrides at, inside and beyond their bounds. */
    static Enrolment extremeEnrolment(Random random, String patient, List<Map.Entry<String, ParameterSpec>> specs) {
        EnrolmentStatus status = random.nextInt(3) > 0 ? EnrolmentStatus.ACTIVE
                : EnrolmentStatus.values()[random.nextInt(EnrolmentStatus.values().length)];
        Map<String, Double> overrides = new HashMap<>();
        int n = random.nextInt(4) == 0 ? specs.size() : random.nextInt(4);
        for (int i = 0; i < n; i++) {
            var s = specs.get(random.nextInt(specs.size()));
            ParameterSpec spec = s.getValue();
            double lo = spec.overrideUnit().fromCanonical(spec.min());
            double hi = spec.overrideUnit().fromCanonical(spec.max());
            double v = switch (random.nextInt(10)) {
                case 0 -> lo;
                case 1, 2 -> hi;
                case 3 -> Math.nextDown(lo);
                case 4 -> Math.nextUp(hi);
                case 5 -> pick(random, 0d, -0d, Double.MIN_VALUE, -Double.MAX_VALUE, Double.MAX_VALUE, 1e18, -1e18);
                case 6 -> lo + (hi - lo) * 0.5 + 0.4999;
                default -> lo + (hi - lo) * random.nextDouble();
            };
            overrides.put(random.nextInt(20) == 0 ? s.getKey().toUpperCase() : s.getKey(), v);
        }
        return enrolment(patient, status, ZONES[random.nextInt(ZONES.length)], overrides, random.nextBoolean());
    }

    @SafeVarargs
    static <T> T pick(Random random, T... values) {
        return values[random.nextInt(values.length)];
    }

    static long pickLong(Random random, long... values) {
        return values[random.nextInt(values.length)];
    }

    static DeviceEvent event(String id, long time, long received, int utcOffset, Object payload) {
        return DeviceEvent.newBuilder().setEventId(id).setTime(Instant.ofEpochMilli(time))
                .setTimeReceived(Instant.ofEpochMilli(received)).setUtcOffsetMinutes(utcOffset).setPayload(payload).build();
    }

    static List<Integer> box(int[] v) {
        List<Integer> l = new ArrayList<>(v.length);
        for (int x : v) {
            l.add(x);
        }
        return l;
    }

    static List<BeatQuality> clean(int n) {
        List<BeatQuality> q = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            q.add(BeatQuality.CLEAN);
        }
        return q;
    }

    /** A broker timestamp for an event: unknown, at the tolerances, or the job's clock. */
    static long broker(Random random, DeviceEvent e, long now) {
        long received = e.getTimeReceived().toEpochMilli();
        long time = e.getTime().toEpochMilli();
        return switch (random.nextInt(8)) {
            case 0 -> -1; // CreateTime absent (NO_TIMESTAMP): only the job's clock bounds the times
            case 1 -> Math.max(received, time) - TOL;
            case 2 -> now + TOL;
            case 3 -> Math.min(received + MAX_LAG, time + MAX_AGE);
            default -> now;
        };
    }

    /** A device event with every field drawn from the edges of what validation accepts. */
    static DeviceEvent extremeEvent(Random random, long now) {
        long time = switch (random.nextInt(9)) {
            case 0 -> now + TOL;
            case 1 -> now - MAX_AGE;
            case 2 -> now - MAX_LAG;
            case 3 -> EventValidator.EARLIEST_PLAUSIBLE_TIME_MS;
            case 4 -> now - random.nextInt(3_600_000);
            case 5 -> now - 86_400_000L - TOL;
            default -> now - random.nextInt(120_000);
        };
        long received = switch (random.nextInt(5)) {
            case 0 -> time - TOL;
            case 1 -> now + TOL;
            case 2 -> now;
            default -> Math.min(now, time + random.nextInt(10_000));
        };
        int offset = random.nextInt(3) == 0 ? pick(random, -EventValidator.MAX_UTC_OFFSET_MINUTES,
                EventValidator.MAX_UTC_OFFSET_MINUTES, -1, 1, 0) : random.nextInt(2161) - 1080;
        String id = random.nextInt(10) == 0 ? "dup" : random.nextInt(10) == 0 ? "e".repeat(5000) : "e" + random.nextLong();
        Object payload = switch (random.nextInt(6)) {
            case 0 -> new HeartRateSample(pick(random, 20f, 300f, Math.nextUp(20f), Math.nextDown(300f), 72f),
                    pick(random, null, 0f, 1f, Math.nextDown(0.5f), 0.5f, Float.MIN_VALUE));
            case 1, 2 -> rrBatch(random, time, received);
            case 3 -> activity(random, time, received);
            case 4 -> new WearState(random.nextBoolean(), WearDetection.values()[random.nextInt(WearDetection.values().length)]);
            default -> new DeviceStatus(pick(random, null, 0, 100, 1, 99),
                    Connectivity.values()[random.nextInt(Connectivity.values().length)],
                    pick(random, null, 0, Integer.MAX_VALUE, 1));
        };
        return event(id, time, received, offset, payload);
    }

    static RrIntervalBatch rrBatch(Random random, long time, long received) {
        long start = pickLong(random, time - TOL, time + TOL, time, time - 1, time + 1);
        int n = switch (random.nextInt(6)) {
            case 0 -> EventValidator.MAX_RR_PER_BATCH;
            case 1 -> 1;
            case 2 -> 2;
            default -> 1 + random.nextInt(400);
        };
        int shape = random.nextInt(9);
        List<Integer> rr = new ArrayList<>(n);
        List<BeatQuality> q = new ArrayList<>(n);
        long maxSpan = Math.min(EventValidator.MAX_RR_BATCH_SPAN_MS, received + TOL - start);
        for (int i = 0; i < n; i++) {
            int v;
            BeatQuality bq;
            switch (shape) {
                case 0 -> { v = EventValidator.MIN_RR_MS; bq = BeatQuality.CLEAN; }
                case 1 -> { v = i == 0 ? (int) Math.max(1, maxSpan - (n - 1)) : 1; bq = BeatQuality.GAP; }
                case 2 -> { v = 1; bq = pick(random, BeatQuality.values()); }
                case 3 -> { v = i % 2 == 0 ? EventValidator.MIN_RR_MS : EventValidator.MAX_RR_MS; bq = BeatQuality.CLEAN; }
                case 4 -> { // exactly half implausible clean intervals (the most allowed)
                    v = i % 2 == 0 ? 1 : EventValidator.MIN_RR_MS;
                    bq = BeatQuality.CLEAN;
                }
                case 5 -> { v = 150 + random.nextInt(1000); bq = pick(random, BeatQuality.values()); }
                case 6 -> { v = 800; bq = BeatQuality.CLEAN; } // identical beats
                case 7 -> { v = Math.max(1, (int) (maxSpan / n)); bq = BeatQuality.ARTEFACT; }
                default -> { v = 300 + random.nextInt(400); bq = BeatQuality.CLEAN; }
            }
            rr.add(v);
            q.add(bq);
        }
        return new RrIntervalBatch(Instant.ofEpochMilli(start), rr, q);
    }

    static ActivitySample activity(Random random, long time, long received) {
        int seconds = pick(random, 1, 60, 86_400, 3600, (int) Math.max(1, Math.min(86_400, (received + TOL - time) / 1000)));
        int maxSteps = (int) ((long) EventValidator.MAX_STEPS_PER_MINUTE * seconds / 60);
        Integer steps = pick(random, null, 0, maxSteps, 1);
        Integer counts = steps == null ? pick(random, 0, Integer.MAX_VALUE, 1) : pick(random, null, 0, Integer.MAX_VALUE);
        return new ActivitySample(seconds, steps, counts);
    }

    static DeviceEventKey mutateKey(Random random, DeviceEventKey k) {
        return switch (random.nextInt(4)) {
            case 0 -> new DeviceEventKey(k.getProgramme(), k.getPatientId(), "d" + random.nextInt(6));
            case 1 -> new DeviceEventKey(pick(random, "other-programme", "P"), k.getPatientId(), k.getSourceId());
            default -> k;
        };
    }

    /** An accepted event with one field moved: a replay, a new id, a shifted clock, another offset. */
    static DeviceEvent mutate(Random random, DeviceEvent e, long now) {
        DeviceEvent.Builder b = DeviceEvent.newBuilder(e);
        switch (random.nextInt(6)) {
            case 0 -> { } // the same event again (a duplicate, or a replay after the de-duplication horizon)
            case 1 -> b.setEventId("m" + random.nextLong()); // same timestamps, new id
            case 2 -> b.setTimeReceived(Instant.ofEpochMilli(now)).setEventId("m" + random.nextLong());
            case 3 -> b.setUtcOffsetMinutes(-e.getUtcOffsetMinutes()).setEventId("m" + random.nextLong());
            case 4 -> {
                long shift = pickLong(random, TOL, -TOL, 1, -1, -MAX_AGE / 2);
                b.setTime(Instant.ofEpochMilli(e.getTime().toEpochMilli() + shift)).setEventId("m" + random.nextLong());
                if (e.getPayload() instanceof RrIntervalBatch rr) {
                    b.setPayload(new RrIntervalBatch(Instant.ofEpochMilli(rr.getStart().toEpochMilli() + shift),
                            rr.getRrMs(), rr.getQuality()));
                }
            }
            default -> b.setEventId("m" + random.nextLong()).setPayload(extremeEvent(random, now).getPayload());
        }
        return b.build();
    }
}
