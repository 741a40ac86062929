package org.wardstream.simulator;

import static org.wardstream.simulator.PatientPlan.BLOCK;
import static org.wardstream.simulator.PatientPlan.HOUR;
import static org.wardstream.simulator.PatientPlan.MINUTE;

import java.time.Instant;
import java.time.zone.ZoneRules;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

import org.wardstream.schema.ActivitySample;
import org.wardstream.schema.Connectivity;
import org.wardstream.schema.DeviceEvent;
import org.wardstream.schema.DeviceEventKey;
import org.wardstream.schema.DeviceStatus;
import org.wardstream.schema.HeartRateSample;
import org.wardstream.schema.RrIntervalBatch;
import org.wardstream.schema.WearDetection;
import org.wardstream.schema.WearState;

/**
 * Renders one patient's {@link PatientPlan} into device events, five minutes of device time at a time, and hands
 * them out in delivery order. Every record generated for device time at or after {@link #cursor} is delivered at or
 * after it (delivery never precedes the reading), so a record already generated whose delivery lies before the
 * cursor can be released: per patient only the next few minutes plus any offline backlog are held in memory.
 */
final class PatientStream {
    /** A generated record waiting for its delivery time. */
    static final class Pending {
        final long delivery;
        final long seq;
        final DeviceEvent event;
        /** Non-null for a duplicate: the record it re-sends. */
        final Pending original;
        boolean hasDuplicate;
        byte[] bytes;
        String json;

        Pending(long delivery, long seq, DeviceEvent event, Pending original) {
            this.delivery = delivery;
            this.seq = seq;
            this.event = event;
            this.original = original;
        }
    }

    private static final Comparator<Pending> ORDER = (a, b) -> a.delivery != b.delivery
            ? Long.compare(a.delivery, b.delivery) : Long.compare(a.seq, b.seq);
    private static final byte CLEAN = 0;
    private static final byte ARTEFACT = 1;
    private static final byte GAP = 2;
    private static final int MAX_RR = 4900;

    final int index;
    final DeviceEventKey key;
    byte[] keyBytes;
    String keyJson;

    private final SyntheticPatient p;
    private final PatientPlan plan;
    private final double duplicateRate;
    private final double outOfOrderRate;
    private final SplittableRandom phys;
    private final SplittableRandom ids;
    private final SplittableRandom net;
    private final ZoneRules zone = SyntheticPatient.ZONE.getRules();
    private final PriorityQueue<Pending> heap = new PriorityQueue<>(ORDER);
    private final int[] backlog;
    private final long end;
    private long seq;
    private long cursor;
    private boolean done;
    private boolean first = true;
    private Pending head;

    // wear and battery
    private boolean wornPrev;
    private WearDetection methodPrev;
    private double battery;

    // heart
    private boolean beating;
    private long nextBeat;
    private int pendingCompensation = -1;
    private int episode;
    private int episodeBeat;
    private double drift;
    private double hr;
    private boolean hrFresh = true;

    // activity
    private int activityState;
    private double intensity;

    private final PatientPlan.IntArray rr = new PatientPlan.IntArray();
    private final PatientPlan.ByteArray quality = new PatientPlan.ByteArray();

    PatientStream(PatientPlan plan, SimulatorConfig config) {
        this.plan = plan;
        this.p = plan.profile;
        this.index = p.index;
        this.key = new DeviceEventKey(config.programme(), p.patientId, p.sourceId);
        this.duplicateRate = config.duplicateRate();
        this.outOfOrderRate = config.outOfOrderRate();
        this.phys = Seeds.rng(config.seed(), index, Seeds.PHYSIOLOGY);
        this.ids = Seeds.rng(config.seed(), index, Seeds.IDS);
        this.net = Seeds.rng(config.seed(), index, Seeds.DELIVERY);
        this.backlog = new int[plan.offline.size()];
        this.cursor = plan.gridOrigin;
        this.end = plan.dataEnd;
        this.battery = p.batteryStart;
    }

    /** Prepares the next record to deliver; false when this patient has nothing more. */
    boolean advance() {
        while (true) {
            Pending h = heap.peek();
            if (h != null && (done || h.delivery < cursor)) {
                head = h;
                return true;
            }
            if (done) {
                head = null;
                return false;
            }
            generateBlock();
        }
    }

