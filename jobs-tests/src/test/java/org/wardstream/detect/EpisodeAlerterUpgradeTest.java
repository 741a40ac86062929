package org.wardstream.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;
import org.wardstream.episodes.EpisodeIds;
import org.wardstream.episodes.EpisodeState;
import org.wardstream.episodes.Transition;
import org.wardstream.ingest.EnrolmentUpdate;
import org.wardstream.ingest.IngestSettings;
import org.wardstream.ingest.PatientKeys;
import org.wardstream.ingest.PatientProfile;
import org.wardstream.rules.EpisodeType;
import org.wardstream.rules.RuleSchema;
import org.wardstream.rules.Rules;

/**
 * The alerter restored from a savepoint of the release before {@link EpisodeState} format 8, with an AF alert open
 * (its episode state in format 7, which did not record the detector version that opened it), then fed by the upgraded
 * detector ("wardstream-rr-analyser/6", the next AF model): the escalation and the close carry the id the OPENED alert
 * had, computed with that release's "wardstream-rr-analyser/5", so the triage worklist closes the alert it has.
 */
class EpisodeAlerterUpgradeTest {
    private static final String PROGRAMME = "prog-a", PATIENT = "p-upgrade";
    private static final long T0 = 1_772_441_000_000L, MIN = 60_000L;
    private static final String UPGRADED = "wardstream-rr-analyser/6";

    /**
     * The AF episode open at the savepoint, in EpisodeState format 7: today's format without the three detector version
     * bytes (format 8), the clock-restart flag (format 9) and the three id schemes (format 10).
     */
    private static byte[] openAfInFormat7() {
        EpisodeState s = new EpisodeState();
        s.phase = EpisodeState.OPEN;
        s.episodeStartMs = T0;
        s.lastEvidenceMs = T0 + 10 * MIN;
        s.lastNotifiedMs = T0 + MIN;
        byte[] now = s.toBytes();
        byte[] v7 = Arrays.copyOf(now, now.length - 3 - 1 - 3);
        v7[0] = 7;
        return v7;
    }

    /** Writes the alerter's state as the release before format 8 kept it: the profile, and PatientEpisodes format 3. */
    static final class PreviousRelease extends KeyedProcessFunction<String, String, String> {
        @Override
        public void processElement(String key, Context ctx, Collector<String> out) throws Exception {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream episodes = new DataOutputStream(bytes);
            episodes.writeByte(3);
            episodes.writeLong(T0 + 10 * MIN); // the patient's clock
            episodes.writeByte(1);
            episodes.writeUTF(EpisodeType.ATRIAL_FIBRILLATION.code());
            episodes.write(openAfInFormat7());
            var c = getRuntimeContext();
            c.getState(new ValueStateDescriptor<>("episodes", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO))
                    .update(bytes.toByteArray());
            PatientProfile p = new PatientProfile();
            p.programme = PROGRAMME;
            p.status = "ACTIVE";
            p.timeZone = "Europe/London";
            c.getState(new ValueStateDescriptor<>("alerter-profile", TypeInformation.of(PatientProfile.class))).update(p);
        }
    }

    private static OperatorSubtaskState savepointOfThePreviousRelease() throws Exception {
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new PreviousRelease()),
                (String s) -> s, Types.STRING)) {
            h.open();
            h.processElement(new StreamRecord<>(PatientKeys.of(PROGRAMME, PATIENT), T0));
            return h.snapshot(1, 1);
        }
    }

    private static StreamedTransition upgraded(Transition t, long receivedMs) {
        return StreamedTransition.of(t, PROGRAMME, 0, receivedMs);
    }

    @Test
    void anAfAlertOpenAtTheUpgradeEscalatesAndClosesWithTheIdItOpenedWith() throws Exception {
        try (var h = new KeyedTwoInputStreamOperatorTestHarness<String, StreamedTransition, EnrolmentUpdate, StreamedAlertChange>(
                new KeyedCoProcessOperator<>(new EpisodeAlerter(Rules.loadClasspath(), IngestSettings.defaults())),
                (StreamedTransition s) -> PatientKeys.of(s.programme, s.patientId), PatientKeys::of, Types.STRING)) {
            h.setup();
            h.initializeState(savepointOfThePreviousRelease());
            h.open();
            for (StreamedTransition t : List.of(
                    upgraded(Transition.escalate(PATIENT, EpisodeType.ATRIAL_FIBRILLATION, T0 + 12 * MIN,
                            RuleSchema.FAST_VENTRICULAR_RATE, UPGRADED, Map.of("fastRateBpm", 131.0)), T0 + 12 * MIN),
                    upgraded(Transition.end(PATIENT, EpisodeType.ATRIAL_FIBRILLATION, T0 + 20 * MIN, UPGRADED, Map.of()),
                            T0 + 21 * MIN))) {
                h.processElement1(new StreamRecord<>(t, t.atMs));
            }
            List<StreamedAlertChange> changes = h.extractOutputValues();
            assertThat(changes).extracting(c -> c.kind).containsExactly("ESCALATED", "CLOSED");
            // and the id scheme of that release: the pseudonym's alone, not the programme's
            assertThat(changes).extracting(c -> c.episodeId).containsOnly(EpisodeIds.of(EpisodeIds.SCHEME_PSEUDONYM,
                    PROGRAMME, PATIENT, EpisodeType.ATRIAL_FIBRILLATION, "wardstream-rr-analyser/5", T0));
            assertThat(changes).extracting(c -> c.detectorVersion).containsOnly(UPGRADED);
        }
    }
}
