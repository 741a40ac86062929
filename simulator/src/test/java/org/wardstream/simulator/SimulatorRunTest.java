package org.wardstream.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.wardstream.contract.DeadLetterReason;
import org.wardstream.schema.ActivitySample;
import org.wardstream.schema.BeatQuality;
import org.wardstream.schema.Connectivity;
import org.wardstream.schema.DeviceEvent;
import org.wardstream.schema.DeviceStatus;
import org.wardstream.schema.Enrolment;
import org.wardstream.schema.HeartRateSample;
import org.wardstream.schema.PatientKey;
import org.wardstream.schema.RrIntervalBatch;
import org.wardstream.schema.WearState;
import org.wardstream.schema.wire.AvroCodec;

/**
 * One 200-patient, one-day run (seed 7, the acceptance configuration), checked record by record as it streams and
 * against its ground truth.
 */
class SimulatorRunTest {
    static final ZoneId LONDON = ZoneId.of("Europe/London");
    static final SimulatorConfig CONFIG = SimulatorConfig.defaults(200, 1, 7);

    static Simulator sim;
    static SimulationManifest manifest;
    static Collector seen;

    @BeforeAll
    static void run() {
        sim = new Simulator(CONFIG);
        seen = new Collector(sim);
        manifest = sim.run(seen);
    }

    /** Everything the checks need, kept small: validated on the fly, only episode windows are retained. */
    static final class Collector implements SimulationSink {
        final RecordChecks checks;
        final Map<String, List<GroundTruthEpisode>> truth;
        final List<Throwable> failures = new ArrayList<>();
        final Map<String, Long> byFault = new TreeMap<>();
        final Set<String> enrolmentsSeen = new HashSet<>();
        final Set<String> readingIds = new HashSet<>();
        final Map<String, SimulatedRecord> recent = new HashMap<>();
        final List<Long> hrDelays = new ArrayList<>();
        final ArrayDeque<Object[]> recentOrder = new ArrayDeque<>();
        final Map<String, List<RrIntervalBatch>> rrNearEpisodes = new HashMap<>();
        final Map<String, List<DeviceEvent>> activityInEpisodes = new HashMap<>();
        final Map<String, List<DeviceEvent>> deliveredInsideOffline = new HashMap<>();
        final Map<String, List<DeviceEvent>> recordedInsideOffline = new HashMap<>();
        final Map<String, TreeMap<Long, Float>> hr = new HashMap<>();
        final Map<String, TreeMap<Long, RrIntervalBatch>> rr = new HashMap<>();
        final List<Double> sinusCv = new ArrayList<>();
        final Map<String, Long> kinds = new TreeMap<>();
        final Set<String> faultVariants = new HashSet<>();
        long total;
        long last = Long.MIN_VALUE;
        long jsonChecked;
        float minHrOutside = Float.MAX_VALUE;
        float maxHrOutside = 0;
        final AvroCodec<DeviceEvent> codec = AvroCodec.deviceEvents();

        Collector(Simulator sim) {
            this.checks = new RecordChecks(sim.enrolments().stream().map(e -> e.key().getPatientId())
                    .collect(Collectors.toSet()));
            this.truth = sim.groundTruth().stream().collect(Collectors.groupingBy(GroundTruthEpisode::patientId));
        }

        @Override
        public void enrolment(PatientKey key, Enrolment value) {
            assertThat(total).as("enrolments come first").isZero();
            enrolmentsSeen.add(key.getPatientId());
        }

        @Override
        public void deviceEvent(SimulatedRecord r) {
            try {
                check(r);
            } catch (Throwable t) {
                if (failures.size() < 5) {
                    failures.add(new AssertionError("record " + total + " " + r.jsonLine(), t));
                }
            }
            total++;
        }