    /** Delivery time of the record {@link #advance()} prepared. */
    long headDelivery() {
        return head.delivery;
    }

    Pending poll() {
        Pending h = heap.poll();
        head = null;
        return h;
    }

    // ------------------------------------------------------------------ generation

    private void generateBlock() {
        long b = cursor;
        if (b + BLOCK > end) {
            done = true;
            return;
        }
        cursor = b + BLOCK;
        PatientPlan.OffBody ob = plan.offBodyAt(b);
        boolean worn = ob == null;
        WearDetection method = worn ? WearDetection.OPTICAL : ob.method();
        if (first || worn != wornPrev || (!worn && method != methodPrev)) {
            emit(b, b, new WearState(worn, method));
        }
        // Hourly status while worn (heart rate already shows the device is there); while off body the
        // phone gateway's 5-minute heartbeat is the only sign of life, so a lost connection shows within minutes.
        if (first || (b - plan.gridOrigin) % HOUR == 0 || !worn) {
            emit(b, b, status(b));
        }
        first = false;
        wornPrev = worn;
        methodPrev = method;

        for (PatientPlan.Offline o : plan.offline) {
            if (o.start() >= b && o.start() < b + BLOCK) {
                emit(o.start(), o.start(), status(o.start()));
            }
        }

        if (worn) {
            activity(b);
            PatientPlan.OffBody nextOff = plan.offBodyAt(b + BLOCK);
            boolean stopsAfter = nextOff != null || b + 2 * BLOCK > end;
            for (int i = 0; i < 5; i++) {
                minute(b + i * MINUTE, stopsAfter && i == 4);
            }
        } else {
            beating = false;
            pendingCompensation = -1;
            hrFresh = true;
        }
        if (!worn && method == WearDetection.CHARGER) {
            battery = Math.min(100, battery + 6.5);
        } else {
            battery = Math.max(3, battery - (worn ? 0.25 : 0.1));
        }

        for (int i = 0; i < plan.offline.size(); i++) {
            PatientPlan.Offline o = plan.offline.get(i);
            if (o.end() >= b && o.end() < b + BLOCK) {
                DeviceStatus s = new DeviceStatus((int) Math.round(battery), Connectivity.RECONNECTED, backlog[i]);
                push(o.end(), o.end() + 200 + net.nextLong(700), s);
            }
        }
    }

    private DeviceStatus status(long t) {
        int bat = (int) Math.round(battery);
        for (int i = 0; i < plan.offline.size(); i++) {
            PatientPlan.Offline o = plan.offline.get(i);
            if (o.start() <= t && t < o.end()) {
                return new DeviceStatus(bat, Connectivity.OFFLINE, backlog[i]);
            }
        }
        return new DeviceStatus(bat, Connectivity.ONLINE, 0);
    }

    private void activity(long b) {
        int steps;
        int count;
        if (plan.inactive(b)) {
            steps = 0;
            count = phys.nextInt(4);
            intensity = 0;
            activityState = 0;
        } else if (plan.inactive(b + BLOCK) && !plan.asleep(b)) {
            // the patient walks to the chair before an injected inactivity: its start is a clear boundary
            steps = 60 + phys.nextInt(60);
            count = 200 + phys.nextInt(200);
            intensity = 0;
            activityState = 0;
        } else if (plan.asleep(b)) {
            steps = 0;
            count = phys.nextInt(13);
            intensity = 0;
            activityState = 0;
        } else if (plan.nearTachycardia(b, b + BLOCK, 5 * MINUTE)) {
            steps = phys.nextInt(16);
            count = 15 + phys.nextInt(100);
            intensity = 0;
            activityState = 0;
        } else {
            if (phys.nextDouble() < 0.35) {
                int h = PatientPlan.localMinute(b) / 60;
                double[] w;
                if (h < 8) {
                    w = new double[] {0.7, 0.25, 0.05};
                } else if (h < 12) {
                    w = new double[] {0.55, 0.33, 0.12};
                } else if (h < 14) {
                    w = new double[] {0.65, 0.28, 0.07};
                } else if (h < 18) {
                    w = new double[] {0.58, 0.32, 0.10};
                } else {
                    w = new double[] {0.8, 0.17, 0.03};
                }
                w[1] *= p.activityFactor;
                w[2] *= p.activityFactor * p.activityFactor;
                activityState = Seeds.weighted(phys, w);
            }
            switch (activityState) {
                case 0 -> {
                    steps = phys.nextDouble() < 0.5 ? 0 : phys.nextInt(40);
                    count = 15 + phys.nextInt(160);
                    intensity = 0;
                }
                case 1 -> {
                    steps = (int) Math.round(Seeds.uniform(phys, 80, 400) * Math.min(1.2, p.activityFactor));
                    count = 300 + phys.nextInt(900);
                    intensity = 0.35;
                }
                default -> {
                    steps = 350 + phys.nextInt(300);
                    count = 1200 + phys.nextInt(1800);
                    intensity = 0.8;
                }
            }
        }
        emit(b, b + BLOCK, new ActivitySample(300, steps, count));
    }

