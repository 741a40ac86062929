package org.wardstream.detect;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

import org.wardstream.episodes.AlertClock;
import org.wardstream.episodes.EpisodeState;
import org.wardstream.rules.EpisodeType;
import org.wardstream.state.CompactBytes;
import org.wardstream.state.CompactState;

/**
 * The lifecycle state of each episode type for one patient, kept in Flink state as compact bytes.
 *
 * <p>Format 3: the version byte, the patient's clock ({@link #clockMs}), then as format 2. Format 2: the version byte,
 * the number of types this patient has used, then each as its episode-type code (a public contract that never
 * changes) and its {@link EpisodeState}. Adding, removing or reordering {@link EpisodeType} constants leaves stored
 * states readable. Format 1 (before it, no version byte) holds a presence flag and a state for each of the six types
 * of {@link #FORMAT_1_TYPES}, in that order. Formats 1 and 2 are still read (the clock then starts unknown).
 */
final class PatientEpisodes extends CompactState {
    static final byte FORMAT_VERSION = 3;
    static final byte FORMAT_2 = 2;
    /** {@link #clockMs} before any transition. */
    static final long NO_TIME = AlertClock.NO_TIME;
    /** The episode types, in order, of format 1 (their order in {@link EpisodeType} when it was written). */
    static final EpisodeType[] FORMAT_1_TYPES = {EpisodeType.ATRIAL_FIBRILLATION, EpisodeType.TACHYCARDIA,
            EpisodeType.BRADYCARDIA, EpisodeType.PAUSE, EpisodeType.INACTIVITY, EpisodeType.DEVICE_OFFLINE};

    final EpisodeState[] byType = new EpisodeState[EpisodeType.values().length];
    /**
     * The patient's clock ({@link AlertClock#advance}): the latest time one of the patient's transitions became known
     * (its receipt, or the detector's clock for released held readings). Only grows.
     */
    long clockMs = NO_TIME;

    PatientEpisodes() {
        super(128);
    }

    EpisodeState of(EpisodeType type) {
        EpisodeState s = byType[type.ordinal()];
        if (s == null) {
            s = new EpisodeState();
            byType[type.ordinal()] = s;
        }
        return s;
    }

    @Override
    public void writeTo(DataOutput out) throws IOException {
        out.writeByte(FORMAT_VERSION);
        out.writeLong(clockMs);
        int used = 0;
        for (EpisodeState s : byType) {
            used += s == null ? 0 : 1;
        }
        out.writeByte(used);
        for (EpisodeType type : EpisodeType.values()) {
            EpisodeState s = byType[type.ordinal()];
            if (s != null) {
                out.writeUTF(type.code());
                s.writeTo(out);
            }
        }
    }

    static PatientEpisodes fromBytes(byte[] bytes) {
        return bytes == null ? new PatientEpisodes() : CompactBytes.read(bytes, PatientEpisodes::readFrom);
    }

    static PatientEpisodes readFrom(DataInput in) throws IOException {
        PatientEpisodes p = new PatientEpisodes();
        byte first = in.readByte();
        if (first == 0 || first == 1) { // format 1: this byte is the first type's presence flag
            for (int i = 0; i < FORMAT_1_TYPES.length; i++) {
                if (i == 0 ? first == 1 : in.readBoolean()) {
                    p.byType[FORMAT_1_TYPES[i].ordinal()] = EpisodeState.readFrom(in);
                }
            }
            return p;
        }
        if (first != FORMAT_VERSION && first != FORMAT_2) {
            throw new IOException("unsupported PatientEpisodes format version " + first);
        }
        if (first == FORMAT_VERSION) {
            p.clockMs = in.readLong();
        }
        int used = in.readUnsignedByte();
        for (int i = 0; i < used; i++) {
            String code = in.readUTF();
            EpisodeType type = EpisodeType.fromCode(code)
                    .orElseThrow(() -> new IOException("episode state of an unknown episode type " + code));
            p.byType[type.ordinal()] = EpisodeState.readFrom(in);
        }
        return p;
    }
}
