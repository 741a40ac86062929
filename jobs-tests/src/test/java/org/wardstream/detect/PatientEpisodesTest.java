package org.wardstream.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.wardstream.episodes.EpisodeState;
import org.wardstream.rules.EpisodeType;

/** The patient's episode states restore from every stored format, and stay readable when episode types are added. */
class PatientEpisodesTest {

    private static EpisodeState open(long startMs) {
        EpisodeState s = new EpisodeState();
        s.phase = EpisodeState.OPEN;
        s.episodeStartMs = startMs;
        return s;
    }

    @Test
    void roundTripsInFormat3() {
        PatientEpisodes p = new PatientEpisodes();
        p.byType[EpisodeType.PAUSE.ordinal()] = open(1_000L);
        p.byType[EpisodeType.DEVICE_OFFLINE.ordinal()] = open(2_000L);
        p.clockMs = 5_000L;
        byte[] bytes = p.toBytes();
        assertThat(bytes[0]).isEqualTo(PatientEpisodes.FORMAT_VERSION).isEqualTo((byte) 3);
        PatientEpisodes back = PatientEpisodes.fromBytes(bytes);
        assertThat(back).isEqualTo(p);
        assertThat(back.clockMs).isEqualTo(5_000L);
        assertThat(back.byType[EpisodeType.PAUSE.ordinal()].episodeStartMs).isEqualTo(1_000L);
        assertThat(back.byType[EpisodeType.ATRIAL_FIBRILLATION.ordinal()]).isNull();
        assertThat(new PatientEpisodes().clockMs).isEqualTo(PatientEpisodes.NO_TIME);
    }

    /** Format 2 as the code before format 3 wrote it (no clock): read with the clock unknown, written back as 3. */
    @Test
    void readsFormat2() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte(2);
        out.writeByte(2);
        out.writeUTF("pause");
        open(1_000L).writeTo(out);
        out.writeUTF("atrial-fibrillation");
        open(3_000L).writeTo(out);
        PatientEpisodes p = PatientEpisodes.fromBytes(bytes.toByteArray());
        assertThat(p.byType[EpisodeType.PAUSE.ordinal()].episodeStartMs).isEqualTo(1_000L);
        assertThat(p.byType[EpisodeType.ATRIAL_FIBRILLATION.ordinal()].episodeStartMs).isEqualTo(3_000L);
        assertThat(p.byType[EpisodeType.INACTIVITY.ordinal()]).isNull();
        assertThat(p.clockMs).isEqualTo(PatientEpisodes.NO_TIME);
        assertThat(p.toBytes()[0]).isEqualTo(PatientEpisodes.FORMAT_VERSION);
        assertThat(PatientEpisodes.fromBytes(p.toBytes())).isEqualTo(p);
    }

    /** Format 1 as the code before format 2 wrote it: a presence flag per type of its six, then the type's state. */
    @Test
    void readsFormat1() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        for (EpisodeType type : PatientEpisodes.FORMAT_1_TYPES) {
            boolean used = type == EpisodeType.ATRIAL_FIBRILLATION || type == EpisodeType.INACTIVITY;
            out.writeBoolean(used);
            if (used) {
                open(type.ordinal() * 1_000L + 7).writeTo(out);
            }
        }
        PatientEpisodes p = PatientEpisodes.fromBytes(bytes.toByteArray());
        assertThat(p.byType[EpisodeType.ATRIAL_FIBRILLATION.ordinal()].episodeStartMs).isEqualTo(7L);
        assertThat(p.byType[EpisodeType.INACTIVITY.ordinal()].episodeStartMs)
                .isEqualTo(EpisodeType.INACTIVITY.ordinal() * 1_000L + 7);
        assertThat(p.byType[EpisodeType.TACHYCARDIA.ordinal()]).isNull();
        // written again, it is format 2
        assertThat(p.toBytes()[0]).isEqualTo(PatientEpisodes.FORMAT_VERSION);
    }

    /**
     * State written when the enum had fewer constants stays readable once one is added: format 2 names each type by
     * its code, not by its position or by how many types there are. Simulated by writing a state with the types
     * known at the time (all but the last) through format 2's layout and reading it with today's enum, and by
     * checking that format 1's list is frozen rather than taken from {@code EpisodeType.values()}.
     */
    @Test
    void addingAnEpisodeTypeKeepsOlderStateReadable() throws IOException {
        EpisodeType[] all = EpisodeType.values();
        EpisodeType[] older = Arrays.copyOf(all, all.length - 1);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte(PatientEpisodes.FORMAT_VERSION);
        out.writeLong(PatientEpisodes.NO_TIME);
        out.writeByte(older.length);
        for (EpisodeType type : older) {
            out.writeUTF(type.code());
            open(type.ordinal()).writeTo(out);
        }
        PatientEpisodes p = PatientEpisodes.fromBytes(bytes.toByteArray());
        for (EpisodeType type : older) {
            assertThat(p.byType[type.ordinal()].episodeStartMs).isEqualTo(type.ordinal());
        }
        assertThat(p.byType[all[all.length - 1].ordinal()]).isNull();
        assertThat(PatientEpisodes.FORMAT_1_TYPES).extracting(EpisodeType::code).containsExactly(
                "atrial-fibrillation", "tachycardia", "bradycardia", "pause", "inactivity", "device-offline");
    }

    @Test
    void aTypeThisCodeDoesNotKnowIsAClearError() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte(PatientEpisodes.FORMAT_VERSION);
        out.writeLong(PatientEpisodes.NO_TIME);
        out.writeByte(1);
        out.writeUTF("no-such-type");
        open(1L).writeTo(out);
        assertThatThrownBy(() -> PatientEpisodes.fromBytes(bytes.toByteArray()))
                .hasRootCauseMessage("episode state of an unknown episode type no-such-type");
    }
}