    /** One minute of beats while worn: an RR batch of the intervals opening in [m, m+60s) and its heart rate. */
    private void minute(long m, boolean stopsAfter) {
        long me = m + MINUTE;
        boolean asleep = plan.asleep(m);
        double target = p.restHr * (asleep ? p.sleepFactor : 1) * Math.exp(drift) + intensity * p.hrActivityGain;
        target = Seeds.clamp(target, asleep ? 50 : 52, 120);
        hr = hrFresh ? target : hr + (target - hr) * 0.35;
        hrFresh = false;
        drift = drift * (1 - 1 / 20.0) + 0.04 * Math.sqrt(2 / 20.0) * phys.nextGaussian();

        rr.clear();
        quality.clear();
        if (!beating) {
            beating = true;
            nextBeat = m + phys.nextInt(1000);
            pendingCompensation = -1;
        }
        long batchStart = nextBeat;
        List<PatientPlan.Rhythm> rhythms = plan.rhythms;
        while (nextBeat < me) {
            PatientPlan.Rhythm ep = episode < rhythms.size() ? rhythms.get(episode) : null;
            if (ep != null && nextBeat >= ep.start()) {
                if (episodeBeat == 0 && nextBeat != ep.start()) {
                    throw new IllegalStateException("beat sequence missed the start of " + ep.type() + " for "
                            + p.patientId + " at " + Instant.ofEpochMilli(ep.start()));
                }
                int v = ep.rr()[episodeBeat];
                add(v, ep.quality()[episodeBeat]);
                episodeBeat++;
                if (episodeBeat == ep.rr().length) {
                    episode++;
                    episodeBeat = 0;
                }
                continue;
            }
            double base = sinusRr(nextBeat);
            if (pendingCompensation > 0) {
                add(pendingCompensation, CLEAN);
                pendingCompensation = -1;
                continue;
            }
            if (ep != null && ep.start() - nextBeat < 1.5 * base) {
                // the beat that opens the episode lands exactly on its start (a slightly early or late beat)
                add((int) (ep.start() - nextBeat), CLEAN);
                continue;
            }
            boolean quiet = (ep != null && ep.start() - nextBeat < 2 * MINUTE)
                    || (episode > 0 && nextBeat - rhythms.get(episode - 1).end() < 2 * MINUTE);
            if (!quiet) {
                double beatsPerHour = hr * 60;
                if (phys.nextDouble() < p.ectopicPerHour / beatsPerHour) {
                    // premature beat, then a compensatory pause: the pair spans two normal intervals
                    int early = (int) Math.round(base * Seeds.uniform(phys, 0.6, 0.75));
                    add(early, CLEAN);
                    pendingCompensation = (int) Math.round(2 * base) - early;
                    continue;
                }
                if (phys.nextDouble() < p.gapPerHour / beatsPerHour) {
                    // unreadable signal over a few beats: one long interval flagged GAP (missing data, not a pause)
                    int k = Math.min(2 + phys.nextInt(4), (int) (MAX_RR / base));
                    if (k >= 2) {
                        add((int) Math.round(base * k), GAP);
                        continue;
                    }
                }
                if (phys.nextDouble() < p.artefactRate * (1 + 4 * intensity)) {
                    if (phys.nextBoolean() && 2 * base <= MAX_RR) {
                        add((int) Math.round(2 * base), ARTEFACT); // missed beat
                        continue;
                    }
                    if (base >= 600) {
                        int a = (int) Math.round(base * Seeds.uniform(phys, 0.35, 0.65));
                        add(a, ARTEFACT); // spurious extra beat splits one interval
                        add((int) Math.round(base) - a, ARTEFACT);
                        continue;
                    }
                }
            }
            add((int) Math.round(base), CLEAN);
        }
        if (stopsAfter && rr.size() > 0 && nextBeat > me) {
            // the device comes off (or the period ends): the interval still open is never completed
            nextBeat -= rr.get(rr.size() - 1);
            rr.removeLast();
            quality.removeLast();
        }
        if (rr.size() == 0) {
            return;
        }
        int[] values = rr.toArray();
        byte[] flags = quality.toArray();
        long clean = 0;
        int nClean = 0;
        long other = 0;
        int nOther = 0;
        for (int i = 0; i < values.length; i++) {
            if (flags[i] == CLEAN) {
                clean += values[i];
                nClean++;
            } else if (flags[i] == ARTEFACT) {
                other += values[i];
                nOther++;
            }
        }
        emit(batchStart, nextBeat, new RrIntervalBatch(Instant.ofEpochMilli(batchStart),
                new CompactLists.Ints(values), new CompactLists.Qualities(flags)));
        double meanRr = nClean > 0 ? clean / (double) nClean : nOther > 0 ? other / (double) nOther : 0;
        if (meanRr > 0) {
            float bpm = (float) (Math.round(600_000 / meanRr) / 10.0);
            double cleanFraction = nClean / (double) values.length;
            double sq = Seeds.clamp(0.55 + 0.4 * cleanFraction - 0.15 * intensity + 0.03 * phys.nextGaussian(), 0.2, 1);
            emit(m, me, new HeartRateSample(bpm, (float) (Math.round(sq * 100) / 100.0)));
        }
    }

