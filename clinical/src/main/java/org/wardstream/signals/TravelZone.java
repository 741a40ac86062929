package org.wardstream.signals;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * Whose clock a patient's waking hours follow (inactivity, "awake" for sustained bradycardia): the home zone of the
 * enrolment, or, when the patient's device reports a UTC offset {@link #AWAY_AFTER_MINUTES} or more from the home
 * zone's at the same instant, the device's offset: a patient abroad sleeps and wakes on local time (adversarial probe
 * 21b, D1: a UK patient asleep in New York was alerted for bradycardia "while awake" at 03:11 and inactivity at 06:00
 * their time, and their evening bradycardia while awake was never alerted).
 *
 * <p>Why 2 hours: a device reporting an offset of 0 all year (many gateways and test producers do, and the contract's
 * field is required) is an hour from UK summer time; it must not move a patient at home an hour. A patient in western
 * or central Europe (an hour from UK time) stays on home time: waking hours an hour off change little; from 2 hours
 * on (eastern Europe, the Americas, Asia) they would misjudge the night. A fixed offset is used, not a region: the
 * device says what its clock is now, and its next readings say when that changes.
 */
public final class TravelZone {
    /** A device offset this far or further (minutes) from the home zone's at the same instant: the patient is away. */
    public static final int AWAY_AFTER_MINUTES = 120;

    private TravelZone() {
    }

    /**
     * The device's offset (minutes) when it says the patient is away from home at {@code timeMs}; null when the
     * patient is at home (the device's offset within {@link #AWAY_AFTER_MINUTES} of the home zone's).
     */
    public static Integer awayOffset(ZoneId home, long timeMs, int deviceOffsetMinutes) {
        int homeMinutes = home.getRules().getOffset(Instant.ofEpochMilli(timeMs)).getTotalSeconds() / 60;
        return Math.abs((long) deviceOffsetMinutes - homeMinutes) >= AWAY_AFTER_MINUTES ? deviceOffsetMinutes : null;
    }

    /** The zone waking hours are judged in: {@code home}, or the fixed offset the device reports while away. */
    public static ZoneId zone(ZoneId home, Integer awayOffsetMinutes) {
        return awayOffsetMinutes == null ? home : ZoneOffset.ofTotalSeconds(awayOffsetMinutes * 60);
    }
}
