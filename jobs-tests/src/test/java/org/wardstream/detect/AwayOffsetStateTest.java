package org.wardstream.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.junit.jupiter.api.Test;
import org.wardstream.ingest.DeviceReading;
import org.wardstream.ingest.EnrolmentUpdate;
import org.wardstream.ingest.PatientProfile;
import org.wardstream.rules.Rules;

/**
 * The signal detector remembers the away offset ({@link AwayOffsetState}) of the patient it last saw and parses each
 * home zone once ({@link ProfileRules#homeZoneOf}), so a reading usually touches neither the state nor a zone parser;
 * the keyed state must still hold, after every reading, what reading it on every reading gave: patients interleaved,
 * patients in different home zones, an enrolment erased and made again, and a job restored from a checkpoint (the
 * state, not what the old operator remembered, is what counts then).
 */
class AwayOffsetStateTest {
    static final Rules RULES = Rules.loadClasspath();
    static final String LONDON_A = "p-away-a", LONDON_B = "p-away-b", NEW_YORK = "p-away-ny";
    static final int BST = 60, EDT = -240;
    long t = Instant.parse("2026-07-02T10:00:00Z").toEpochMilli();

    @Test
    void theStateHoldsEachPatientsAwayOffsetAfterEveryReading() throws Exception {
        DetectionChain.Snapshot checkpoint;
        try (var chain = new DetectionChain(RULES)) {
            chain.enrol(new EnrolmentUpdate(LONDON_A, profile("Europe/London")));
            chain.enrol(new EnrolmentUpdate(LONDON_B, profile("Europe/London")));
            chain.enrol(new EnrolmentUpdate(NEW_YORK, profile("America/New_York")));

            send(chain, LONDON_A, EDT, EDT);       // a London patient in New York: away
            send(chain, LONDON_B, BST, null);      // at home
            send(chain, NEW_YORK, EDT, null);      // the same device offset, a New York patient: at home
            send(chain, LONDON_A, EDT, EDT);       // still away (the patient last seen was another)
            send(chain, LONDON_A, EDT, EDT);       // still away (the same patient again)
            send(chain, LONDON_B, EDT, EDT);       // B leaves
            send(chain, LONDON_A, BST, null);      // A comes home
            send(chain, LONDON_A, BST, null);
            send(chain, NEW_YORK, BST, BST);       // the New York patient in London: away
            send(chain, LONDON_A, 0, null);        // a device reporting 0 all year: an hour from BST, home
            checkpoint = chain.snapshot(1);
        }
        try (var restored = new DetectionChain(RULES, checkpoint)) {
            assertThat(awayOffsets(restored)).as("restored").containsExactly(null, EDT, BST);
            send(restored, NEW_YORK, EDT, null);   // home again, first reading after the restore
            send(restored, LONDON_B, BST, null);
            send(restored, LONDON_A, EDT, EDT);
            restored.enrol(new EnrolmentUpdate(LONDON_A, null)); // erased (a tombstone): nothing kept
            assertThat(awayOffsets(restored)[0]).as("after the tombstone").isNull();
            restored.enrol(new EnrolmentUpdate(LONDON_A, profile("Europe/London")));
            send(restored, LONDON_A, EDT, EDT);    // enrolled again, still in New York
            send(restored, NEW_YORK, EDT, null);
            send(restored, LONDON_A, BST, null);
        }
    }

    /** A heart rate of {@code patient} with the device offset {@code offset}, then the state of every patient. */
    void send(DetectionChain chain, String patient, int offset, Integer expected) throws Exception {
        t += 30_000;
        DeviceReading r = new DeviceReading();
        r.patientId = patient;
        r.programme = "virtual-ward";
        r.sourceId = "watch";
        r.eventId = "watch-hr-" + t;
        r.kind = DeviceReading.Kind.HEART_RATE;
        r.time = t;
        r.timeReceived = t + 2000;
        r.utcOffsetMinutes = offset;
        r.bpm = 70f;
        Integer[] before = awayOffsets(chain);
        chain.send(r);
        Integer[] after = awayOffsets(chain);
        int i = java.util.List.of(LONDON_A, LONDON_B, NEW_YORK).indexOf(patient);
        before[i] = expected; // the others' are as they were
        assertThat(after).as("%s at offset %d", patient, offset).containsExactly(before);
    }

    /** The away offset in the signal operator's keyed state, of A, B and the New York patient. */
    static Integer[] awayOffsets(DetectionChain chain) throws Exception {
        KeyedStateBackend<String> backend = ((AbstractStreamOperator<?>) chain.signals.getOperator())
                .getKeyedStateBackend();
        var descriptor = new ValueStateDescriptor<>("detector-away-offset-minutes", Types.INT);
        Integer[] offsets = new Integer[3];
        String[] patients = {LONDON_A, LONDON_B, NEW_YORK};
        for (int i = 0; i < patients.length; i++) {
            backend.setCurrentKey(patients[i]);
            offsets[i] = backend.getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE,
                    descriptor).value();
        }
        return offsets;
    }

    static PatientProfile profile(String zone) {
        PatientProfile p = DetectionChain.profile("ACTIVE");
        p.timeZone = zone;
        return p;
    }
}
