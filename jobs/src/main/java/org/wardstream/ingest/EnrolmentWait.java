package org.wardstream.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimerService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wardstream.ingest.EnrolmentWaitRule.Fate;

/**
 * A patient's records that reach a keyed operator before the patient's enrolment reaches it on the operator's other
 * input. Enrolments may be published after a patient's first readings, and every operator reads the enrolments on
 * an input of its own: which input Flink delivers first depends on thread timing (a replay or a what-if run reads a
 * whole history at once), so a reading the {@link IngestGate} admitted can still overtake the enrolment at the
 * detector or the alerter. A record that overtakes it waits here (keyed list state) and is handled when the
 * enrolment arrives, with the patient's own rules and time zone, as it would have been in order.
 *
 * <p>Every wait is bounded: a processing-time timer (its time in keyed state) ends it {@code boundMs} (the gate's
 * enrolment grace) after the first record began waiting; what still waits then is dropped (the operator's handler:
 * the gate and the detector dead-letter readings) and counted ({@value IngestMetrics#ENROLMENT_WAIT_EXPIRED}), and
 * the state is freed. Downstream of the gate ({@link #downstream}) the wait also remembers an unenrolment (a
 * tombstone) until that deadline: a record published before it is dropped and counted
 * ({@value IngestMetrics#DROPPED_AFTER_UNENROLMENT}) at once rather than held for a re-enrolment
 * ({@link EnrolmentWaitRule}). Log lines name the operator, never the patient.
 */
public final class EnrolmentWait<T> {
    private static final Logger LOG = LoggerFactory.getLogger(EnrolmentWait.class);

    /** What the operator does with a record once the patient's profile is known. */
    public interface Handler<T> {
        void handle(T record) throws Exception;
    }

    /** What the operator does with a record it drops (already counted), and why, for a dead letter's detail. */
    public interface Dropped<T> {
        void drop(T record, String why) throws Exception;
    }

    private final String operator;
    private final ListState<T> waiting;
    private final ValueState<Long> deadline;
    /** Null at the gate, which does not remember unenrolments. */
    private final ValueState<Long> unenrolledAt;
    private final ToLongFunction<T> publishedMs;
    private final long boundMs;
    private final Counter expired;
    private final Counter droppedAfterUnenrolment;

    private EnrolmentWait(RuntimeContext ctx, String operator, String listName, String deadlineName,
                          String unenrolledName, Class<T> type, ToLongFunction<T> publishedMs, long boundMs) {
        this.operator = operator;
        waiting = ctx.getListState(new ListStateDescriptor<>(listName, TypeInformation.of(type)));
        deadline = ctx.getState(new ValueStateDescriptor<>(deadlineName, Types.LONG));
        unenrolledAt = unenrolledName == null ? null
                : ctx.getState(new ValueStateDescriptor<>(unenrolledName, Types.LONG));
        this.publishedMs = publishedMs;
        this.boundMs = boundMs;
        expired = IngestMetrics.counter(ctx.getMetricGroup(), IngestMetrics.ENROLMENT_WAIT_EXPIRED);
        droppedAfterUnenrolment = IngestMetrics.counter(ctx.getMetricGroup(), IngestMetrics.DROPPED_AFTER_UNENROLMENT);
    }

    /** The gate's wait (list {@code listName}, its timer {@code deadlineName}): bounded, no unenrolment memory. */
    public static <T> EnrolmentWait<T> atGate(RuntimeContext ctx, String listName, String deadlineName, Class<T> type,
                                              long boundMs) {
        return new EnrolmentWait<>(ctx, "ingest gate", listName, deadlineName, null, type, r -> Long.MIN_VALUE,
                boundMs);
    }

    /**
     * The wait of an operator after the gate, its state named from {@code prefix}: {@code <prefix>-waiting-for-enrolment}
     * (the records), {@code <prefix>-enrolment-wait-deadline}, {@code <prefix>-unenrolled-at}.
     *
     * @param publishedMs when a record was published, compared with the tombstone's timestamp
     */
    public static <T> EnrolmentWait<T> downstream(RuntimeContext ctx, String prefix, Class<T> type,
                                                  ToLongFunction<T> publishedMs, long boundMs) {
        return new EnrolmentWait<>(ctx, prefix, prefix + "-waiting-for-enrolment", prefix + "-enrolment-wait-deadline",
                prefix + "-unenrolled-at", type, publishedMs, boundMs);
    }

