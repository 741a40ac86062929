package org.wardstream.equity.job;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Thin Flink adapter around {@link PatientEquity}: one instance per patient in keyed state, driven by
 * the four inputs and by event-time timers (day ends, allowed-lateness ends, the next enrolled day).
 * Emits one {@link PatientDayRecord} per local day when the watermark passes its end, and again, with
 * the next revision, when late data within the allowed lateness changed it. Lateness is judged by the watermark,
 * after a restore by the one of the checkpoint until the new one passes it ({@link WatermarkMemory}).
 */
public class PatientDayFunction extends KeyedProcessFunction<String, EquityInput, PatientDayRecord>
        implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;

    private final EquityJobSettings settings;
    private transient ValueState<PatientEquity> state;
    private transient Counter readings;
    private transient Counter revised;
    private transient Counter daysEmitted;
    private transient Counter daysWithoutEnrolment;
    private transient Map<EquityInput.Kind, Counter> droppedLate;
    /** Latest device time this subtask has seen: where the day chain stops at the end of a bounded input. */
    private transient long frontier;
    private transient WatermarkMemory watermark;

    public PatientDayFunction(EquityJobSettings settings) {
        this.settings = settings;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        watermark = new WatermarkMemory();
        watermark.initialize(context, "equity-patient-days-watermark");
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        watermark.snapshot();
    }

    @Override
    public void open(OpenContext openContext) {
        state = getRuntimeContext().getState(new ValueStateDescriptor<>("patient-equity",
                EquityStateSerializers.PATIENT_EQUITY)); // versioned; migrates the former POJO form
        var metrics = getRuntimeContext().getMetricGroup();
        readings = EquityMetrics.counter(metrics, EquityMetrics.READINGS);
        revised = EquityMetrics.counter(metrics, EquityMetrics.REVISED);
        daysEmitted = EquityMetrics.counter(metrics, EquityMetrics.DAYS_EMITTED);
        daysWithoutEnrolment = EquityMetrics.counter(metrics, EquityMetrics.DAYS_WITHOUT_ENROLMENT);
        droppedLate = new EnumMap<>(EquityInput.Kind.class);
        for (EquityInput.Kind k : EquityInput.Kind.values()) {
            if (k != EquityInput.Kind.ENROLMENT) {
                droppedLate.put(k, EquityMetrics.droppedLate(metrics, k.name().toLowerCase(java.util.Locale.ROOT)));
            }
        }
        frontier = Long.MIN_VALUE;
    }

    @Override
    public void processElement(EquityInput in, Context ctx, Collector<PatientDayRecord> out) throws Exception {
        PatientEquity p = state.value();
        if (p == null) {
            p = new PatientEquity();
        }
        long wm = watermark.effective(ctx.timerService().currentWatermark());
        int daysBefore = p.days.size();
        int pendingBefore = p.pendingTriage.size() + p.pendingClosures.size();
        PatientEquity.Outcome outcome = switch (in.kind) {
            case READING -> {
                readings.inc();
                frontier = Math.max(frontier, in.time);
                yield p.onReading(in, wm, settings);
            }
            case ENROLMENT -> p.onEnrolment(in, wm, settings);
            case EPISODE -> p.onEpisode(in, wm, settings);
            case TRIAGE -> p.onTriage(in, wm, settings);
        };
        if (outcome == PatientEquity.Outcome.DROPPED_LATE) {
            droppedLate.get(in.kind).inc();
        } else if (outcome == PatientEquity.Outcome.REVISED) {
            revised.inc();
        }
        if ((outcome == PatientEquity.Outcome.REVISED || in.kind == EquityInput.Kind.ENROLMENT)
                && p.days.values().stream().anyMatch(d -> d.dirty)) {
            register(ctx, wm + 1); // re-emit at the next watermark: a whole late backlog makes one revision
        }
        // Timers change only when a day, a pending triage action or the enrolment appears.
        boolean structural = in.kind == EquityInput.Kind.ENROLMENT || p.days.size() != daysBefore
                || p.pendingTriage.size() + p.pendingClosures.size() != pendingBefore;
        save(p, ctx, wm, structural);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<PatientDayRecord> out) throws Exception {
        PatientEquity p = state.value();
        if (p == null) {
            return;
        }
        long wm = Math.max(timestamp, watermark.effective(ctx.timerService().currentWatermark()));
        int[] dropped = new int[1];
        int waitingTriage = p.pendingTriage.size();
        List<PatientDayRecord> emitted = p.advance(wm, frontier, settings, dropped);
        // triage actions that waited for an episode that never came are dropped-late, never silently (probe 19a D1)
        droppedLate.get(EquityInput.Kind.TRIAGE).inc(waitingTriage - p.pendingTriage.size());
        for (PatientDayRecord r : emitted) {
            r.patientId = patientIdOf(ctx.getCurrentKey());
            daysEmitted.inc();
            out.collect(r);
        }
        daysWithoutEnrolment.inc(dropped[0]);
        save(p, ctx, wm, true);
    }

    private void save(PatientEquity p, Context ctx, long wm, boolean timersChanged) throws Exception {
        if (p.isEmpty()) {
            state.clear();
            return;
        }
        state.update(p);
        if (!timersChanged || wm == Long.MAX_VALUE) {
            return; // end of input: everything due has been done
        }
        for (long t : p.timers(settings)) {
            register(ctx, t);
        }
    }

    private static void register(Context ctx, long t) {
        long wm = ctx.timerService().currentWatermark();
        ctx.timerService().registerEventTimeTimer(t > wm ? t : wm + 1);
    }

    /** Inputs dropped as beyond the allowed lateness so far (for tests; operators read the metric). */
    long droppedLate(EquityInput.Kind kind) {
        return droppedLate.get(kind).getCount();
    }

    long revisedInputs() {
        return revised.getCount();
    }

    /** The key is programme|patientId (see {@link EquityInput#key()}). */
    static String patientIdOf(String key) {
        return key.substring(key.indexOf('|') + 1);
    }
}