    private void add(int v, byte q) {
        rr.add(v);
        quality.add(q);
        nextBeat += v;
    }

    /** Sinus rhythm: the minute's rate with respiratory sinus arrhythmia, a ~0.1 Hz oscillation and jitter. */
    private double sinusRr(long t) {
        double s = (t - plan.dataStart) / 1000.0;
        double mod = 1 + p.rsaAmp * Math.sin(2 * Math.PI * p.respHz * s + index)
                + p.lfAmp * Math.sin(2 * Math.PI * 0.095 * s + 2.0 * index);
        return 60000 / hr * mod * (1 + 0.008 * Seeds.fastGaussian(phys));
    }

    // ------------------------------------------------------------------ delivery

    /** A reading at device time {@code time}, complete at {@code ready}: uploaded after a short latency. */
    private void emit(long time, long ready, Object payload) {
        long d = ready + 400 + Math.round(Math.min(15_000, 1800 * Math.exp(0.7 * Seeds.fastGaussian(net))));
        if (net.nextDouble() < outOfOrderRate) {
            d += 10_000 + net.nextLong(230_000);
        }
        for (int i = 0; i < plan.offline.size(); i++) {
            PatientPlan.Offline o = plan.offline.get(i);
            if (o.start() <= d && d < o.end()) {
                // no connection: buffered on the device, uploaded as a batch after reconnection
                d = o.end() + 1500 + 20L * backlog[i]++;
                break;
            }
        }
        push(time, d, payload);
    }

    private void push(long time, long delivery, Object payload) {
        int offset = zone.getOffset(Instant.ofEpochMilli(time)).getTotalSeconds() / 60;
        DeviceEvent ev = new DeviceEvent(Seeds.uuid(ids).toString(), Instant.ofEpochMilli(time),
                Instant.ofEpochMilli(delivery), offset, payload);
        Pending pending = new Pending(delivery, seq++, ev, null);
        heap.add(pending);
        if (net.nextDouble() < duplicateRate) {
            long again = delivery + 5_000 + net.nextLong(175_000);
            if (plan.offlineAt(again) == null) {
                pending.hasDuplicate = true;
                heap.add(new Pending(again, seq++, ev, pending));
            }
        }
    }
}