        private void check(SimulatedRecord r) throws Exception {
            if (r.timestampMs() < last) {
                throw new AssertionError("delivery order");
            }
            last = r.timestampMs();
            byFault.merge(String.valueOf(r.injectedFault()), 1L, Long::sum);
            while (!recentOrder.isEmpty() && (long) recentOrder.peekFirst()[0] < r.timestampMs() - 15 * 60_000L) {
                recent.remove((String) recentOrder.pollFirst()[1]);
            }
            if (r.isMalformed()) {
                checks.checkFault(r);
                faultVariants.add(r.injectedFault() + ":" + variant(r));
                return;
            }
            checks.checkValid(r);
            DeviceEvent v = r.decodedValue();
            if (r.isDuplicate()) {
                assertThat(recent).as("duplicate of an earlier record").containsKey(v.getEventId());
                SimulatedRecord original = recent.get(v.getEventId());
                assertThat(r.value()).isEqualTo(original.value());
                assertThat(r.key()).isEqualTo(original.key());
                assertThat(r.jsonLine()).isEqualTo(original.jsonLine());
                assertThat(r.timestampMs()).isGreaterThanOrEqualTo(original.timestampMs() + 5_000);
                return;
            }
            if (!readingIds.add(v.getEventId())) {
                throw new AssertionError("event ids are unique");
            }
            recent.put(v.getEventId(), r);
            if (v.getPayload() instanceof HeartRateSample) {
                hrDelays.add(v.getTimeReceived().toEpochMilli() - v.getTime().toEpochMilli());
            }
            recentOrder.add(new Object[] {r.timestampMs(), v.getEventId()});
            kinds.merge(v.getPayload().getClass().getSimpleName(), 1L, Long::sum);
            if (total % 7 == 0) {
                assertThat(checks.valueOfLine(r.jsonLine())).isEqualTo(v);
                assertThat(r.jsonLine()).isEqualTo("{\"key\":" + checks.keys.toJson(r.decodedKey()) + ",\"value\":"
                        + codec.toJson(v) + "}");
                assertThat(r.value()).isEqualTo(codec.encode(v));
                jsonChecked++;
            }
            retain(r.decodedKey().getPatientId(), v, r.timestampMs());
        }

        private void retain(String patient, DeviceEvent v, long delivered) {
            List<GroundTruthEpisode> eps = truth.getOrDefault(patient, List.of());
            long t = v.getTime().toEpochMilli();
            Object p = v.getPayload();
            boolean nearRhythm = false;
            for (GroundTruthEpisode e : eps) {
                long s = e.start().toEpochMilli();
                long en = e.end().toEpochMilli();
                switch (e.episodeType()) {
                    case EpisodeTypes.DEVICE_OFFLINE -> {
                        if (delivered >= s && delivered < en) {
                            deliveredInsideOffline.computeIfAbsent(patient, k -> new ArrayList<>()).add(v);
                        }
                        if (t >= s && t < en) {
                            recordedInsideOffline.computeIfAbsent(patient, k -> new ArrayList<>()).add(v);
                        }
                    }
                    case EpisodeTypes.INACTIVITY, EpisodeTypes.TACHYCARDIA -> {
                        if ((p instanceof ActivitySample || p instanceof WearState) && t + 300_000 > s && t < en) {
                            activityInEpisodes.computeIfAbsent(patient + e.start(), k -> new ArrayList<>()).add(v);
                        }
                    }
                    default -> {
                    }
                }
                if (isRhythm(e) && t > s - 5 * 60_000L && t < en + 5 * 60_000L) {
                    nearRhythm = true;
                }
            }
            if (p instanceof RrIntervalBatch b) {
                if (nearRhythm) {
                    rrNearEpisodes.computeIfAbsent(patient, k -> new ArrayList<>()).add(b);
                } else {
                    double cv = cleanCv(b);
                    if (!Double.isNaN(cv)) {
                        sinusCv.add(cv);
                    }
                }
                if (patient.compareTo("p000030") <= 0) {
                    rr.computeIfAbsent(patient, k -> new TreeMap<>()).put(t, b);
                }
            }
            if (p instanceof HeartRateSample h) {
                if (!nearRhythm) {
                    minHrOutside = Math.min(minHrOutside, h.getBpm());
                    maxHrOutside = Math.max(maxHrOutside, h.getBpm());
                }
                if (patient.compareTo("p000030") <= 0) {
                    hr.computeIfAbsent(patient, k -> new TreeMap<>()).put(t, h.getBpm());
                }
            }
        }
    }

