package org.wardstream.equity.job;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;

/** A patient-day assigned to one aggregate window (its local day, or its calendar month). */
public class WindowedDay {
    public static final String DAY = "day";
    public static final String MONTH = "month";

    public String programme;
    public String granularity;
    public long windowStart;
    /** Exclusive, epoch day. */
    public long windowEnd;
    /** Event time at which the window is complete: the end of its last local day. */
    public long fireAt;
    public PatientDayRecord day;

    public WindowedDay() {
    }

    /** The window's key: programme|granularity|windowStart (one aggregate computation per key). */
    public String windowKey() {
        return programme + "|" + granularity + "|" + LocalDate.ofEpochDay(windowStart);
    }

    /** The daily window and the calendar-month window of a patient-day. */
    public static List<WindowedDay> windowsOf(PatientDayRecord r) {
        LocalDate day = r.day();
        LocalDate monthStart = day.withDayOfMonth(1);
        LocalDate monthEnd = monthStart.plusMonths(1);
        ZoneId zone = ZoneId.of(r.timeZone);
        return List.of(of(r, DAY, day, day.plusDays(1), r.dayEnd),
                of(r, MONTH, monthStart, monthEnd, PatientEquity.LocalDayMillis.start(monthEnd, zone)));
    }

    private static WindowedDay of(PatientDayRecord r, String granularity, LocalDate start, LocalDate end, long fireAt) {
        WindowedDay w = new WindowedDay();
        w.programme = r.programme;
        w.granularity = granularity;
        w.windowStart = start.toEpochDay();
        w.windowEnd = end.toEpochDay();
        w.fireAt = fireAt;
        w.day = r;
        return w;
    }
}
