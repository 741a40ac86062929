package org.wardstream.bench;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;

import org.wardstream.detector.DetectorState;
import org.wardstream.detector.PatientDetector;
import org.wardstream.detector.PatternCue;
import org.wardstream.detector.Reading;
import org.wardstream.episodes.AlertChange;
import org.wardstream.episodes.DetectorPath;
import org.wardstream.episodes.EpisodeState;
import org.wardstream.episodes.Transition;
import org.wardstream.rules.EffectiveRules;
import org.wardstream.rules.EpisodeType;
import org.wardstream.schema.BeatQuality;
import org.wardstream.schema.DeviceEvent;
import org.wardstream.schema.DeviceEventKey;
import org.wardstream.schema.Enrolment;
import org.wardstream.schema.EnrolmentStatus;
import org.wardstream.schema.HeartRateSample;
import org.wardstream.schema.PatientKey;
import org.wardstream.schema.RrIntervalBatch;
import org.wardstream.schema.Stratifiers;
import org.wardstream.schema.wire.AvroCodec;

/**
 * An event set dense in alerts, for event-to-alert latency (docs/BENCHMARKS.md, "Latency at fixed offered loads").
 * The simulated mix raises about 3 alerts per 100,000 records; this set raises one every few hundred, from readings.
 *
 * <p>Every patient wears a streaming patch (a chest strap or ECG patch that uploads every few seconds) and has
 * paroxysmal atrial fibrillation: sinus rhythm (rate 57-86/min with respiratory sinus arrhythmia) and runs of AF
 * (irregularly irregular, log-normal RR with CV 0.18-0.30 at a ventricular rate of 80-105/min, below the 110/min
 * escalation) alternate in blocks of 100-140 (sinus) and 130-170 beats (AF), starting at a random phase so that
 * onsets are spread evenly in time. The device uploads one RR batch of about {@link #BATCH_MS} of beats (contiguous: each batch starts at the beat
 * ending the previous one) and the heart-rate sample of the same seconds, 0.3-1.5 s after the batch's last beat.
 * So every AF run is one AF episode, opened by the RR batch whose beats complete the onset (the rules' lifecycle,
 * with the bench's cool-down of zero: {@link BenchRules}); its close is record-only.
 *
 * <p>Times are offsets from the moment sending starts ({@link #readyOffset}: when a record is sent; device times
 * before it): the re-send maps offset 0 to the wall clock, so device time is never ahead of receipt and a reading
 * reaches the platform 5-9 s after its device time (the batch's first beat), well inside the 5 min after which
 * {@code ArrivalOrder} treats it as a delayed backlog and holds it. Plain Java: the alerts the set raises are counted with the job's own
 * per-patient path ({@link PatientDetector}, {@link DetectorPath#lifecycle}) in {@link #count}.
 */
public final class AlertDenseSet {
    public static final String PROGRAMME = "virtual-ward";
    public static final String SOURCE = "ecg-patch";
    /** Device time covered by one RR batch, about (a batch ends with the first beat at or past it). */
    public static final long BATCH_MS = 5_000;
    /** Records per batch: the RR batch and its heart-rate sample. */
    public static final int RECORDS_PER_BATCH = 2;
    static final ZoneId ZONE = ZoneId.of("Europe/London");

    public final int patients;
    public final long seed;
    /** Send offset of the last record, ms. */
    public final long durationMs;
    final String[] pseudonyms;
    /** Per record, in send order. */
    final int[] patient;
    final long[] timeOffset;
    final long[] readyOffset;
    /** RR intervals of an RR batch; null for a heart-rate sample. */
    final int[][] rr;
    final float[] bpm;
    private final int size;

