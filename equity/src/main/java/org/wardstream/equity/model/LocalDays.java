package org.wardstream.equity.model;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;

/** Local calendar days in a patient's time zone, correct across clock changes (23, 24 or 25 hours). */
public final class LocalDays {
    /** The default patient time zone. */
    public static final ZoneId LONDON = ZoneId.of("Europe/London");

    private LocalDays() {
    }

    /** The local day an instant falls on. */
    public static LocalDate dayOf(Instant t, ZoneId zone) {
        return t.atZone(zone).toLocalDate();
    }

    /** The first instant of a local day (the start of the day, even where midnight does not exist). */
    public static Instant start(LocalDate day, ZoneId zone) {
        return day.atStartOfDay(zone).toInstant();
    }

    /** Real elapsed minutes of a local day: 1380, 1440 or 1500 in Europe/London. */
    public static int minutes(LocalDate day, ZoneId zone) {
        return (int) Duration.between(start(day, zone), start(day.plusDays(1), zone)).toMinutes();
    }

    /** The minute of the local day (0-based, in elapsed minutes since the day's start) of an instant. */
    public static int minuteOfDay(Instant t, ZoneId zone) {
        return (int) Duration.between(start(dayOf(t, zone), zone), t).toMinutes();
    }
}
