package org.wardstream.localcluster;

import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

import org.wardstream.schema.Enrolment;
import org.wardstream.schema.PatientKey;
import org.wardstream.simulator.SimulatedRecord;
import org.wardstream.simulator.SimulationSink;

/**
 * Passes the simulation on at no more than {@code ratePerSecond} device events per second (0 = unpaced), so a
 * stream lasts long enough to upgrade, rescale or kill a TaskManager while it flows. Enrolments are not paced.
 */
public final class PacedSink implements SimulationSink {
    /** Waits for the given number of nanoseconds. */
    public interface Pause {
        void nanos(long nanos);
    }

    private final SimulationSink target;
    private final double nanosPerEvent;
    private final LongSupplier clock;
    private final Pause pause;
    private long started = -1;
    private long sent;

    public PacedSink(SimulationSink target, double ratePerSecond) {
        this(target, ratePerSecond, System::nanoTime, LockSupport::parkNanos);
    }

    PacedSink(SimulationSink target, double ratePerSecond, LongSupplier clock, Pause pause) {
        if (!(ratePerSecond >= 0)) {
            throw new IllegalArgumentException("rate must be >= 0, was " + ratePerSecond);
        }
        this.target = target;
        this.nanosPerEvent = ratePerSecond == 0 ? 0 : 1e9 / ratePerSecond;
        this.clock = clock;
        this.pause = pause;
    }

    @Override
    public void enrolment(PatientKey key, Enrolment value) {
        target.enrolment(key, value);
    }

    @Override
    public void deviceEvent(SimulatedRecord record) {
        if (nanosPerEvent > 0) {
            long now = clock.getAsLong();
            if (started < 0) {
                started = now;
            }
            long due = started + (long) (sent * nanosPerEvent);
            if (due > now) {
                pause.nanos(due - now);
            }
        }
        target.deviceEvent(record);
        sent++;
    }

    public long sent() {
        return sent;
    }
}