    /**
     * @param patients   how many patients (the offered rate is about patients x {@link #RECORDS_PER_BATCH} per
     *                   {@link #BATCH_MS})
     * @param durationMs records whose send offset is at most this
     */
    public AlertDenseSet(int patients, long durationMs, long seed) {
        if (patients < 1 || durationMs < 1) {
            throw new IllegalArgumentException("patients and duration must be positive");
        }
        this.patients = patients;
        this.seed = seed;
        this.pseudonyms = new String[patients];
        List<PatientRecords> all = new ArrayList<>(patients);
        int total = 0;
        for (int p = 0; p < patients; p++) {
            pseudonyms[p] = pseudonym(seed, p);
            PatientRecords pr = generate(p, durationMs, seed);
            all.add(pr);
            total += pr.size();
        }
        // merge into send order: by send offset, ties in generation order (patient, then the patient's own order)
        int[] recPatient = new int[total];
        int[] recIndex = new int[total];
        int k = 0;
        for (int p = 0; p < patients; p++) {
            for (int j = 0; j < all.get(p).size(); j++) {
                recPatient[k] = p;
                recIndex[k] = j;
                k++;
            }
        }
        Integer[] idx = new Integer[total];
        for (int i = 0; i < total; i++) idx[i] = i;
        Arrays.sort(idx, (a, b) -> {
            long ra = all.get(recPatient[a]).ready.get(recIndex[a]);
            long rb = all.get(recPatient[b]).ready.get(recIndex[b]);
            return ra != rb ? Long.compare(ra, rb) : Integer.compare(a, b);
        });
        this.size = total;
        this.patient = new int[total];
        this.timeOffset = new long[total];
        this.readyOffset = new long[total];
        this.rr = new int[total][];
        this.bpm = new float[total];
        long last = 0;
        for (int i = 0; i < total; i++) {
            int src = idx[i];
            PatientRecords pr = all.get(recPatient[src]);
            int j = recIndex[src];
            patient[i] = recPatient[src];
            timeOffset[i] = pr.time.get(j);
            readyOffset[i] = pr.ready.get(j);
            rr[i] = pr.rr.get(j);
            bpm[i] = pr.bpm.get(j);
            last = Math.max(last, readyOffset[i]);
        }
        this.durationMs = last;
    }

    /** Records in send order. */
    public int size() {
        return size;
    }

    /** Records per second of sending, on schedule. */
    public double offeredPerSecond() {
        return durationMs <= 0 ? Double.NaN : size * 1000.0 / durationMs;
    }

    /** Patients needed for {@code recordsPerSecond} (each sends {@link #RECORDS_PER_BATCH} per {@link #BATCH_MS}). */
    public static int patientsFor(double recordsPerSecond) {
        return Math.max(1, (int) Math.ceil(recordsPerSecond * BATCH_MS / 1000.0 / RECORDS_PER_BATCH));
    }

    /** The pseudonym of patient {@code p}: 36 characters, like a production programme's. */
    static String pseudonym(long seed, int p) {
        return EventSet.productionKey("dense-" + seed + "-" + p);
    }

    /** Patient index by pseudonym. */
    Map<String, Integer> pseudonymIndex() {
        Map<String, Integer> m = new java.util.HashMap<>(patients * 2);
        for (int p = 0; p < patients; p++) m.put(pseudonyms[p], p);
        return m;
    }

    // ------------------------------------------------------------------ wire form

    /** The record key of patient {@code p}. */
    byte[] key(int p, AvroCodec<DeviceEventKey> codec) {
        return codec.encode(new DeviceEventKey(PROGRAMME, pseudonyms[p], SOURCE));
    }

    /** Record {@code i} with device times from {@code baseMs} (send offset 0) and the given receipt time. */
    DeviceEvent event(int i, long baseMs, long receivedMs) {
        Instant time = Instant.ofEpochMilli(baseMs + timeOffset[i]);
        int offset = ZONE.getRules().getOffset(time).getTotalSeconds() / 60;
        Object payload;
        if (rr[i] != null) {
            List<Integer> values = new ArrayList<>(rr[i].length);
            List<BeatQuality> quality = new ArrayList<>(rr[i].length);
            for (int v : rr[i]) {
                values.add(v);
                quality.add(BeatQuality.CLEAN);
            }
            payload = new RrIntervalBatch(time, values, quality);
        } else {
            payload = new HeartRateSample(bpm[i], 0.9f);
        }
        return new DeviceEvent(new UUID(seed ^ 0x5EED_DE75EL, i).toString(), time, Instant.ofEpochMilli(receivedMs),
                offset, payload);
    }

    /** The enrolment of patient {@code p}, enrolled a month before {@code nowMs}. */
    Enrolment enrolment(int p, long nowMs) {
        LocalDate enrolled = Instant.ofEpochMilli(nowMs).atZone(ZoneOffset.UTC).toLocalDate().minusDays(30);
        Stratifiers none = new Stratifiers(null, null, null, null, null, null);
        return new Enrolment(pseudonyms[p], PROGRAMME, EnrolmentStatus.ACTIVE, enrolled, null, ZONE.getId(), none,
                Map.of(), null, Instant.ofEpochMilli(nowMs - 86_400_000L));
    }

