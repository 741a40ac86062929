package org.wardstream.equity.job;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.wardstream.state.CompactBytes;

/**
 * The equity job's keyed state in its own versioned byte form, as the detection job's {@code CompactState}s: every
 * value starts with its format version, the reader reads the current and every earlier format, and nothing goes
 * through Kryo. Maps are written sorted by key (the same state gives the same bytes); enum-like values are written by
 * their code or name, never by ordinal, so a new constant leaves older state readable.
 *
 * <p><b>Savepoints from before this format</b> hold these values as Flink POJOs (collections by Kryo). Each
 * serializer's snapshot accepts such a POJO snapshot as "compatible after migration": Flink reads the old values with
 * the restored POJO serializer and writes them in this format from the next checkpoint on
 * ({@code EquityStateUpgradeTest} restores a snapshot taken by that code).
 *
 * <p><b>Adding a field</b> to {@link PatientEquity}, {@link PatientEquity.DayLedger}, {@link PatientEquity.EpisodeRef},
 * {@link PatientDayRecord} or {@link WindowedDay}: write it last in {@code write*}, bump that class's format number
 * and read it only {@code if (v >= new format)}; {@code EquityStateSerializersTest} fails for a field that does not
 * round-trip.
 */
public final class EquityStateSerializers {

    /**
     * Format 1: the first versioned form (issue 12). Format 2: + the enrolment's pacemaker record (nullable, last);
     * format 1 reads with none (null: not recorded). Format 3: + the enrolment periods (last); formats 1-2 read with
     * none, and {@link PatientEquity#periods} derives the one period their enrolment fields describe. Format 4: + the
     * episodes' priorities (last: episode id -> Task.priority code, those known; probe 17b D4); formats 1-3 read
     * with none (the routine target, the single 4-hour target they were counted with). Format 5: + per episode
     * (last: episode id -> first acknowledgement's time and delay, and the later records that raised its priority),
     * so that an alert is counted at the highest priority it reached by its first acknowledgement; formats 1-4 read
     * with none (an alert acknowledged before is left as it was judged). Format 6: + the strata each day was lived in
     * when an enrolment update after its end changed them (last: epoch day -> the six fields of
     * {@link PatientEquity#STRATA_FIELDS}, nullable; probe 19a D9); formats 1-5 read with none (such days re-emit
     * with the current strata, as they were counted).
     */
    static final byte PATIENT_EQUITY_FORMAT = 6;
    /** Format 2: + pacemaker, as {@link #PATIENT_EQUITY_FORMAT}. */
    static final byte PATIENT_DAY_FORMAT = 2;
    /** Format 1 still: its patient-day carries its own format byte. */
    static final byte WINDOW_FORMAT = 1;

    private EquityStateSerializers() {
    }

    // ------------------------------------------------------------------ PatientEquity