    /**
     * Decides the record's fate ({@link EnrolmentWaitRule}), with {@code profile} the operator's profile of the
     * patient: one that waits is stored here (and the wait's deadline set), one of an unenrolled patient counted and
     * handed to {@code dropped}.
     *
     * @return whether the caller handles it now
     */
    public boolean admit(T record, PatientProfile profile, TimerService timers, Dropped<T> dropped) throws Exception {
        if (profile != null) {
            return true; // the common case: no state read for it (EnrolmentWaitRule.fate gives HANDLE whatever else)
        }
        Long unenrolled = unenrolledAt == null ? null : unenrolledAt.value();
        Fate fate = EnrolmentWaitRule.fate(false, unenrolled == null ? EnrolmentWaitRule.NO_TIME : unenrolled,
                publishedMs.applyAsLong(record));
        if (fate == Fate.WAIT) {
            waiting.add(record);
            arm(timers);
        } else if (fate == Fate.UNENROLLED) {
            droppedAfterUnenrolment.inc();
            LOG.debug("{}: a record published before its patient's unenrolment arrived after it: dropped", operator);
            dropped.drop(record, "published before the patient's unenrolment");
        }
        return fate == Fate.HANDLE;
    }

    /** The profile is stored: the unenrolment is forgotten, and every waiting record handed to {@code handler}, in arrival order. */
    public void enrolled(TimerService timers, Handler<T> handler) throws Exception {
        disarm(timers);
        if (unenrolledAt != null) {
            unenrolledAt.clear();
        }
        for (T record : take()) {
            handler.handle(record);
        }
    }

    /**
     * The patient is unenrolled by a tombstone with record timestamp {@code tombstoneMs} (null: none, the processing
     * time stands for it): what waits is handed to {@code dropped} (counted) and, downstream of the gate, the
     * unenrolment remembered until the bound has passed.
     */
    public void unenrolled(TimerService timers, Long tombstoneMs, Dropped<T> dropped) throws Exception {
        long atMs = tombstoneMs != null ? tombstoneMs : timers.currentProcessingTime();
        disarm(timers);
        drop(take(), droppedAfterUnenrolment, dropped, "waiting for an enrolment when the patient was unenrolled");
        if (unenrolledAt != null) {
            unenrolledAt.update(atMs);
            arm(timers);
        }
    }

    /**
     * A processing-time timer at {@code timestamp} fired: if it is this wait's deadline, what still waits is handed
     * to {@code dropped} (counted) and an unenrolment forgotten.
     *
     * @return whether it was this wait's deadline
     */
    public boolean expire(long timestamp, Dropped<T> dropped) throws Exception {
        Long due = deadline.value();
        if (due == null || due != timestamp) {
            return false;
        }
        deadline.clear();
        if (unenrolledAt != null) {
            unenrolledAt.clear();
        }
        drop(take(), expired, dropped, "no enrolment reached the " + operator + " within " + boundMs / 1000 + " s");
        return true;
    }

    /** Forgets the patient's waiting records and remembered unenrolment, without a count (its state is erased). */
    public void clear(TimerService timers) throws Exception {
        disarm(timers);
        waiting.clear();
        if (unenrolledAt != null) {
            unenrolledAt.clear();
        }
    }

    private void arm(TimerService timers) throws Exception {
        if (deadline.value() == null) { // set by the first waiting record; later ones do not move it
            long at = EnrolmentWaitRule.deadlineMs(EnrolmentWaitRule.NO_TIME, timers.currentProcessingTime(), boundMs);
            timers.registerProcessingTimeTimer(at);
            deadline.update(at);
        }
    }

    private void disarm(TimerService timers) throws Exception {
        Long current = deadline.value();
        if (current != null) {
            timers.deleteProcessingTimeTimer(current);
            deadline.clear();
        }
    }

    private List<T> take() throws Exception {
        Iterable<T> stored = waiting.get();
        List<T> records = new ArrayList<>();
        if (stored != null) {
            stored.forEach(records::add);
        }
        waiting.clear();
        return records;
    }

    private void drop(List<T> records, Counter counter, Dropped<T> dropped, String why) throws Exception {
        if (records.isEmpty()) {
            return;
        }
        counter.inc(records.size());
        LOG.info("{}: {} record(s) dropped: {}", operator, records.size(), why);
        for (T record : records) {
            dropped.drop(record, why);
        }
    }
}
