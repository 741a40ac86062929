package org.wardstream.detect;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import org.wardstream.episodes.EpisodeState;
import org.wardstream.rules.EpisodeType;

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
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
            DataOutputStream out = new DataOutputStream(bytes);
            for (EpisodeState s : byType) {
                out.writeBoolean(s != null);
                if (s != null) {
                    s.writeTo(out);
                }
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static PatientEpisodes fromBytes(byte[] bytes) {
        PatientEpisodes p = new PatientEpisodes();
        if (bytes == null) {
            return p;
        }
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
            for (int i = 0; i < TYPES.length; i++) {
                if (in.readBoolean()) {
                    p.byType[i] = EpisodeState.readFrom(in);
                }
            }
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