    static void write(PatientEquity p, DataOutput out) throws IOException {
        out.writeByte(PATIENT_EQUITY_FORMAT);
        writeString(out, p.programme);
        writeString(out, p.status);
        out.writeLong(p.enrolledOnEpochDay);
        out.writeLong(p.endedOnEpochDay);
        writeString(out, p.timeZone);
        writeString(out, p.imdQuintile);
        writeString(out, p.imdEdition);
        writeString(out, p.ethnicGroup);
        writeString(out, p.ageBand);
        writeString(out, p.sex);
        writeString(out, p.icb);
        out.writeInt(p.activeSpans.size());
        for (long[] span : p.activeSpans) writeLongs(out, span);
        out.writeLong(p.nextChainDay);
        out.writeLong(p.lastEventTime);
        out.writeInt(p.days.size());
        for (PatientEquity.DayLedger d : p.days.values()) writeLedger(out, d);
        out.writeInt(p.episodes.size());
        for (Map.Entry<String, PatientEquity.EpisodeRef> e : new TreeMap<>(p.episodes).entrySet()) {
            out.writeUTF(e.getKey());
            PatientEquity.EpisodeRef r = e.getValue();
            out.writeLong(r.epochDay);
            out.writeBoolean(r.clinical);
            out.writeLong(r.raisedAt);
            out.writeBoolean(r.acknowledged);
            writeString(out, r.type);
            out.writeBoolean(r.closed);
        }
        writePending(out, p.pendingTriage);
        writePending(out, p.pendingClosures);
        writeFlag(out, p.pacemaker);
        out.writeInt(p.enrolmentPeriods.size());
        for (long[] period : p.enrolmentPeriods) writeLongs(out, period);
        // format 4: the episodes' priorities (those known), by episode id
        TreeMap<String, String> priorities = new TreeMap<>();
        p.episodes.forEach((id, r) -> {
            if (r.priority != null) priorities.put(id, r.priority);
        });
        out.writeInt(priorities.size());
        for (Map.Entry<String, String> e : priorities.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeUTF(e.getValue());
        }
        // format 5: the first acknowledgement (time, delay) and the priority raises, by episode id
        TreeMap<String, PatientEquity.EpisodeRef> judged = new TreeMap<>();
        p.episodes.forEach((id, r) -> {
            if (r.acknowledgedAt != Long.MIN_VALUE || !r.raisedPriority.isEmpty()) judged.put(id, r);
        });
        out.writeInt(judged.size());
        for (Map.Entry<String, PatientEquity.EpisodeRef> e : judged.entrySet()) {
            PatientEquity.EpisodeRef r = e.getValue();
            out.writeUTF(e.getKey());
            out.writeLong(r.acknowledgedAt);
            out.writeLong(r.ackDelay);
            out.writeInt(r.raisedPriority.size());
            for (Map.Entry<Long, String> raise : r.raisedPriority.entrySet()) {
                out.writeLong(raise.getKey());
                out.writeUTF(raise.getValue());
            }
        }
        // format 6: the strata of days lived before an enrolment update changed them, by day
        TreeMap<Long, String[]> lived = new TreeMap<>();
        p.days.forEach((day, d) -> {
            if (d.livedStrata != null) lived.put(day, d.livedStrata);
        });
        out.writeInt(lived.size());
        for (Map.Entry<Long, String[]> e : lived.entrySet()) {
            out.writeLong(e.getKey());
            for (String field : e.getValue()) writeString(out, field);
        }
    }

    static PatientEquity readPatientEquity(DataInput in) throws IOException {
        byte v = CompactBytes.expectVersion(in, "PatientEquity", (byte) 1, (byte) 2, (byte) 3, (byte) 4, (byte) 5,
                PATIENT_EQUITY_FORMAT);
        PatientEquity p = new PatientEquity();
        p.programme = readString(in);
        p.status = readString(in);
        p.enrolledOnEpochDay = in.readLong();
        p.endedOnEpochDay = in.readLong();
        p.timeZone = readString(in);
        p.imdQuintile = readString(in);
        p.imdEdition = readString(in);
        p.ethnicGroup = readString(in);
        p.ageBand = readString(in);
        p.sex = readString(in);
        p.icb = readString(in);
        int spans = in.readInt();
        for (int i = 0; i < spans; i++) p.activeSpans.add(readLongs(in));
        p.nextChainDay = in.readLong();
        p.lastEventTime = in.readLong();
        int days = in.readInt();
        for (int i = 0; i < days; i++) {
            PatientEquity.DayLedger d = readLedger(in);
            p.days.put(d.epochDay, d);
        }
        int episodes = in.readInt();
        for (int i = 0; i < episodes; i++) {
            String id = in.readUTF();
            PatientEquity.EpisodeRef r = new PatientEquity.EpisodeRef();
            r.epochDay = in.readLong();
            r.clinical = in.readBoolean();
            r.raisedAt = in.readLong();
            r.acknowledged = in.readBoolean();
            r.type = readString(in);
            r.closed = in.readBoolean();
            p.episodes.put(id, r);
        }
        readPending(in, p.pendingTriage);
        readPending(in, p.pendingClosures);
        p.pacemaker = v >= 2 ? readFlag(in) : null; // format 1: not recorded
        if (v >= 3) {
            int periods = in.readInt();
            for (int i = 0; i < periods; i++) p.enrolmentPeriods.add(readLongs(in));
        }
        if (v >= 4) { // formats 1-3: no priority known (the routine target, the single 4 h target they counted with)
            int priorities = in.readInt();
            for (int i = 0; i < priorities; i++) {
                String id = in.readUTF();
                String priority = in.readUTF();
                PatientEquity.EpisodeRef r = p.episodes.get(id);
                if (r != null) r.priority = priority;
            }
        }
        if (v >= 5) { // formats 1-4: no acknowledgement time or priority raise known
            int judged = in.readInt();
            for (int i = 0; i < judged; i++) {
                PatientEquity.EpisodeRef r = p.episodes.get(in.readUTF());
                long acknowledgedAt = in.readLong();
                long ackDelay = in.readLong();
                int raises = in.readInt();
                TreeMap<Long, String> raised = new TreeMap<>();
                for (int j = 0; j < raises; j++) raised.put(in.readLong(), in.readUTF());
                if (r != null) {
                    r.acknowledgedAt = acknowledgedAt;
                    r.ackDelay = ackDelay;
                    r.raisedPriority = raised;
                }
            }
        }
        if (v >= 6) { // formats 1-5: no day kept strata of its own
            int lived = in.readInt();
            for (int i = 0; i < lived; i++) {
                long day = in.readLong();
                String[] s = new String[PatientEquity.STRATA_FIELDS.size()];
                for (int k = 0; k < s.length; k++) s[k] = readString(in);
                PatientEquity.DayLedger d = p.days.get(day);
                if (d != null) d.livedStrata = s;
            }
        }
        return p;
    }

