package org.wardstream.bench;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.wardstream.contract.Rejection;
import org.wardstream.contract.Topics;
import org.wardstream.ingest.DeviceReading;
import org.wardstream.ingest.EnrolmentUpdate;
import org.wardstream.ingest.EventValidator;
import org.wardstream.ingest.IngestSettings;
import org.wardstream.ingest.PatientProfile;
import org.wardstream.schema.Enrolment;
import org.wardstream.schema.PatientKey;
import org.wardstream.schema.wire.AvroCodec;
import org.wardstream.simulator.SimulatedRecord;
import org.wardstream.simulator.SimulationSink;
import org.wardstream.simulator.Simulator;
import org.wardstream.simulator.SimulatorConfig;

/**
 * One event set for the whole benchmark, generated once by the simulator and held in memory: the first
 * {@code 2N} device-event records in delivery order as Avro wire bytes (for Kafka), the enrolments, and the
 * readings among the first {@code N} records decoded and validated as ingest would (injected faults and
 * re-sent duplicates left out) for the in-memory variants.
 */
public final class EventSet implements RecordSource {
    /** Device events per patient per simulated day, about (measured on the simulator's defaults). */
    static final int EVENTS_PER_PATIENT_DAY = 2_700;

    public final int patients;
    public final long seed;
    public final int days;
    /** Wire records: key, value, Kafka timestamp; the first {@link #n} are the throughput set. */
    public final List<byte[]> keys = new ArrayList<>();
    public final List<byte[]> values = new ArrayList<>();
    public final List<Long> timestamps = new ArrayList<>();
    public final int n;
    public final List<DeviceReading> readings = new ArrayList<>();
    public final List<EnrolmentUpdate> enrolments = new ArrayList<>();
    public final List<byte[]> enrolmentKeys = new ArrayList<>();
    public final List<byte[]> enrolmentValues = new ArrayList<>();
    /** Device time covered by the first N records, ms (first to last reading). */
    public final long spanMs;
    public final int hrSamples;
    public final int rrBatches;
    /** RR intervals (beats) in the readings of the throughput set. */
    public final long beats;
    /** Length of every pseudonym in the set (the simulator's own are 7 characters; see {@link #PRODUCTION_KEY_LENGTH}). */
    public final int keyLength;
    /** Pseudonyms as long as a production programme's (a UUID string). */
    public static final int PRODUCTION_KEY_LENGTH = 36;
    /** Injected unknown-patient records among the first N: ingest holds them for the enrolment grace before refusing them. */
    public final int unknownPatientN;
    /** The same among all records. */
    public final int unknownPatientTotal;

    private static final class Enough extends RuntimeException {
        Enough() {
            super(null, null, false, false);
        }
    }

    public EventSet(int n, int patients, long seed) {
        this(n, patients, seed, false);
    }