    PatientKey enrolmentKey(int p) {
        return new PatientKey(PROGRAMME, pseudonyms[p]);
    }

    // ------------------------------------------------------------------ generation

    private static final class PatientRecords {
        final List<Long> time = new ArrayList<>();
        final List<Long> ready = new ArrayList<>();
        final List<int[]> rr = new ArrayList<>();
        final List<Float> bpm = new ArrayList<>();

        int size() {
            return time.size();
        }
    }

    /** One patient's rhythm: sinus and AF blocks in turn. */
    private static final class Heart {
        final SplittableRandom r;
        final double sinusRr;
        final double rsaAmp;
        final double respHz;
        final double afMeanRr;
        final double afSigma;
        boolean af;
        int left;
        double drift;

        Heart(SplittableRandom r) {
            this.r = r;
            this.sinusRr = 60000 / clamp(70 + 7 * r.nextGaussian(), 57, 86);
            this.rsaAmp = 0.02 + 0.03 * r.nextDouble();
            this.respHz = (12 + 6 * r.nextDouble()) / 60.0;
            this.afMeanRr = 60000 / (80 + 25 * r.nextDouble());
            double cv = 0.18 + 0.12 * r.nextDouble();
            this.afSigma = Math.sqrt(Math.log(1 + cv * cv));
            // a random phase of the first cycle: start inside a sinus or an AF block
            this.af = r.nextBoolean();
            this.left = 1 + r.nextInt(blockLength());
        }

        int blockLength() {
            return af ? 130 + r.nextInt(41) : 100 + r.nextInt(41);
        }

        int next(long t) {
            if (left == 0) {
                af = !af;
                left = blockLength();
            }
            left--;
            if (af) {
                drift = 0.999 * drift + 0.003 * r.nextGaussian();
                return (int) Math.round(clamp(afMeanRr * Math.exp(drift + afSigma * r.nextGaussian()
                        - afSigma * afSigma / 2), 300, 1900));
            }
            double s = t / 1000.0;
            return (int) Math.round(sinusRr * (1 + rsaAmp * Math.sin(2 * Math.PI * respHz * s))
                    * (1 + 0.008 * r.nextGaussian()));
        }
    }

    private static PatientRecords generate(int p, long durationMs, long seed) {
        SplittableRandom r = new SplittableRandom(seed * 1_000_003L + p);
        Heart heart = new Heart(r.split());
        PatientRecords out = new PatientRecords();
        // the first beat: batches of different patients are spread over the batch length; the rhythm has run for a
        // minute before the first upload (device time before send offset 0), so the first upload is an ordinary one
        long t = -60_000 + r.nextLong(BATCH_MS);
        while (true) {
            long start = t;
            List<Integer> beats = new ArrayList<>();
            while (t - start < BATCH_MS) {
                int v = heart.next(t);
                beats.add(v);
                t += v;
            }
            long ready = t + 300 + r.nextLong(1_200);
            if (ready > durationMs) {
                break;
            }
            if (ready < 0) {
                continue; // before sending starts: the device's history, not sent (the detector starts cold)
            }
            int[] values = beats.stream().mapToInt(Integer::intValue).toArray();
            double mean = Arrays.stream(values).average().orElse(Double.NaN);
            out.time.add(start);
            out.ready.add(ready);
            out.rr.add(values);
            out.bpm.add(Float.NaN);
            out.time.add(start);
            out.ready.add(ready);
            out.rr.add(null);
            out.bpm.add((float) (Math.round(600_000 / mean) / 10.0));
        }
        return out;
    }