    /** Triage actions waiting for their episode, by episode id (sorted, so equal state writes equal bytes). */
    private static void writePending(DataOutput out, Map<String, long[]> pending) throws IOException {
        out.writeInt(pending.size());
        for (Map.Entry<String, long[]> e : new TreeMap<>(pending).entrySet()) {
            out.writeUTF(e.getKey());
            writeLongs(out, e.getValue());
        }
    }

    private static void readPending(DataInput in, Map<String, long[]> into) throws IOException {
        int n = in.readInt();
        for (int i = 0; i < n; i++) into.put(in.readUTF(), readLongs(in));
    }

    private static void writeLedger(DataOutput out, PatientEquity.DayLedger d) throws IOException {
        out.writeLong(d.epochDay);
        out.writeLong(d.start);
        out.writeLong(d.end);
        writeLongs(out, d.minutes);
        writeCounts(out, d.clinical);
        out.writeInt(d.technical);
        writeLongList(out, d.delays);
        out.writeInt(d.alertsRaised);
        out.writeInt(d.acknowledgedWithinTarget);
        out.writeBoolean(d.emitted);
        out.writeBoolean(d.dirty);
        out.writeInt(d.revision);
        out.writeInt(d.lastHash);
        writeCounts(out, d.closed);
        writeCounts(out, d.closedWithAction);
        writeLongList(out, d.ackDelays);
    }

    private static PatientEquity.DayLedger readLedger(DataInput in) throws IOException {
        PatientEquity.DayLedger d = new PatientEquity.DayLedger();
        d.epochDay = in.readLong();
        d.start = in.readLong();
        d.end = in.readLong();
        d.minutes = readLongs(in);
        d.clinical = readCounts(in);
        d.technical = in.readInt();
        d.delays = readLongList(in);
        d.alertsRaised = in.readInt();
        d.acknowledgedWithinTarget = in.readInt();
        d.emitted = in.readBoolean();
        d.dirty = in.readBoolean();
        d.revision = in.readInt();
        d.lastHash = in.readInt();
        d.closed = readCounts(in);
        d.closedWithAction = readCounts(in);
        d.ackDelays = readLongList(in);
        return d;
    }

    // ------------------------------------------------------------------ PatientDayRecord

    static void write(PatientDayRecord r, DataOutput out) throws IOException {
        out.writeByte(PATIENT_DAY_FORMAT);
        writeString(out, r.programme);
        writeString(out, r.patientId);
        out.writeLong(r.epochDay);
        out.writeLong(r.dayEnd);
        writeString(out, r.timeZone);
        out.writeInt(r.revision);
        writeString(out, r.imdQuintile);
        writeString(out, r.imdEdition);
        writeString(out, r.ethnicGroup);
        writeString(out, r.ageBand);
        writeString(out, r.sex);
        writeString(out, r.icb);
        out.writeInt(r.dayMinutes);
        out.writeInt(r.enrolledMinutes);
        out.writeInt(r.dataMinutes);
        out.writeBoolean(r.monitored);
        writeCounts(out, r.clinicalAlerts);
        out.writeInt(r.technicalAlerts);
        writeLongList(out, r.alertDelaysMs);
        out.writeInt(r.alertsRaised);
        out.writeInt(r.acknowledgedWithinTarget);
        out.writeBoolean(r.enrolledStart);
        out.writeBoolean(r.disenrolled);
        writeCounts(out, r.alertsClosed);
        writeCounts(out, r.alertsClosedWithAction);
        writeLongList(out, r.ackDelaysMs);
        writeFlag(out, r.pacemaker);
    }