    /** The 36-character pseudonym standing for a simulator pseudonym (deterministic: a name-based UUID). */
    static String productionKey(String simulated) {
        return java.util.UUID.nameUUIDFromBytes(simulated.getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
    }

    /** The same device key with its pseudonym replaced by {@link #productionKey(String)}. */
    static org.wardstream.schema.DeviceEventKey productionKey(org.wardstream.schema.DeviceEventKey key) {
        return org.wardstream.schema.DeviceEventKey.newBuilder(key).setPatientId(productionKey(key.getPatientId())).build();
    }

    /** The same enrolment key with its pseudonym replaced by {@link #productionKey(String)}. */
    static PatientKey productionKey(PatientKey key) {
        return PatientKey.newBuilder(key).setPatientId(productionKey(key.getPatientId())).build();
    }

    /** The same enrolment with its pseudonym replaced by {@link #productionKey(String)}; null stays null. */
    static Enrolment productionKey(Enrolment value) {
        return value == null ? null : Enrolment.newBuilder(value).setPatientId(productionKey(value.getPatientId())).build();
    }

    /**
     * @param productionKeys whether every pseudonym (record keys, enrolments) is replaced by a 36-character one
     *                       ({@link #productionKey}), as in production, for measuring keyed state
     */
    public EventSet(int n, int patients, long seed, boolean productionKeys) {
        if (n < 1 || patients < 1) {
            throw new IllegalArgumentException("events and patients must be positive");
        }
        this.patients = patients;
        this.seed = seed;
        int total = 2 * n;
        this.days = (int) Math.min(366, Math.max(1, Math.ceil(1.15 * total / ((double) patients * EVENTS_PER_PATIENT_DAY))));
        Simulator sim = new Simulator(SimulatorConfig.defaults(patients, days, seed));
        EventValidator validator = new EventValidator(IngestSettings.defaults());
        AvroCodec<PatientKey> keyCodec = AvroCodec.patientKeys();
        AvroCodec<Enrolment> enrolmentCodec = AvroCodec.enrolments();
        AvroCodec<org.wardstream.schema.DeviceEventKey> deviceKeyCodec = AvroCodec.deviceEventKeys();
        long[] beatCount = {0};
        Set<String> seenIds = new HashSet<>();
        long[] span = {Long.MAX_VALUE, Long.MIN_VALUE};
        int[] kinds = new int[2];
        int[] unknown = new int[2];
        try {
            sim.run(new SimulationSink() {
                @Override
                public void enrolment(PatientKey key, Enrolment value) {
                    if (productionKeys) {
                        key = productionKey(key);
                        value = productionKey(value);
                    }
                    enrolmentKeys.add(keyCodec.encode(key));
                    enrolmentValues.add(value == null ? null : enrolmentCodec.encode(value));
                    enrolments.add(new EnrolmentUpdate(key.getProgramme(), key.getPatientId(), value == null ? null : PatientProfile.of(value)));
                }

                @Override
                public void deviceEvent(SimulatedRecord r) {
                    if (keys.size() >= total) {
                        throw new Enough();
                    }
                    boolean inFirstN = keys.size() < n;
                    if ("unknown-patient".equals(r.injectedFault())) {
                        unknown[1]++;
                        if (inFirstN) unknown[0]++;
                    }
                    org.wardstream.schema.DeviceEventKey decodedKey = r.decodedKey();
                    byte[] key = r.key();
                    if (productionKeys && decodedKey != null && decodedKey.getPatientId() != null) {
                        decodedKey = productionKey(decodedKey);
                        key = deviceKeyCodec.encode(decodedKey);
                    }
                    keys.add(key);
                    values.add(r.value());
                    timestamps.add(r.timestampMs());
                    if (inFirstN && r.isReading() && seenIds.add(r.decodedValue().getEventId())) {
                        try {
                            DeviceReading reading = validator.validate(decodedKey, r.decodedValue(), r.timestampMs());
                            readings.add(reading);
                            if (reading.rrMs != null) beatCount[0] += reading.rrMs.length;
                            span[0] = Math.min(span[0], reading.time);
                            span[1] = Math.max(span[1], reading.time);
                            if (reading.kind == DeviceReading.Kind.HEART_RATE) kinds[0]++;
                            if (reading.kind == DeviceReading.Kind.RR_BATCH) kinds[1]++;
                        } catch (Rejection e) {
                            // a real reading the validator refuses would be dead-lettered by ingest: not in the set
                        }
                    }
                }
            });
        } catch (Enough e) {
            // the set is complete
        }
        this.n = Math.min(n, keys.size());
        this.spanMs = readings.isEmpty() ? 0 : span[1] - span[0];
        this.hrSamples = kinds[0];
        this.rrBatches = kinds[1];
        this.unknownPatientN = unknown[0];
        this.unknownPatientTotal = unknown[1];
        this.beats = beatCount[0];
        this.keyLength = enrolments.isEmpty() ? 0 : enrolments.get(0).patientId.length();
    }

    /** Records in the whole set (up to 2N). */
    @Override
    public int size() {
        return keys.size();
    }

    @Override
    public int patients() {
        return patients;
    }

    @Override
    public int n() {
        return n;
    }

    @Override
    public int unknownPatientN() {
        return unknownPatientN;
    }

    @Override
    public void sendEnrolments(Producer<byte[], byte[]> producer, Callback check) {
        for (int i = 0; i < enrolmentKeys.size(); i++) {
            producer.send(new ProducerRecord<>(Topics.ENROLMENTS, enrolmentKeys.get(i), enrolmentValues.get(i)), check);
        }
    }

    @Override
    public void sendRecords(int from, int to, Producer<byte[], byte[]> producer, Integer partition, Callback check) {
        for (int i = from; i < to; i++) {
            producer.send(new ProducerRecord<>(Topics.DEVICE_EVENTS, partition, timestamps.get(i), keys.get(i),
                    values.get(i)), check);
        }
    }

    /** Readings per patient per minute of device time in the throughput set. */
    public double readingsPerPatientMinute() {
        return spanMs <= 0 ? Double.NaN : readings.size() / (patients * (spanMs / 60_000.0));
    }

    public double hrPerPatientMinute() {
        return spanMs <= 0 ? Double.NaN : hrSamples / (patients * (spanMs / 60_000.0));
    }

    public double rrBatchesPerPatientMinute() {
        return spanMs <= 0 ? Double.NaN : rrBatches / (patients * (spanMs / 60_000.0));
    }
}
