package org.wardstream.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.wardstream.contract.DeadLetterReason;

class FaultRateTest {
    @Test
    void everyReasonAppearsOnceARunReachesTenThousandEvents() {
        int large = 0;
        for (long seed = 1; seed <= 4; seed++) {
            SimulationManifest m = new Simulator(SimulatorConfig.defaults(5, 1, seed)).run(new NullSink());
            if (m.deviceEvents() >= 10_000) {
                large++;
                for (DeadLetterReason r : FaultInjector.injectedReasons()) {
                    assertThat(m.malformedByReason().get(r.code())).as(r.code() + " seed " + seed).isPositive();
                }
            }
        }
        assertThat(large).isPositive();
    }

    @Test
    void zeroRatesInjectNothing() {
        SimulatorConfig c = SimulatorConfig.defaults(3, 1, 9).withRates(0, 0, 0);
        CountingSink sink = new CountingSink();
        SimulationManifest m = new Simulator(c).run(sink);
        assertThat(m.malformed()).isZero();
        assertThat(m.duplicates()).isZero();
        assertThat(sink.faults).isZero();
        assertThat(m.deviceEvents()).isEqualTo(sink.records).isPositive();
    }

    @Test
    void highRatesAreHonoured() {
        SimulatorConfig c = SimulatorConfig.defaults(3, 1, 9).withRates(0.05, 0.02, 0.1);
        SimulationManifest m = new Simulator(c).run(new NullSink());
        assertThat((double) m.malformed() / m.deviceEvents()).isBetween(0.049, 0.051);
        assertThat((double) m.duplicates() / m.deviceEvents()).isBetween(0.015, 0.025);
    }

    static class NullSink implements SimulationSink {
        @Override
        public void enrolment(org.wardstream.schema.PatientKey key, org.wardstream.schema.Enrolment value) {
        }

        @Override
        public void deviceEvent(SimulatedRecord record) {
        }
    }

    static final class CountingSink extends NullSink {
        long records;
        long faults;

        @Override
        public void deviceEvent(SimulatedRecord record) {
            records++;
            if (record.injectedFault() != null) {
                faults++;
            }
        }
    }
}