    static PatientDayRecord readPatientDay(DataInput in) throws IOException {
        byte v = CompactBytes.expectVersion(in, "PatientDayRecord", (byte) 1, PATIENT_DAY_FORMAT);
        PatientDayRecord r = new PatientDayRecord();
        r.programme = readString(in);
        r.patientId = readString(in);
        r.epochDay = in.readLong();
        r.dayEnd = in.readLong();
        r.timeZone = readString(in);
        r.revision = in.readInt();
        r.imdQuintile = readString(in);
        r.imdEdition = readString(in);
        r.ethnicGroup = readString(in);
        r.ageBand = readString(in);
        r.sex = readString(in);
        r.icb = readString(in);
        r.dayMinutes = in.readInt();
        r.enrolledMinutes = in.readInt();
        r.dataMinutes = in.readInt();
        r.monitored = in.readBoolean();
        r.clinicalAlerts = readCounts(in);
        r.technicalAlerts = in.readInt();
        r.alertDelaysMs = readLongList(in);
        r.alertsRaised = in.readInt();
        r.acknowledgedWithinTarget = in.readInt();
        r.enrolledStart = in.readBoolean();
        r.disenrolled = in.readBoolean();
        r.alertsClosed = readCounts(in);
        r.alertsClosedWithAction = readCounts(in);
        r.ackDelaysMs = readLongList(in);
        r.pacemaker = v >= 2 ? readFlag(in) : null; // format 1: not recorded
        return r;
    }

    // ------------------------------------------------------------------ WindowedDay

    static void write(WindowedDay w, DataOutput out) throws IOException {
        out.writeByte(WINDOW_FORMAT);
        writeString(out, w.programme);
        writeString(out, w.granularity);
        out.writeLong(w.windowStart);
        out.writeLong(w.windowEnd);
        out.writeLong(w.fireAt);
        out.writeBoolean(w.day != null);
        if (w.day != null) write(w.day, out);
    }

    static WindowedDay readWindow(DataInput in) throws IOException {
        CompactBytes.expectVersion(in, "WindowedDay", WINDOW_FORMAT);
        WindowedDay w = new WindowedDay();
        w.programme = readString(in);
        w.granularity = readString(in);
        w.windowStart = in.readLong();
        w.windowEnd = in.readLong();
        w.fireAt = in.readLong();
        w.day = in.readBoolean() ? readPatientDay(in) : null;
        return w;
    }

    // ------------------------------------------------------------------ parts

