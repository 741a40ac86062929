package org.wardstream.detect;

import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;
import org.wardstream.detector.PatternCue;
import org.wardstream.episodes.Transition;
import org.wardstream.rules.EpisodeType;

/**
 * Flink's type for the {@link PatternCue} stream and the CEP operators' state (their partial matches hold cues). The
 * cues are a sealed interface of records, which Flink's type extraction would hand to Kryo (an interface is no POJO):
 * this is an explicit, compact serializer instead. Each cue is one tag byte naming its kind, then its fields in a fixed
 * order. Tags are append only: a new kind of cue takes a new tag, and state written before still reads (the
 * serializer snapshot stays compatible as is). Changing the fields of an existing kind needs a new tag (and reading
 * the old one) so that partial matches in a savepoint stay readable. Tag 5 ({@link PatternCue.Transit}, a transition
 * passing through the pattern operators) was added by issue 12: it never enters a partial match.
 */
public final class PatternCueTypeInfo extends TypeInformation<PatternCue> {
    private static final long serialVersionUID = 1L;

    public static final PatternCueTypeInfo INSTANCE = new PatternCueTypeInfo();

    static final byte PAUSE = 1;
    static final byte STILL_FOR = 2;
    static final byte AF_RATE = 3;
    static final byte AF_END = 4;
    /** A lifecycle transition on its way through the pattern operators (never in their partial matches). */
    static final byte TRANSIT = 5;

    private PatternCueTypeInfo() {
    }

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 1;
    }

    @Override
    public int getTotalFields() {
        return 1;
    }

    @Override
    public Class<PatternCue> getTypeClass() {
        return PatternCue.class;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<PatternCue> createSerializer(SerializerConfig config) {
        return Serializer.INSTANCE;
    }

    @Override
    public String toString() {
        return "PatternCue";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PatternCueTypeInfo;
    }

    @Override
    public int hashCode() {
        return PatternCueTypeInfo.class.hashCode();
    }

    @Override
    public boolean canEqual(Object o) {
        return o instanceof PatternCueTypeInfo;
    }

    /** The cues' serializer (stateless; the records are immutable). */
    public static final class Serializer extends TypeSerializerSingleton<PatternCue> {
        private static final long serialVersionUID = 1L;
        public static final Serializer INSTANCE = new Serializer();

        @Override
        public boolean isImmutableType() {
            return true;
        }

        @Override
        public PatternCue createInstance() {
            return new PatternCue.AfEnd("", "", 0, 0, 0);
        }

        @Override
        public PatternCue copy(PatternCue from) {
            return from;
        }

        @Override
        public PatternCue copy(PatternCue from, PatternCue reuse) {
            return from;
        }

        @Override
        public int getLength() {
            return -1;
        }

        @Override
        public void serialize(PatternCue cue, DataOutputView out) throws IOException {
            // Java 17: no pattern switch; the interface is sealed, so these five are every kind
            PatternCue.Pause pause = cue instanceof PatternCue.Pause p ? p : null;
            PatternCue.StillFor still = cue instanceof PatternCue.StillFor s ? s : null;
            PatternCue.AfRate rate = cue instanceof PatternCue.AfRate r ? r : null;
            PatternCue.Transit transit = cue instanceof PatternCue.Transit t ? t : null;
            if (pause == null && still == null && rate == null && transit == null && !(cue instanceof PatternCue.AfEnd)) {
                throw new IllegalArgumentException("no serialised form for " + cue.getClass().getSimpleName());
            }
            out.writeByte(pause != null ? PAUSE : still != null ? STILL_FOR : rate != null ? AF_RATE
                    : transit != null ? TRANSIT : AF_END);
            StringValue.writeString(cue.patientId(), out);
            StringValue.writeString(cue.programme(), out);
            out.writeLong(cue.timeMs());
            out.writeLong(cue.delayedByMs());
            out.writeLong(cue.receivedMs());
            if (pause != null) {
                out.writeLong(pause.startMs());
                out.writeLong(pause.stillnessWithinMs());
                out.writeLong(pause.stillnessSpanMs());
            } else if (still != null) {
                out.writeLong(still.stillSinceMs());
            } else if (rate != null) {
                out.writeDouble(rate.smoothedRateBpm());
                out.writeByte((rate.fast() ? 1 : 0) | (rate.fastFrom() ? 2 : 0));
                out.writeLong(rate.fastRateMinDurationMs());
            } else if (transit != null) {
                writeTransition(transit.transition(), out);
            }
        }

        /** The fields of a transit's transition beyond the common ones (patient and time are the cue's). */
        private static void writeTransition(Transition t, DataOutputView out) throws IOException {
            StringValue.writeString(t.type().code(), out);
            out.writeByte(t.kind().ordinal());
            out.writeLong(t.episodeStartMs());
            StringValue.writeString(t.condition(), out);
            StringValue.writeString(t.detectorVersion(), out);
            out.writeInt(t.evidence().size());
            for (Map.Entry<String, Double> e : t.evidence().entrySet()) {
                StringValue.writeString(e.getKey(), out);
                out.writeDouble(e.getValue());
            }
        }

        private static Transition readTransition(String patient, long atMs, DataInputView in) throws IOException {
            String type = StringValue.readString(in);
            Transition.Kind kind = KINDS[in.readByte()];
            long episodeStartMs = in.readLong();
            String condition = StringValue.readString(in);
            String detectorVersion = StringValue.readString(in);
            int n = in.readInt();
            Map<String, Double> evidence = new TreeMap<>();
            for (int i = 0; i < n; i++) {
                evidence.put(StringValue.readString(in), in.readDouble());
            }
            return new Transition(patient, EpisodeType.fromCode(type)
                    .orElseThrow(() -> new IOException("unknown episode type " + type)), kind, episodeStartMs, atMs,
                    condition, detectorVersion, evidence);
        }

        private static final Transition.Kind[] KINDS = Transition.Kind.values();

        @Override
        public PatternCue deserialize(DataInputView in) throws IOException {
            byte tag = in.readByte();
            String patient = StringValue.readString(in);
            String programme = StringValue.readString(in);
            long time = in.readLong();
            long delayedBy = in.readLong();
            long received = in.readLong();
            return switch (tag) {
                case PAUSE -> new PatternCue.Pause(patient, programme, time, in.readLong(), in.readLong(), in.readLong(),
                        delayedBy, received);
                case STILL_FOR -> new PatternCue.StillFor(patient, programme, time, in.readLong(), delayedBy, received);
                case AF_RATE -> {
                    double rate = in.readDouble();
                    int flags = in.readByte();
                    yield new PatternCue.AfRate(patient, programme, time, rate, (flags & 1) != 0, (flags & 2) != 0,
                            in.readLong(), delayedBy, received);
                }
                case AF_END -> new PatternCue.AfEnd(patient, programme, time, delayedBy, received);
                case TRANSIT -> new PatternCue.Transit(readTransition(patient, time, in), programme, delayedBy, received);
                default -> throw new IOException("unknown pattern cue tag " + tag);
            };
        }

        @Override
        public PatternCue deserialize(PatternCue reuse, DataInputView in) throws IOException {
            return deserialize(in);
        }

        @Override
        public void copy(DataInputView in, DataOutputView out) throws IOException {
            serialize(deserialize(in), out);
        }

        @Override
        public TypeSerializerSnapshot<PatternCue> snapshotConfiguration() {
            return new Snapshot();
        }
    }

    /** The serializer's snapshot in checkpoints and savepoints (compatible as is while tags are only added). */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<PatternCue> {
        public Snapshot() {
            super(() -> Serializer.INSTANCE);
        }
    }
}
