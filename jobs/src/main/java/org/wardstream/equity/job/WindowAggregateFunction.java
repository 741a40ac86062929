package org.wardstream.equity.job;

import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wardstream.equity.EquityAggregator;
import org.wardstream.equity.disclosure.Disclosure;
import org.wardstream.equity.disclosure.PublishedRow;
import org.wardstream.equity.io.Recomputation;
import org.wardstream.equity.model.AggregateRow;
import org.wardstream.equity.model.PatientDay;

/**
 * One aggregate window (programme, granularity, start) per key: keeps the newest revision of each
 * patient-day in the window; when the watermark passes the window's end it computes every row with
 * {@link EquityAggregator} and emits the internal (unrounded) rows and, for calendar months, the published
 * (disclosure-controlled) rows; a patient-day revised by late data re-emits the window with the next revision.
 * State is dropped once the window is past its allowed lateness; a patient-day that arrives for it after that is
 * dropped and counted ({@code equityDroppedLate{input=patient-day}}), never published as a new window of that day
 * alone. Lateness is judged by the watermark, after a restore by the one of the checkpoint until the new one passes
 * it ({@link WatermarkMemory}).
 *
 * <p>In the live job (given a clock) a calendar month emitted once it is final by the clock
 * ({@link Recomputation#finalAt}: the live job was behind) is counted ({@code equityMonthsAfterFinal}) and logged: a
 * recomputation submitted before that emission owns the month, and the emission (late data the recomputation did not
 * read, on uncorrected state) reaches no reader until the operator recomputes again (docs/RUNBOOK.md "Recompute").
 */