    private static void writeString(DataOutput out, String s) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) out.writeUTF(s);
    }

    private static String readString(DataInput in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }

    /** A nullable Boolean: whether it is set, then its value (null stays null, never false). */
    private static void writeFlag(DataOutput out, Boolean b) throws IOException {
        out.writeBoolean(b != null);
        if (b != null) out.writeBoolean(b);
    }

    private static Boolean readFlag(DataInput in) throws IOException {
        return in.readBoolean() ? in.readBoolean() : null;
    }

    /** A nullable long[]: length (-1 for null), then the values. */
    private static void writeLongs(DataOutput out, long[] values) throws IOException {
        out.writeInt(values == null ? -1 : values.length);
        if (values != null) for (long v : values) out.writeLong(v);
    }

    private static long[] readLongs(DataInput in) throws IOException {
        int n = in.readInt();
        if (n < 0) return null;
        long[] values = new long[n];
        for (int i = 0; i < n; i++) values[i] = in.readLong();
        return values;
    }

    private static void writeLongList(DataOutput out, ArrayList<Long> values) throws IOException {
        out.writeInt(values.size());
        for (Long v : values) out.writeLong(v);
    }

    private static ArrayList<Long> readLongList(DataInput in) throws IOException {
        int n = in.readInt();
        ArrayList<Long> values = new ArrayList<>(n);
        for (int i = 0; i < n; i++) values.add(in.readLong());
        return values;
    }

    /** Counts by code (e.g. episode-type code), sorted by code: a code added later reads like any other. */
    private static void writeCounts(DataOutput out, Map<String, Integer> counts) throws IOException {
        out.writeInt(counts.size());
        for (Map.Entry<String, Integer> e : new TreeMap<>(counts).entrySet()) {
            out.writeUTF(e.getKey());
            out.writeInt(e.getValue());
        }
    }

    private static HashMap<String, Integer> readCounts(DataInput in) throws IOException {
        int n = in.readInt();
        HashMap<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < n; i++) counts.put(in.readUTF(), in.readInt());
        return counts;
    }

    // ------------------------------------------------------------------ Flink serializers

    /** Writes a value's versioned form. */
    interface Writer<T> extends java.io.Serializable {
        void write(T value, DataOutput out) throws IOException;
    }

    /** Reads a value's current or an earlier form. */
    interface Reader<T> extends java.io.Serializable {
        T read(DataInput in) throws IOException;
    }

    /** A Flink serializer over a class's versioned byte form. Copies go through the bytes (deep, always right). */
    public static final class Compact<T> extends TypeSerializer<T> {
        private static final long serialVersionUID = 1L;
        private final Class<T> type;
        private final Writer<T> writer;
        private final Reader<T> reader;

        private Compact(Class<T> type, Writer<T> writer, Reader<T> reader) {
            this.type = type;
            this.writer = writer;
            this.reader = reader;
        }

        @Override
        public boolean isImmutableType() {
            return false;
        }

        @Override
        public TypeSerializer<T> duplicate() {
            return this; // stateless
        }

        @Override
        public T createInstance() {
            try {
                return type.getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public T copy(T from) {
            if (from == null) return null;
            return CompactBytes.read(CompactBytes.of(out -> writer.write(from, out), 256), reader::read);
        }

        @Override
        public T copy(T from, T reuse) {
            return copy(from);
        }

        @Override
        public int getLength() {
            return -1;
        }

        @Override
        public void serialize(T value, DataOutputView out) throws IOException {
            writer.write(value, out);
        }

        @Override
        public T deserialize(DataInputView in) throws IOException {
            return reader.read(in);
        }

        @Override
        public T deserialize(T reuse, DataInputView in) throws IOException {
            return reader.read(in);
        }

        @Override
        public void copy(DataInputView in, DataOutputView out) throws IOException {
            writer.write(reader.read(in), out);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Compact<?> c && c.type == type;
        }

        @Override
        public int hashCode() {
            return type.hashCode();
        }

        @Override
        public TypeSerializerSnapshot<T> snapshotConfiguration() {
            @SuppressWarnings("unchecked")
            TypeSerializerSnapshot<T> s = (TypeSerializerSnapshot<T>) (type == PatientEquity.class ? new PatientEquitySnapshot()
                    : type == PatientDayRecord.class ? new PatientDaySnapshot() : new WindowSnapshot());
            return s;
        }
    }

    /** {@link PatientEquity} (the patient-day operator's per-patient state). */
    public static final Compact<PatientEquity> PATIENT_EQUITY = new Compact<>(PatientEquity.class,
            EquityStateSerializers::write, EquityStateSerializers::readPatientEquity);
    /** {@link PatientDayRecord} (the window operator's patient-days). */
    public static final Compact<PatientDayRecord> PATIENT_DAY = new Compact<>(PatientDayRecord.class,
            EquityStateSerializers::write, EquityStateSerializers::readPatientDay);
    /** {@link WindowedDay} (the window operator's window). */
    public static final Compact<WindowedDay> WINDOW = new Compact<>(WindowedDay.class, EquityStateSerializers::write,
            EquityStateSerializers::readWindow);

    /**
     * The snapshot of a {@link Compact} serializer (one class per state class, as Flink restores a snapshot by its
     * class): compatible as is with its own (the values carry their format), and after migration with the POJO
     * serializer that kept the class before (see the class comment).
     */
    abstract static class CompactSnapshot<T> extends SimpleTypeSerializerSnapshot<T> {
        CompactSnapshot(Compact<T> serializer) {
            super(() -> serializer);
        }

        @Override
        public TypeSerializerSchemaCompatibility<T> resolveSchemaCompatibility(TypeSerializerSnapshot<T> old) {
            // the state (by its name) held this class as a POJO: read with that serializer, written with this one
            if (old instanceof PojoSerializerSnapshot<?>) {
                return TypeSerializerSchemaCompatibility.compatibleAfterMigration();
            }
            return super.resolveSchemaCompatibility(old);
        }
    }

    public static final class PatientEquitySnapshot extends CompactSnapshot<PatientEquity> {
        public PatientEquitySnapshot() {
            super(PATIENT_EQUITY);
        }
    }

    public static final class PatientDaySnapshot extends CompactSnapshot<PatientDayRecord> {
        public PatientDaySnapshot() {
            super(PATIENT_DAY);
        }
    }

    public static final class WindowSnapshot extends CompactSnapshot<WindowedDay> {
        public WindowSnapshot() {
            super(WINDOW);
        }
    }
}
