package org.wardstream.simulator;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;

import org.wardstream.contract.DeadLetterReason;
import org.wardstream.schema.DeviceEvent;
import org.wardstream.schema.wire.AvroCodec;

/**
 * A synthetic remote-monitoring population and its device streams, with the ground truth of every injected episode.
 *
 * <p>Deterministic: the same {@link SimulatorConfig} gives byte-identical records, lines and ground truth. Each
 * patient has independent random streams derived from the seed (population, plan, physiology, ids, delivery), and
 * the global fault stream is derived from the seed alone; nothing depends on the clock or on hash order.
 *
 * <p>The population and each patient's plan (routine, off-body periods, connectivity loss, injected episodes with
 * their exact beat sequences) are computed in the constructor, so {@link #enrolments()} and {@link #groundTruth()}
 * are available before {@link #run}. {@link #run} renders the plans: per-patient generators produce five minutes of
 * device time at a time into small per-patient delivery queues, merged by delivery time, so memory stays bounded
 * (the next few minutes per patient, plus any offline backlog). {@link #run} may be called more than once and emits
 * the same records each time.
 */
public final class Simulator {
    private final SimulatorConfig config;
    private final List<PatientPlan> plans;
    private final List<SimulatedEnrolment> enrolments;
    private final List<GroundTruthEpisode> groundTruth;

    public Simulator(SimulatorConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        List<PatientPlan> ps = new ArrayList<>(config.patients());
        List<SimulatedEnrolment> es = new ArrayList<>(config.patients());
        List<GroundTruthEpisode> gt = new ArrayList<>();
        for (int i = 0; i < config.patients(); i++) {
            PatientProfile profile = new PatientProfile(config, i);
            PatientPlan plan = new PatientPlan(profile, config);
            ps.add(plan);
            es.add(new SimulatedEnrolment(profile.key(config.programme()), profile.enrolment(config.programme()),
                    profile.sourceId));
            gt.addAll(plan.groundTruth);
        }
        gt.sort(GroundTruthEpisode.ORDER);
        this.plans = List.copyOf(ps);
        this.enrolments = Collections.unmodifiableList(es);
        this.groundTruth = Collections.unmodifiableList(gt);
    }

    public SimulatorConfig config() {
        return config;
    }

    /** One enrolment per patient, in patient order. */
    public List<SimulatedEnrolment> enrolments() {
        return enrolments;
    }

    /** Every injected episode, sorted as in {@code ground-truth.csv}; known before {@link #run}. */
    public List<GroundTruthEpisode> groundTruth() {
        return groundTruth;
    }

    /** Ground-truth episodes by type, all six types present. */
    public Map<String, Long> episodesByType() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (String t : EpisodeTypes.ALL) {
            m.put(t, 0L);
        }
        for (GroundTruthEpisode e : groundTruth) {
            m.merge(e.episodeType(), 1L, Long::sum);
        }
        return m;
    }

    /**
     * Sends every enrolment, then every device-event record in delivery order (non-decreasing
     * {@link SimulatedRecord#timestampMs()}, ties broken by patient then generation order).
     */
    public SimulationManifest run(SimulationSink sink) {
        Objects.requireNonNull(sink, "sink");
        AvroCodec<DeviceEvent> values = AvroCodec.deviceEvents();
        WireEncoder wire = new WireEncoder();
        ReplayJson json = new ReplayJson();
        for (SimulatedEnrolment e : enrolments) {
            sink.enrolment(e.key(), e.value());
        }

        PriorityQueue<PatientStream> queue = new PriorityQueue<>(Math.max(1, plans.size()),
                (a, b) -> a.headDelivery() != b.headDelivery()
                        ? Long.compare(a.headDelivery(), b.headDelivery()) : Integer.compare(a.index, b.index));
        for (PatientPlan plan : plans) {
            PatientStream s = new PatientStream(plan, config);
            s.keyBytes = wire.key(s.key);
            s.keyJson = json.key(s.key);
            if (s.advance()) {
                queue.add(s);
            }
        }

        FaultInjector faults = new FaultInjector(config, values, json);
        long emitted = 0;
        long duplicates = 0;
        while (!queue.isEmpty()) {
            PatientStream s = queue.poll();
            PatientStream.Pending p = s.poll();
            if (p.original != null) {
                PatientStream.Pending o = p.original;
                sink.deviceEvent(new SimulatedRecord(s.keyBytes, o.bytes, p.delivery, s.key, o.event, o.json,
                        SimulatedRecord.DUPLICATE));
                o.bytes = null;
                o.json = null;
                emitted++;
                duplicates++;
                faults.tick();
            } else {
                byte[] bytes = wire.value(p.event);
                String line = json.line(s.keyJson, p.event);
                if (p.hasDuplicate) {
                    p.bytes = bytes;
                    p.json = line;
                }
                SimulatedRecord rec = new SimulatedRecord(s.keyBytes, bytes, p.delivery, s.key, p.event, line, null);
                sink.deviceEvent(rec);
                emitted++;
                faults.tick();
                for (SimulatedRecord f : faults.after(rec, s)) {
                    sink.deviceEvent(f);
                    emitted++;
                }
            }
            if (s.advance()) {
                queue.add(s);
            }
        }

        Map<String, Long> malformed = new LinkedHashMap<>();
        for (DeadLetterReason r : FaultInjector.injectedReasons()) {
            malformed.put(r.code(), faults.count(r));
        }
        return new SimulationManifest(emitted, enrolments.size(), duplicates, malformed, episodesByType());
    }
}