public class WindowAggregateFunction extends KeyedProcessFunction<String, WindowedDay, EquityRowOut>
        implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(WindowAggregateFunction.class);

    private final EquityJobSettings settings;
    /** The live job's clock; null in a bounded run (its emissions are all after the fact). */
    private final Clock liveClock;
    private transient EquityAggregator aggregator;
    private transient MapState<String, PatientDayRecord> days;
    private transient ValueState<WindowedDay> window;
    private transient ValueState<Integer> revision;
    private transient ValueState<Boolean> dirty;
    private transient Counter windowsEmitted;
    private transient Counter lateDays;
    private transient Counter monthsAfterFinal;
    private transient WatermarkMemory watermark;

    public WindowAggregateFunction(EquityJobSettings settings) {
        this(settings, null);
    }

    /** The live job's window operator: {@code liveClock} tells when a month is final by the clock. */
    public WindowAggregateFunction(EquityJobSettings settings, Clock liveClock) {
        this.settings = settings;
        this.liveClock = liveClock;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        watermark = new WatermarkMemory();
        watermark.initialize(context, "equity-windows-watermark");
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        watermark.snapshot();
    }

    @Override
    public void open(OpenContext openContext) {
        aggregator = new EquityAggregator(settings.equity());
        // versioned forms (EquityStateSerializers); both migrate the former POJO form of a savepoint
        days = getRuntimeContext().getMapState(new MapStateDescriptor<>("days", org.apache.flink.api.common.typeutils.base.StringSerializer.INSTANCE,
                EquityStateSerializers.PATIENT_DAY));
        window = getRuntimeContext().getState(new ValueStateDescriptor<>("window",
                EquityStateSerializers.WINDOW));
        revision = getRuntimeContext().getState(new ValueStateDescriptor<>("revision", Types.INT));
        dirty = getRuntimeContext().getState(new ValueStateDescriptor<>("dirty", Types.BOOLEAN));
        windowsEmitted = EquityMetrics.counter(getRuntimeContext().getMetricGroup(), EquityMetrics.WINDOWS_EMITTED);
        lateDays = EquityMetrics.droppedLate(getRuntimeContext().getMetricGroup(), "patient-day");
        monthsAfterFinal = EquityMetrics.counter(getRuntimeContext().getMetricGroup(), EquityMetrics.MONTHS_AFTER_FINAL);
    }

    @Override
    public void processElement(WindowedDay w, Context ctx, Collector<EquityRowOut> out) throws Exception {
        long wm = watermark.effective(ctx.timerService().currentWatermark());
        if (wm > w.fireAt + settings.allowedLateness().toMillis()) {
            // The window is closed for good and its state purged: publishing it again from this day alone would
            // replace the month's figures. In a running job a day the patient-day operator takes as on time is on
            // time here too (Flink forwards its watermark only after what it emitted at it, and a window ends no
            // earlier than its days); after a restore both watermarks start at Long.MIN_VALUE, and until
            // WatermarkMemory (session 20) the restored job published such a month again from that day alone.
            lateDays.inc();
            return;
        }
        String id = w.day.patientId + "|" + w.day.epochDay;
        PatientDayRecord known = days.get(id);
        if (known != null && known.revision >= w.day.revision) {
            return;
        }
        days.put(id, w.day);
        WindowedDay meta = window.value();
        if (meta == null || w.fireAt > meta.fireAt) {
            WindowedDay m = new WindowedDay();
            m.programme = w.programme;
            m.granularity = w.granularity;
            m.windowStart = w.windowStart;
            m.windowEnd = w.windowEnd;
            m.fireAt = meta == null ? w.fireAt : Math.max(meta.fireAt, w.fireAt);
            window.update(m);
            meta = m;
        }
        dirty.update(true);
        ctx.timerService().registerEventTimeTimer(meta.fireAt > wm ? meta.fireAt : wm + 1);
        long purge = meta.fireAt + settings.allowedLateness().toMillis() + 1;
        ctx.timerService().registerEventTimeTimer(purge > wm ? purge : wm + 1);
    }

    /** Months emitted after they were final by the clock (for tests; operators read the metric). */
    long monthsAfterFinal() {
        return monthsAfterFinal.getCount();
    }

    /** Patient-days dropped as arriving after their window closed (for tests; operators read the metric). */
    long droppedLateDays() {
        return lateDays.getCount();
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<EquityRowOut> out) throws Exception {
        WindowedDay meta = window.value();
        if (meta == null) {
            return;
        }
        long wm = Math.max(timestamp, watermark.effective(ctx.timerService().currentWatermark()));
        if (Boolean.TRUE.equals(dirty.value()) && wm >= meta.fireAt) {
            Integer last = revision.value();
            int rev = last == null ? 0 : last + 1;
            List<PatientDay> all = new ArrayList<>();
            for (Map.Entry<String, PatientDayRecord> e : days.entries()) {
                all.add(e.getValue().toPatientDay());
            }
            List<AggregateRow> rows = aggregator.aggregate(meta.programme, meta.granularity,
                    LocalDate.ofEpochDay(meta.windowStart), LocalDate.ofEpochDay(meta.windowEnd), all, rev);
            for (AggregateRow r : rows) {
                out.collect(new EquityRowOut(EquityRowOut.INTERNAL, r.key(), r.revision(), RowJson.internal(r)));
            }
            if (WindowedDay.MONTH.equals(meta.granularity)) {
                for (PublishedRow r : Disclosure.publish(rows)) {
                    out.collect(new EquityRowOut(EquityRowOut.PUBLISHED, r.key(), r.revision(), RowJson.published(r)));
                }
                LocalDate end = LocalDate.ofEpochDay(meta.windowEnd);
                if (liveClock != null && !liveClock.instant().isBefore(Recomputation.finalAt(end,
                        settings.allowedLateness()))) {
                    monthsAfterFinal.inc();
                    LOG.warn("Equity window {} revision {} emitted after it was final by the clock ({}): the live job"
                            + " was behind. A recomputation submitted before now owns this month and readers do not"
                            + " see this revision; if one was, run the recomputation again (RUNBOOK 'Recompute the"
                            + " equity aggregates').", ctx.getCurrentKey(), rev,
                            Recomputation.finalAt(end, settings.allowedLateness()));
                }
            }
            windowsEmitted.inc();
            revision.update(rev);
            dirty.update(false);
        }
        if (!Boolean.TRUE.equals(dirty.value()) && wm > meta.fireAt + settings.allowedLateness().toMillis()) {
            days.clear();
            window.clear();
            revision.clear();
            dirty.clear();
        }
    }
}