    static String variant(SimulatedRecord r) {
        if (r.value() == null) {
            return "null-value";
        }
        if (r.decodedKey() == null) {
            return "bad-key";
        }
        DeviceEvent v = r.decodedValue();
        if (v == null) {
            return r.value().length > 1 && r.value()[0] == (byte) 0xC3 && r.value()[1] == 1 ? "header" : "garbage";
        }
        return v.getEventId().isBlank() ? "blank-id" : v.getPayload().getClass().getSimpleName();
    }

    static boolean isRhythm(GroundTruthEpisode e) {
        return switch (e.episodeType()) {
            case EpisodeTypes.ATRIAL_FIBRILLATION, EpisodeTypes.TACHYCARDIA, EpisodeTypes.BRADYCARDIA,
                    EpisodeTypes.PAUSE -> true;
            default -> false;
        };
    }

    /** Coefficient of variation of the CLEAN intervals of a batch (NaN with fewer than 20). */
    static double cleanCv(RrIntervalBatch b) {
        double[] x = clean(b);
        if (x.length < 20) {
            return Double.NaN;
        }
        double mean = Arrays.stream(x).average().orElseThrow();
        double var = Arrays.stream(x).map(d -> (d - mean) * (d - mean)).sum() / (x.length - 1);
        return Math.sqrt(var) / mean;
    }

