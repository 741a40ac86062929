package org.wardstream.detect;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

import org.wardstream.episodes.EpisodeState;
import org.wardstream.rules.EpisodeType;
import org.wardstream.state.CompactBytes;

/** The lifecycle state of each episode type for one patient, kept in Flink state as compact bytes. */
final class PatientEpisodes {
    private static final EpisodeType[] TYPES = EpisodeType.values();
    final EpisodeState[] byType = new EpisodeState[TYPES.length];

    EpisodeState of(EpisodeType type) {
        EpisodeState s = byType[type.ordinal()];
        if (s == null) {
            s = new EpisodeState();
            byType[type.ordinal()] = s;
        }
        return s;
    }

    byte[] toBytes() {
        return CompactBytes.of(this::writeTo, 128);
    }

    /** A presence flag per episode type, then the state of each type this patient has used. */
    private void writeTo(DataOutput out) throws IOException {
        for (EpisodeState s : byType) {
            out.writeBoolean(s != null);
            if (s != null) {
                s.writeTo(out);
            }
        }
    }

    static PatientEpisodes fromBytes(byte[] bytes) {
        return bytes == null ? new PatientEpisodes() : CompactBytes.read(bytes, PatientEpisodes::readFrom);
    }

    private static PatientEpisodes readFrom(DataInput in) throws IOException {
        PatientEpisodes p = new PatientEpisodes();
        for (int i = 0; i < TYPES.length; i++) {
            if (in.readBoolean()) {
                p.byType[i] = EpisodeState.readFrom(in);
            }
        }
        return p;
    }
}