    private static double clamp(double v, double lo, double hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    // ------------------------------------------------------------------ plain-Java count

    /** What the job's per-patient path makes of the set. */
    public record Count(int readings, int analysed, int notAnalysed, int openedFromReadings, int openedOtherwise,
                        Map<EpisodeType, Integer> openedByType, long[] openedAtOffsets) {
    }

    /**
     * Runs every patient's readings, in the patient's order, through the job's per-patient path
     * ({@link PatientDetector#arrive} and {@link PatientDetector#analyse}, then {@link DetectorPath#lifecycle} with
     * {@code rules}), device times from {@code baseMs}. Counts the alerts opened (OPENED changes) while a reading
     * was analysed, with the send offset of that reading; timers are not run (an alert that only a timer would open
     * is not counted here: the latency measurement leaves those out too).
     */
    public Count count(EffectiveRules rules, long baseMs) {
        List<List<Integer>> byPatient = new ArrayList<>(patients);
        for (int p = 0; p < patients; p++) byPatient.add(new ArrayList<>());
        for (int i = 0; i < size; i++) byPatient.get(patient[i]).add(i);
        PatientDetector detector = new PatientDetector(rules, ZONE);
        int analysed = 0;
        int notAnalysed = 0;
        int fromReadings = 0;
        int otherwise = 0;
        Map<EpisodeType, Integer> byType = new EnumMap<>(EpisodeType.class);
        long[] at = new long[16];
        int n = 0;
        for (int p = 0; p < patients; p++) {
            DetectorState state = new DetectorState();
            Map<EpisodeType, EpisodeState> episodes = new EnumMap<>(EpisodeType.class);
            List<Transition> transitions = new ArrayList<>();
            PatientDetector.Output out = new PatientDetector.Output() {
                @Override
                public void transition(Transition t, String programme, long delayedByMs, long receivedMs) {
                    transitions.add(t);
                }

                @Override
                public void cue(PatternCue cue) {
                }
            };
            for (int i : byPatient.get(p)) {
                Reading reading = reading(i, baseMs);
                transitions.clear();
                PatientDetector.Arrival a = detector.arrive(state, pseudonyms[p], PROGRAMME, reading, out);
                List<Transition> beforeAnalysis = new ArrayList<>(transitions);
                transitions.clear();
                if (a == PatientDetector.Arrival.ANALYSE) {
                    analysed++;
                    detector.analyse(state, pseudonyms[p], PROGRAMME, reading, out);
                } else {
                    notAnalysed++;
                }
                int[] opened = {0, 0};
                List<AlertChange> changes = new ArrayList<>();
                DetectorPath.lifecycle(beforeAnalysis, ty -> episodes.computeIfAbsent(ty, x -> new EpisodeState()),
                        rules, changes::add, null);
                for (AlertChange c : changes) if (c.kind() == AlertChange.Kind.OPENED) opened[1]++;
                changes.clear();
                DetectorPath.lifecycle(transitions, ty -> episodes.computeIfAbsent(ty, x -> new EpisodeState()),
                        rules, changes::add, null);
                for (AlertChange c : changes) {
                    if (c.kind() == AlertChange.Kind.OPENED) {
                        opened[0]++;
                        byType.merge(c.type(), 1, Integer::sum);
                        if (n == at.length) at = Arrays.copyOf(at, 2 * n);
                        at[n++] = readyOffset[i];
                    }
                }
                fromReadings += opened[0];
                otherwise += opened[1];
            }
        }
        long[] offsets = Arrays.copyOf(at, n);
        Arrays.sort(offsets);
        return new Count(size, analysed, notAnalysed, fromReadings, otherwise, byType, offsets);
    }

    /** Record {@code i} as the detector reads it (received when it is sent, on schedule). */
    Reading reading(int i, long baseMs) {
        long time = baseMs + timeOffset[i];
        long received = baseMs + readyOffset[i];
        if (rr[i] != null) {
            return new Reading.RrBatch(time, received, 0, PROGRAMME, time, rr[i], new byte[rr[i].length]);
        }
        return new Reading.HeartRate(time, received, 0, PROGRAMME, bpm[i]);
    }

    /**
     * The send duration at which a set of {@code patients} raises at least {@code alerts} alerts from readings sent
     * after {@code warmUpMs} (with a 10 % margin), estimated from the first up to 300 patients over {@code maxMs};
     * at least {@code warmUpMs} + 20 s (a steady stretch even when alerts are many), at most {@code maxMs}.
     */
    public static long durationFor(int patients, int alerts, long warmUpMs, long maxMs, long seed, EffectiveRules rules) {
        int sample = Math.min(patients, 300);
        AlertDenseSet s = new AlertDenseSet(sample, maxMs, seed);
        Count c = s.count(rules, 0);
        long after = Arrays.stream(c.openedAtOffsets()).filter(t -> t >= warmUpMs).count();
        long floor = Math.min(maxMs, warmUpMs + 20_000);
        if (after == 0) {
            return maxMs;
        }
        double perPatientMs = after / ((double) sample * (maxMs - warmUpMs));
        long needed = warmUpMs + (long) Math.ceil(1.1 * alerts / (perPatientMs * patients));
        return Math.max(floor, Math.min(maxMs, needed));
    }
}
