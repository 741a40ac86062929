package org.wardstream.contract;

import java.util.Locale;

/**
 * The one figure of clinician time per alert wardstream plans with: the commissioners' report's alert burden
 * ({@code ./wardstream report}, "Alert burden and clinician time"), the what-if's workload estimate (the default
 * of {@code whatif --minutes-per-alert}) and the simulator's team sizing for the demo ({@code TriageTeam.sizedFor})
 * all read {@link #MINUTES_PER_ALERT}; the report and the what-if print it with {@link #BASIS}. (The report and the
 * what-if used 15 and 10 until session 17: operators and commissioners were shown different clinician hours for
 * the same alert rate; the simulator kept its own copy until session 18.) It lives here, in {@code schemas}, the
 * one module the simulator and the report ({@code equity}) both depend on.
 */
public final class ClinicianTime {
    /** Planned clinician minutes per alert. */
    public static final double MINUTES_PER_ALERT = 15;

    /**
     * Where the figure comes from, in the words both outputs print. It is an assumption, not a measurement: the
     * triage service records when an alert is acknowledged and resolved, not the minutes a clinician spends on it.
     */
    public static final String BASIS = "a planning assumption, not a measurement: the time to read the alert and its "
            + "trace, contact the patient or arrange follow-up and write the note, set a little above the handling time "
            + "of the simulated triage team of the demo (median 12 minutes, mean about 14); replace it with a time "
            + "study of your own service";

    private ClinicianTime() {
    }

    /** Minutes as printed: "15", "12.5". */
    public static String text(double minutes) {
        return minutes == Math.rint(minutes) ? String.format(Locale.UK, "%.0f", minutes)
                : String.format(Locale.UK, "%s", minutes);
    }
}
