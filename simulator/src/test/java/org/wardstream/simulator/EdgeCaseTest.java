package org.wardstream.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class EdgeCaseTest {
    @Test
    void offsetsFollowTheClockChangeToSummerTime() {
        // the UK moves to BST at 01:00 UTC on 2026-03-29
        SimulatorConfig c = new SimulatorConfig(6, 3, 5, Instant.parse("2026-03-28T00:00:00Z"), 0.001, 0.002, 0.01,
                "virtual-ward");
        Simulator sim = new Simulator(c);
        Set<Integer> offsets = new HashSet<>();
        long[] wrong = {0};
        SimulationManifest m = sim.run(new FaultRateTest.NullSink() {
            @Override
            public void deviceEvent(SimulatedRecord r) {
                if (r.isReading()) {
                    var v = r.decodedValue();
                    int expected = ZoneId.of("Europe/London").getRules().getOffset(v.getTime()).getTotalSeconds() / 60;
                    if (v.getUtcOffsetMinutes() != expected) {
                        wrong[0]++;
                    }
                    offsets.add(v.getUtcOffsetMinutes());
                }
            }
        });
        assertThat(m.deviceEvents()).isPositive();
        assertThat(wrong[0]).isZero();
        assertThat(offsets).containsExactlyInAnyOrder(0, 60);
        assertThat(sim.groundTruth()).allSatisfy(g -> assertThat(g.end()).isBefore(c.end()));
    }

    @Test
    void noPatientsNoEvents() {
        Simulator sim = new Simulator(SimulatorConfig.defaults(0, 1, 1));
        SimulationManifest m = sim.run(new FaultRateTest.NullSink());
        assertThat(m.deviceEvents()).isZero();
        assertThat(m.enrolments()).isZero();
        assertThat(sim.groundTruth()).isEmpty();
        assertThat(m.episodesByType()).containsOnlyKeys(EpisodeTypes.ALL).allSatisfy((k, v) -> assertThat(v).isZero());
    }

    @Test
    void badConfigsAreRefusedWithTheField() {
        assertThatThrownBy(() -> SimulatorConfig.defaults(-1, 1, 1)).hasMessageContaining("patients");
        assertThatThrownBy(() -> SimulatorConfig.defaults(1, 0, 1)).hasMessageContaining("days");
        assertThatThrownBy(() -> SimulatorConfig.defaults(1, 1, 1).withRates(0.5, 0, 0))
                .hasMessageContaining("malformedRate");
        assertThatThrownBy(() -> SimulatorConfig.defaults(1, 1, 1).withRates(0, Double.NaN, 0))
                .hasMessageContaining("duplicateRate");
        assertThatThrownBy(() -> new SimulatorConfig(1, 1, 1, SimulatorConfig.DEFAULT_START, 0, 0, 0, "virtual ward"))
                .hasMessageContaining("programme");
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        SimulatorConfig c = SimulatorConfig.defaults(200, 1, 7);
        assertThat(c.start()).isEqualTo(Instant.parse("2026-03-02T00:00:00Z"));
        assertThat(c.malformedRate()).isEqualTo(0.001);
        assertThat(c.duplicateRate()).isEqualTo(0.002);
        assertThat(c.outOfOrderRate()).isEqualTo(0.01);
        assertThat(c.programme()).isEqualTo("virtual-ward");
        assertThat(c.end()).isEqualTo(Instant.parse("2026-03-03T00:00:00Z"));
    }

    @Test
    void fastEncodersAgreeWithAvro() {
        assertThat(new WireEncoder().fast()).isTrue();
        assertThat(new ReplayJson().fast()).isTrue();
    }
}