    static double[] clean(RrIntervalBatch b) {
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < b.getRrMs().size(); i++) {
            if (b.getQuality().get(i) == BeatQuality.CLEAN) {
                out.add((double) b.getRrMs().get(i));
            }
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** (opening beat time, interval, flag) of every interval opening in [from, to). */
    static List<long[]> beats(List<RrIntervalBatch> batches, long from, long to) {
        List<long[]> out = new ArrayList<>();
        for (RrIntervalBatch b : batches) {
            long t = b.getStart().toEpochMilli();
            for (int i = 0; i < b.getRrMs().size(); i++) {
                if (t >= from && t < to) {
                    out.add(new long[] {t, b.getRrMs().get(i), b.getQuality().get(i).ordinal()});
                }
                t += b.getRrMs().get(i);
            }
        }
        out.sort((a, c) -> Long.compare(a[0], c[0]));
        return out;
    }

    // ------------------------------------------------------------------------------------------ tests

    @Test
    void everyRecordPassesItsChecks() {
        assertThat(seen.failures).isEmpty();
        assertThat(seen.jsonChecked).isGreaterThan(50_000);
    }

    @Test
    void manifestReconcilesWithWhatTheSinkSaw() {
        assertThat(seen.total).isEqualTo(manifest.deviceEvents());
        assertThat(seen.enrolmentsSeen).hasSize(200);
        assertThat(manifest.enrolments()).isEqualTo(200);
        assertThat(seen.byFault.getOrDefault("duplicate", 0L)).isEqualTo(manifest.duplicates());
        for (DeadLetterReason r : FaultInjector.injectedReasons()) {
            assertThat(seen.byFault.getOrDefault(r.code(), 0L)).as(r.code())
                    .isEqualTo(manifest.malformedByReason().get(r.code()))
                    .isPositive();
        }
        assertThat(seen.byFault.get("null")).isEqualTo(manifest.readings());
        // rates as configured
        assertThat((double) manifest.malformed() / manifest.deviceEvents()).isCloseTo(0.001, org.assertj.core.data.Offset.offset(0.0001));
        assertThat((double) manifest.duplicates() / manifest.deviceEvents()).isBetween(0.0015, 0.0025);
        assertThat(manifest.episodesByType()).isEqualTo(sim.episodesByType());
        assertThat(manifest.episodesByType().values().stream().mapToLong(Long::longValue).sum())
                .isEqualTo(sim.groundTruth().size());
    }

    @Test
    void everyFaultVariantAppears() {
        assertThat(seen.faultVariants).contains(
                "not-decodable:null-value", "not-decodable:bad-key", "not-decodable:header", "not-decodable:garbage",
                "unknown-schema:header", "invalid-field:blank-id", "invalid-field:RrIntervalBatch",
                "invalid-field:ActivitySample", "implausible-value:HeartRateSample",
                "implausible-value:RrIntervalBatch");
    }

    @Test
    void streamsHaveTheExpectedShape() {
        // one HR and one RR batch a minute while worn, activity every 5 minutes, hourly status, wear changes
        long hrCount = seen.kinds.get("HeartRateSample");
        long rrCount = seen.kinds.get("RrIntervalBatch");
        assertThat(rrCount).isBetween(200L * 1440 / 2, 200L * 1440);
        assertThat(hrCount).isBetween(rrCount * 98 / 100, rrCount);
        assertThat(seen.kinds.get("ActivitySample")).isBetween(rrCount / 5 - 2000, rrCount / 5 + 2000);
        assertThat(seen.kinds.get("DeviceStatus")).isGreaterThanOrEqualTo(200L * 24);
        assertThat(seen.kinds.get("WearState")).isGreaterThan(400);
        // sinus rhythm is regular: typical per-minute CV of clean RR 1-8 %, AF (below) is 15-30 %
        double[] cv = seen.sinusCv.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        assertThat(cv[cv.length / 2]).isBetween(0.01, 0.06);
        assertThat(cv[cv.length * 95 / 100]).isLessThan(0.12);
        // no accidental tachycardia or bradycardia outside injected episodes
        assertThat(seen.minHrOutside).isGreaterThanOrEqualTo(45f);
        assertThat(seen.maxHrOutside).isLessThanOrEqualTo(130f);
    }

    @Test
    void heartRateMatchesTheRrOfTheSameMinute() {
        int compared = 0;
        for (var e : seen.hr.entrySet()) {
            TreeMap<Long, RrIntervalBatch> batches = seen.rr.get(e.getKey());
            for (var h : e.getValue().entrySet()) {
                var b = batches.ceilingEntry(h.getKey());
                assertThat(b).isNotNull();
                assertThat(b.getKey()).isLessThan(h.getKey() + 60_000);
                double[] c = clean(b.getValue());
                if (c.length > 0) {
                    double bpm = 60_000 / Arrays.stream(c).average().orElseThrow();
                    assertThat((double) h.getValue()).isCloseTo(bpm, org.assertj.core.data.Offset.offset(0.1));
                    compared++;
                }
            }
        }
        assertThat(compared).isGreaterThan(10_000);
    }

    @Test
    void groundTruthCountsAreRealistic() {
        Map<String, Long> n = sim.episodesByType();
        for (String type : EpisodeTypes.ALL) {
            assertThat(n.get(type)).as(type).isBetween(4L, 60L);
        }
        long patientsWithRhythm = sim.groundTruth().stream().filter(SimulatorRunTest::isRhythm)
                .map(GroundTruthEpisode::patientId).distinct().count();
        assertThat(patientsWithRhythm).isBetween(15L, 80L);
    }

    @Test
    void rhythmEpisodesAreApartAndMatchTheBeats() {
        Map<String, List<GroundTruthEpisode>> rhythm = sim.groundTruth().stream().filter(SimulatorRunTest::isRhythm)
                .collect(Collectors.groupingBy(GroundTruthEpisode::patientId));
        int checked = 0;
        for (var entry : rhythm.entrySet()) {
            List<GroundTruthEpisode> eps = entry.getValue();
            for (int i = 1; i < eps.size(); i++) {
                assertThat(Duration.between(eps.get(i - 1).end(), eps.get(i).start())).isGreaterThanOrEqualTo(
                        Duration.ofMinutes(30));
            }
            List<RrIntervalBatch> batches = seen.rrNearEpisodes.get(entry.getKey());
            for (GroundTruthEpisode e : eps) {
                long s = e.start().toEpochMilli();
                long en = e.end().toEpochMilli();
                List<long[]> in = beats(batches, s, en);
                assertThat(in).as(e.toString()).isNotEmpty();
                assertThat(in.get(0)[0]).as("first beat at the start of " + e).isEqualTo(s);
                long[] lastBeat = in.get(in.size() - 1);
                assertThat(lastBeat[0] + lastBeat[1]).as("last beat at the end of " + e).isEqualTo(en);
                double[] clean = in.stream().filter(b -> b[2] == 0).mapToDouble(b -> b[1]).toArray();
                double mean = Arrays.stream(clean).average().orElseThrow();
                double sd = Math.sqrt(Arrays.stream(clean).map(x -> (x - mean) * (x - mean)).sum() / Math.max(1, clean.length - 1));
                switch (e.episodeType()) {
                    case EpisodeTypes.PAUSE -> {
                        assertThat(in).hasSize(1);
                        assertThat(in.get(0)[1]).isBetween(3001L, 5000L);
                        assertThat(in.get(0)[2]).isEqualTo(BeatQuality.CLEAN.ordinal());
                    }
                    case EpisodeTypes.ATRIAL_FIBRILLATION -> {
                        assertThat(sd / mean).as("AF irregularity " + e).isGreaterThan(0.13);
                        assertThat(60_000 / mean).isBetween(65.0, 155.0);
                        assertThat(Arrays.stream(clean).max().orElseThrow()).isLessThan(2000);
                    }
                    case EpisodeTypes.TACHYCARDIA -> {
                        assertThat(60_000 / mean).isGreaterThan(135);
                        assertThat(sd / mean).isLessThan(0.05);
                        assertThat(Duration.between(e.start(), e.end())).isGreaterThanOrEqualTo(Duration.ofMinutes(12));
                        for (DeviceEvent a : seen.activityInEpisodes.getOrDefault(e.patientId() + e.start(), List.of())) {
                            if (a.getPayload() instanceof ActivitySample as) {
                                assertThat(as.getSteps()).as("at rest").isLessThanOrEqualTo(20);
                            }
                        }
                    }
                    default -> {
                        double rate = 60_000 / mean;
                        Duration d = Duration.between(e.start(), e.end());
                        boolean profound = rate < 40 && d.compareTo(Duration.ofMinutes(2)) >= 0;
                        boolean sustained = rate < 48 && d.compareTo(Duration.ofMinutes(12)) >= 0
                                && awake(e.start()) && awake(e.end());
                        assertThat(profound || sustained).as("bradycardia " + e + " at " + rate).isTrue();
                        assertThat(Arrays.stream(clean).min().orElseThrow()).isGreaterThan(60_000 / 48.0);
                    }
                }
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(30);
    }

    static boolean awake(Instant t) {
        LocalTime lt = LocalTime.ofInstant(t, LONDON);
        return !lt.isBefore(LocalTime.of(8, 0)) && lt.isBefore(LocalTime.of(22, 0));
    }

    @Test
    void inactivityWindowsAreWornAndStillDuringTheDay() {
        List<GroundTruthEpisode> eps = sim.groundTruth().stream()
                .filter(e -> e.episodeType().equals(EpisodeTypes.INACTIVITY)).toList();
        assertThat(eps).isNotEmpty();
        for (GroundTruthEpisode e : eps) {
            Duration d = Duration.between(e.start(), e.end());
            assertThat(d).isGreaterThanOrEqualTo(Duration.ofHours(4));
            assertThat(awake(e.start()) && awake(e.end().minusMillis(1))).isTrue();
            List<DeviceEvent> events = seen.activityInEpisodes.get(e.patientId() + e.start());
            long samples = 0;
            for (DeviceEvent v : events) {
                long t = v.getTime().toEpochMilli();
                if (v.getPayload() instanceof WearState) {
                    assertThat(t <= e.start().toEpochMilli() || t >= e.end().toEpochMilli())
                            .as("no wear change inside " + e).isTrue();
                } else if (t >= e.start().toEpochMilli() && t < e.end().toEpochMilli()) {
                    ActivitySample a = (ActivitySample) v.getPayload();
                    assertThat(a.getSteps()).isZero();
                    assertThat(a.getActivityCount()).isLessThanOrEqualTo(5);
                    samples++;
                } else {
                    // the samples just outside are not still: the episode boundaries are exact
                    ActivitySample a = (ActivitySample) v.getPayload();
                    assertThat(a.getSteps() > 0 || a.getActivityCount() > 5).as("boundary of " + e).isTrue();
                }
            }
            assertThat(samples).as("one sample per 5 minutes, all worn").isEqualTo(d.toMinutes() / 5);
        }
    }

    @Test
    void offlineGapsDeliverNothingAndTheBacklogArrivesAfterwards() {
        List<GroundTruthEpisode> eps = sim.groundTruth().stream()
                .filter(e -> e.episodeType().equals(EpisodeTypes.DEVICE_OFFLINE)).toList();
        assertThat(eps).hasSizeGreaterThan(10);
        int withBacklog = 0;
        for (GroundTruthEpisode e : eps) {
            assertThat(Duration.between(e.start(), e.end())).isGreaterThanOrEqualTo(Duration.ofHours(2));
            assertThat(seen.deliveredInsideOffline.getOrDefault(e.patientId(), List.of()))
                    .filteredOn(v -> true).isEmpty();
            List<DeviceEvent> recorded = seen.recordedInsideOffline.getOrDefault(e.patientId(), List.of()).stream()
                    .filter(v -> !v.getTime().isBefore(e.start()) && v.getTime().isBefore(e.end())).toList();
            assertThat(recorded).as("the device kept recording (status at least)").isNotEmpty();
            for (DeviceEvent v : recorded) {
                assertThat(v.getTimeReceived()).isAfterOrEqualTo(e.end());
                if (v.getPayload() instanceof DeviceStatus s) {
                    assertThat(s.getConnectivity()).isEqualTo(Connectivity.OFFLINE);
                }
            }
            if (recorded.stream().anyMatch(v -> v.getPayload() instanceof RrIntervalBatch)) {
                withBacklog++;
            }
        }
        assertThat(withBacklog).isGreaterThan(eps.size() / 2);
        // some rhythm episodes happen while the connection is down (the late-data case)
        long inside = sim.groundTruth().stream().filter(SimulatorRunTest::isRhythm).filter(r -> eps.stream()
                .anyMatch(o -> o.patientId().equals(r.patientId()) && !r.start().isBefore(o.start())
                        && !r.end().isAfter(o.end()))).count();
        assertThat(inside).isPositive();
    }

    @Test
    void uploadDelaysAreShortExceptForDelayedAndBufferedRecords() {
        // a heart-rate sample covers one minute and is uploaded after it with a latency of seconds
        long[] d = seen.hrDelays.stream().mapToLong(Long::longValue).sorted().toArray();
        assertThat(d[d.length / 2]).isBetween(60_000L, 65_000L);
        assertThat(d[0]).isGreaterThanOrEqualTo(60_000L);
        // outOfOrderRate (1 %) get an extra 10 s to 4 min; offline backlogs add longer delays
        long delayed = Arrays.stream(d).filter(x -> x > 76_000 && x <= 305_000).count();
        assertThat((double) delayed / d.length).isBetween(0.005, 0.02);
        long backlog = Arrays.stream(d).filter(x -> x > 2 * 3_600_000L).count();
        assertThat(backlog).isPositive();
    }
}
