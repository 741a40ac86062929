package org.wardstream.ingest;


import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.wardstream.arrival.ArrivalOrder;
import org.wardstream.contract.DeadLetterReason;

/**
 * The keyed half of ingest, per patient (programme and pseudonym, {@link PatientKeys}): drops duplicate event
 * ids, marks readings received more than {@link ArrivalOrder.Parameters#delayedAfterMs} after their device time
 * as late (and still passes them on), and admits a reading only once the
 * patient's enrolment is known. A reading whose patient has no enrolment waits up to the grace
 * period (processing time: enrolments may be published after the first readings) and is then
 * dead-lettered as {@code unknown-patient}; a discharged or withdrawn patient's readings are
 * dead-lettered at once, and so is a reading whose programme is not the enrolment's. A tombstone erases the patient's state.
 *
 * <p>Every reading that enters leaves as exactly one of: processed (main output), duplicate
 * (counted, dropped) or dead letter ({@link #DEAD_LETTERS} side output).
 */
public final class IngestGate extends KeyedCoProcessFunction<String, DeviceReading, EnrolmentUpdate, DeviceReading> {
    private static final long serialVersionUID = 1L;

    /** Side output of refused readings. */
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("ingest-dead-letters",
            TypeInformation.of(DeadLetter.class));

    /** The same definition of "delayed" as the detector's ({@link ArrivalOrder}). */
    private static final ArrivalOrder LATENESS = new ArrivalOrder(ArrivalOrder.Parameters.defaults());

    /** Keyed state of the de-duplication memory. */
    static final String RECENT_IDS = "recent-event-fingerprints";
    /** Its name and form before issue 19. */
    static final String RECENT_ID_PAIRS = "recent-event-ids";

    private final long graceMs;
    private final long dedupHorizonMs;
    private final int dedupCap;

    /** The de-duplication memory ({@link RecentIds}, format 1: fingerprints in receipt-time buckets); since issue 19. */
    private transient ValueState<byte[]> recentIds;
    /** The memory as savepoints before issue 19 kept it (id hash and receipt time pairs): converted once, cleared. */
    private transient ValueState<long[]> recentIdPairs;
    private transient ValueState<PatientProfile> profile;
    private transient EnrolmentWait<DeviceReading> waiting;
    private transient Counter processed;
    private transient Counter duplicates;
    private transient Counter late;
    private transient Counter unknownPatient;
    private transient Counter programmeMismatch;

    public IngestGate(IngestSettings settings) {
        this.graceMs = settings.enrolmentGrace().toMillis();
        this.dedupHorizonMs = settings.dedupHorizon().toMillis();
        this.dedupCap = settings.dedupMaxIdsPerPatient();
    }

    @Override
    public void open(OpenContext openContext) {
        recentIds = getRuntimeContext().getState(new ValueStateDescriptor<>(RECENT_IDS,
                PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        recentIdPairs = getRuntimeContext().getState(new ValueStateDescriptor<>(RECENT_ID_PAIRS,
                PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
        profile = getRuntimeContext().getState(
                new ValueStateDescriptor<>("patient-profile", TypeInformation.of(PatientProfile.class)));
        waiting = EnrolmentWait.atGate(getRuntimeContext(), "awaiting-enrolment", "awaiting-enrolment-timer",
                DeviceReading.class, graceMs);
        var metrics = getRuntimeContext().getMetricGroup();
        processed = IngestMetrics.counter(metrics, IngestMetrics.PROCESSED);
        duplicates = IngestMetrics.counter(metrics, IngestMetrics.DUPLICATE);
        late = IngestMetrics.counter(metrics, IngestMetrics.LATE);
        unknownPatient = IngestMetrics.deadLetterCounter(metrics, DeadLetterReason.UNKNOWN_PATIENT.code());
        programmeMismatch = IngestMetrics.deadLetterCounter(metrics, DeadLetterReason.PROGRAMME_MISMATCH.code());
    }

    @Override
    public void processElement1(DeviceReading reading, Context ctx, Collector<DeviceReading> out) throws Exception {
        long id = RecentIds.fingerprint(reading.sourceId, reading.eventId);
        byte[] ids = recentIds.value();
        if (ids == null) {
            long[] pairs = recentIdPairs.value(); // a patient of a savepoint from before issue 19
            if (pairs != null) {
                ids = RecentIds.fromPairs(pairs, dedupHorizonMs, dedupCap);
                recentIdPairs.clear();
                recentIds.update(ids);
            }
        }
        if (RecentIds.contains(ids, id)) {
            duplicates.inc();
            return;
        }
        // remembered by broker time, not timeReceived: a client's clock must not expire the memory
        long seenAt = reading.brokerTimestamp > 0 ? reading.brokerTimestamp : reading.timeReceived;
        recentIds.update(RecentIds.add(ids, id, seenAt, dedupHorizonMs, dedupCap));

        // late = received long after its device time (a backlog): from the record itself, the same on every run
        // (the watermark's position when a record arrives varies between runs of the same input)
        reading.lateByMs = LATENESS.reportedDelayMs(reading.time, reading.timeReceived);

        PatientProfile p = profile.value();
        if (waiting.admit(reading, p, ctx.timerService(), (r, why) -> { })) { // the gate knows no unenrolment
            decide(reading, p, ctx, out);
        } // else it waits, up to the grace period
    }

    @Override
    public void processElement2(EnrolmentUpdate update, Context ctx, Collector<DeviceReading> out) throws Exception {
        if (update.isTombstone()) {
            profile.clear();
            recentIds.clear();
            recentIdPairs.clear();
            return; // readings still waiting keep waiting for a new enrolment until their grace ends
        }
        profile.update(update.profile);
        waiting.enrolled(ctx.timerService(), r -> decide(r, update.profile, ctx, out));
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<DeviceReading> out) throws Exception {
        waiting.expire(timestamp, (r, why) -> refuse(r, DeadLetterReason.UNKNOWN_PATIENT,
                "no enrolment in this programme within the grace period of " + graceMs / 1000 + " s", ctx));
    }

    /** A reading of an enrolled patient: admitted, or refused for a withdrawn patient or another programme. */
    private void decide(DeviceReading reading, PatientProfile p, Context ctx, Collector<DeviceReading> out) {
        if (!java.util.Objects.equals(p.programme, reading.programme)) {
            refuse(reading, DeadLetterReason.PROGRAMME_MISMATCH,
                    "reading's programme differs from the patient's enrolment", ctx);
        } else if (p.monitored()) {
            admit(reading, out);
        } else {
            refuse(reading, DeadLetterReason.UNKNOWN_PATIENT,
                    "patient is " + p.status.toLowerCase(java.util.Locale.ROOT), ctx);
        }
    }

    private void admit(DeviceReading reading, Collector<DeviceReading> out) {
        reading.clearProvenance();
        processed.inc();
        if (reading.isLate()) {
            late.inc();
        }
        out.collect(reading);
    }

    private void refuse(DeviceReading reading, DeadLetterReason reason, String detail, Context ctx) {
        (reason == DeadLetterReason.UNKNOWN_PATIENT ? unknownPatient : programmeMismatch).inc();
        ctx.output(DEAD_LETTERS, reading.toDeadLetter(reason.code(), detail));
    }
}
