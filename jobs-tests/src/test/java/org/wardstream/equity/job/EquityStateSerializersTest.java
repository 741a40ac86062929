package org.wardstream.equity.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;
import org.wardstream.rules.EpisodeType;

/**
 * The equity job's versioned state form: every field of every state class round-trips (a field added without being
 * written fails here), values are counted by code so the set of episode types can change, the bytes start with the
 * format version, and a snapshot of the former POJO serializer is accepted for migration.
 */
class EquityStateSerializersTest {

    private static <T> T roundTrip(TypeSerializer<T> s, T value) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(256);
        s.serialize(value, out);
        byte[] bytes = out.getCopyOfBuffer();
        assertThat(bytes[0]).as("format version first").isEqualTo(s == EquityStateSerializers.PATIENT_EQUITY
                ? EquityStateSerializers.PATIENT_EQUITY_FORMAT : s == EquityStateSerializers.PATIENT_DAY
                ? EquityStateSerializers.PATIENT_DAY_FORMAT : EquityStateSerializers.WINDOW_FORMAT);
        T back = s.deserialize(new DataInputDeserializer(bytes));
        DataOutputSerializer again = new DataOutputSerializer(256);
        s.serialize(back, again);
        assertThat(again.getCopyOfBuffer()).as("the same state, the same bytes").isEqualTo(bytes);
        assertThat(s.copy(value)).usingRecursiveComparison().isEqualTo(value);
        return back;
    }

    @Test
    void everyFieldOfEveryStateClassRoundTrips() throws Exception {
        PatientEquity p = filled(PatientEquity.class);
        assertThat(roundTrip(EquityStateSerializers.PATIENT_EQUITY, p))
                .usingRecursiveComparison().isEqualTo(p);
        PatientDayRecord r = filled(PatientDayRecord.class);
        assertThat(roundTrip(EquityStateSerializers.PATIENT_DAY, r))
                .usingRecursiveComparison().isEqualTo(r);
        WindowedDay w = filled(WindowedDay.class);
        assertThat(roundTrip(EquityStateSerializers.WINDOW, w))
                .usingRecursiveComparison().isEqualTo(w);
        w.day = null; // the window operator keeps its window without a day
        assertThat(roundTrip(EquityStateSerializers.WINDOW, w).day).isNull();
    }

    @Test
    void alertCountsAreKeptByCodeSoTheEpisodeTypesCanChange() throws Exception {
        // written by a version with a type this one does not have (or read by one with a type added since): the counts
        // are by code, never by enum ordinal, so neither side misreads the other
        PatientDayRecord r = filled(PatientDayRecord.class);
        r.clinicalAlerts = new HashMap<>(Map.of(EpisodeType.ATRIAL_FIBRILLATION.code(), 2, "a-type-added-later", 1));
        assertThat(roundTrip(EquityStateSerializers.PATIENT_DAY, r).clinicalAlerts)
                .containsExactlyInAnyOrderEntriesOf(Map.of("atrial-fibrillation", 2, "a-type-added-later", 1));
        PatientEquity p = filled(PatientEquity.class);
        p.days.values().iterator().next().clinical = new HashMap<>(Map.of("a-type-added-later", 3));
        assertThat(roundTrip(EquityStateSerializers.PATIENT_EQUITY, p).days.values().iterator().next()
                .clinical).containsExactlyEntriesOf(Map.of("a-type-added-later", 3));
    }

    @Test
    void thePacemakerRecordKeepsNotRecordedApartFromNoAndFormat1ReadsAsNotRecorded() throws Exception {
        for (Boolean recorded : java.util.Arrays.asList(Boolean.TRUE, Boolean.FALSE, null)) {
            PatientEquity p = filled(PatientEquity.class);
            p.pacemaker = recorded;
            assertThat(roundTrip(EquityStateSerializers.PATIENT_EQUITY, p).pacemaker).isEqualTo(recorded);
            PatientDayRecord r = filled(PatientDayRecord.class);
            r.pacemaker = recorded;
            assertThat(roundTrip(EquityStateSerializers.PATIENT_DAY, r).pacemaker).isEqualTo(recorded);
            assertThat(roundTrip(EquityStateSerializers.PATIENT_DAY, r).toPatientDay().pacemaker())
                    .isEqualTo(recorded);
        }
        // format 1 (before the field; restored from operator snapshots in EquityStateUpgradeTest): the same bytes
        // without the pacemaker at the end. Everything else reads as written, the pacemaker as not recorded.
        PatientEquity p = filled(PatientEquity.class);
        p.pacemaker = Boolean.TRUE;
        p.enrolmentPeriods = new java.util.ArrayList<>(); // format 3's periods (an empty list: 4 bytes) come after it
        p.episodes.values().forEach(e -> e.priority = null); // and format 4's priorities (none: 4 bytes)
        withoutFormat5(p); // and format 5's acknowledgements and priority raises (none: 4 bytes)
        PatientEquity fromFormat1 = EquityStateSerializers.PATIENT_EQUITY.deserialize(new DataInputDeserializer(
                older(EquityStateSerializers.PATIENT_EQUITY, p, 6, 1, 4 + 4 + 4 + 2 + 4)));
        assertThat(fromFormat1.pacemaker).isNull();
        assertThat(fromFormat1).usingRecursiveComparison().ignoringFields("pacemaker").isEqualTo(p);
        PatientDayRecord r = filled(PatientDayRecord.class);
        r.pacemaker = null;
        PatientDayRecord dayFromFormat1 = EquityStateSerializers.PATIENT_DAY.deserialize(new DataInputDeserializer(
                older(EquityStateSerializers.PATIENT_DAY, r, 2, 1, 1)));
        assertThat(dayFromFormat1).usingRecursiveComparison().isEqualTo(r);
    }

    /**
     * The bytes of a value in an older format: its current bytes ({@code current}) with the older version and without
     * the trailing fields added since ({@code addedBytes}).
     */
    private static <T> byte[] older(TypeSerializer<T> s, T value, int current, int version, int addedBytes)
            throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(256);
        s.serialize(value, out);
        byte[] bytes = out.getCopyOfBuffer();
        assertThat(bytes[0]).isEqualTo((byte) current);
        byte[] old = java.util.Arrays.copyOf(bytes, bytes.length - addedBytes);
        old[0] = (byte) version;
        return old;
    }

    /** Format 2 (before the enrolment periods) reads with none: the periods are derived from the enrolment fields. */
    @Test
    void format2ReadsWithoutPeriodsAndDerivesTheOneItsEnrolmentDescribes() throws Exception {
        PatientEquity p = filled(PatientEquity.class);
        p.enrolmentPeriods = new java.util.ArrayList<>();
        p.status = "WITHDRAWN";
        p.enrolledOnEpochDay = 20_000;
        p.endedOnEpochDay = 20_010;
        p.episodes.values().forEach(e -> e.priority = null); // format 4's priorities (none: 4 bytes)
        withoutFormat5(p); // format 5's (none: 4 bytes)
        PatientEquity fromFormat2 = EquityStateSerializers.PATIENT_EQUITY.deserialize(new DataInputDeserializer(
                older(EquityStateSerializers.PATIENT_EQUITY, p, 6, 2, 4 + 4 + 4 + 4)));
        assertThat(fromFormat2).usingRecursiveComparison().isEqualTo(p);
        assertThat(fromFormat2.periods()).containsExactly(new long[] {20_000, 20_010, 1});
        assertThat(fromFormat2.covers(20_010)).isTrue();
        assertThat(fromFormat2.covers(20_011)).isFalse();
    }

    /**
     * Format 3 (before the episodes' priorities, probe 17b D4) reads with none: each episode's acknowledgement is then
     * timed against the routine target, the single 4-hour target format 3's job used for every alert.
     */
    @Test
    void format3ReadsEpisodesWithoutPriorityAndTheCurrentFormatKeepsIt() throws Exception {
        PatientEquity p = filled(PatientEquity.class);
        assertThat(p.episodes).isNotEmpty();
        p.episodes.values().forEach(e -> e.priority = "urgent");
        assertThat(roundTrip(EquityStateSerializers.PATIENT_EQUITY, p).episodes.values())
                .allSatisfy(e -> assertThat(e.priority).isEqualTo("urgent"));
        p.episodes.values().forEach(e -> e.priority = null);
        withoutFormat5(p);
        PatientEquity fromFormat3 = EquityStateSerializers.PATIENT_EQUITY.deserialize(new DataInputDeserializer(
                older(EquityStateSerializers.PATIENT_EQUITY, p, 6, 3, 4 + 4 + 4)));
        assertThat(fromFormat3).usingRecursiveComparison().isEqualTo(p);
    }

    /**
     * Format 4 (before the first acknowledgement's time and the priority raises) reads with none: an alert
     * acknowledged before the upgrade stays as it was judged; the current format keeps both.
     */
    @Test
    void format4ReadsEpisodesWithoutAcknowledgementTimesOrRaisesAndTheCurrentFormatKeepsThem() throws Exception {
        PatientEquity p = filled(PatientEquity.class);
        assertThat(p.episodes.values()).allSatisfy(e -> assertThat(e.raisedPriority).isNotEmpty());
        assertThat(roundTrip(EquityStateSerializers.PATIENT_EQUITY, p)).usingRecursiveComparison().isEqualTo(p);
        withoutFormat5(p);
        PatientEquity fromFormat4 = EquityStateSerializers.PATIENT_EQUITY.deserialize(new DataInputDeserializer(
                older(EquityStateSerializers.PATIENT_EQUITY, p, 6, 4, 4 + 4)));
        assertThat(fromFormat4).usingRecursiveComparison().isEqualTo(p);
        assertThat(fromFormat4.episodes.values()).allSatisfy(e -> {
            assertThat(e.acknowledgedAt).isEqualTo(Long.MIN_VALUE);
            assertThat(e.raisedPriority).isEmpty();
        });
    }

    /** No format-5 data: what formats 1-4 read as (each episode: no acknowledgement time, no priority raise). */
    private static void withoutFormat5(PatientEquity p) {
        withoutFormat6(p);
        p.episodes.values().forEach(e -> {
            e.acknowledgedAt = Long.MIN_VALUE;
            e.ackDelay = Long.MIN_VALUE;
            e.raisedPriority = new TreeMap<>();
        });
    }

    /** No format-6 data: what formats 1-5 read as (no day keeps strata of its own). */
    private static void withoutFormat6(PatientEquity p) {
        p.days.values().forEach(d -> d.livedStrata = null);
    }

    /**
     * Format 5 (before the strata a day was lived in, probe 19a D9) reads with none: such a day re-emits with the
     * current strata, as format 5's job counted it; the current format keeps each day's, nulls included.
     */
    @Test
    void format5ReadsDaysWithoutStrataOfTheirOwnAndTheCurrentFormatKeepsThem() throws Exception {
        PatientEquity p = filled(PatientEquity.class);
        assertThat(p.days.values()).allSatisfy(d -> assertThat(d.livedStrata).contains((String) null).hasSize(6));
        assertThat(roundTrip(EquityStateSerializers.PATIENT_EQUITY, p)).usingRecursiveComparison().isEqualTo(p);
        withoutFormat6(p);
        PatientEquity fromFormat5 = EquityStateSerializers.PATIENT_EQUITY.deserialize(new DataInputDeserializer(
                older(EquityStateSerializers.PATIENT_EQUITY, p, 6, 5, 4)));
        assertThat(fromFormat5).usingRecursiveComparison().isEqualTo(p);
    }

    @Test
    void theFormerPojoSerializerIsMigratedAndTheOwnSnapshotIsCompatibleAsIs() throws Exception {
        for (var s : List.<TypeSerializer<?>>of(EquityStateSerializers.PATIENT_EQUITY,
                EquityStateSerializers.PATIENT_DAY, EquityStateSerializers.WINDOW)) {
            check(s);
        }
    }

    private static <T> void check(TypeSerializer<T> s) throws Exception {
        T instance = s.createInstance();
        @SuppressWarnings("unchecked")
        Class<T> type = (Class<T>) instance.getClass();
        TypeInformation<T> pojo = TypeInformation.of(type);
        assertThat(pojo).isInstanceOf(PojoTypeInfo.class);
        TypeSerializerSnapshot<T> former = pojo.createSerializer(new SerializerConfigImpl()).snapshotConfiguration();
        assertThat(s.snapshotConfiguration().resolveSchemaCompatibility(former).isCompatibleAfterMigration())
                .as(type.getSimpleName() + " from its POJO form").isTrue();
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, s.snapshotConfiguration());
        TypeSerializerSnapshot<T> own = TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(out.getCopyOfBuffer()), EquityStateSerializersTest.class.getClassLoader());
        assertThat(s.snapshotConfiguration().resolveSchemaCompatibility(own).isCompatibleAsIs()).isTrue();
    }

    // ------------------------------------------------------------------ a value in every field

    private static int counter = 7;

    /** An instance with a distinct non-default value in every public instance field (fails on a field type it does not know). */
    static <T> T filled(Class<T> type) throws Exception {
        T o = type.getDeclaredConstructor().newInstance();
        for (Field f : type.getFields()) {
            if (Modifier.isStatic(f.getModifiers())) continue;
            f.set(o, value(f.getType(), f.getGenericType() instanceof ParameterizedType pt ? pt : null, f.getName()));
        }
        return o;
    }

    private static Object value(Class<?> t, ParameterizedType generic, String name) throws Exception {
        int n = counter++;
        if (t == String.class) return name + "-" + n;
        if (t == long.class) return 1_000_000L + n;
        if (t == int.class) return n;
        if (t == boolean.class) return true;
        if (t == Boolean.class) return Boolean.TRUE;
        if (t == long[].class) return new long[] {n, -n, Long.MAX_VALUE};
        if (t == String[].class) return new String[] {name + "-" + n, null, "b", "c", "d", "e"};
        if (t == PatientDayRecord.class || t == PatientEquity.DayLedger.class || t == PatientEquity.EpisodeRef.class) {
            return filled(t);
        }
        if (generic != null && (t == ArrayList.class || t == HashMap.class || t == TreeMap.class)) {
            var args = generic.getActualTypeArguments();
            if (t == ArrayList.class) {
                ArrayList<Object> list = new ArrayList<>();
                list.add(value((Class<?>) args[0], null, name));
                list.add(value((Class<?>) args[0], null, name));
                return list;
            }
            Map<Object, Object> map = t == TreeMap.class ? new TreeMap<>() : new HashMap<>();
            for (int i = 0; i < 2; i++) {
                Object v = value((Class<?>) args[1], null, name);
                Object k = args[0] == Long.class && v instanceof PatientEquity.DayLedger d ? d.epochDay
                        : value((Class<?>) args[0], null, name);
                map.put(k, v);
            }
            return map;
        }
        if (t == Long.class) return 5_000L + n;
        if (t == Integer.class) return n;
        throw new AssertionError("no test value for a state field of type " + t + " (" + name
                + "): add one here and write the field in EquityStateSerializers");
    }
}
