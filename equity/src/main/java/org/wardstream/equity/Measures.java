package org.wardstream.equity;

/** Measure codes (the {@code measure} column). Definitions: docs/METRICS.md. */
public final class Measures {
    public static final String ENROLLED_PATIENTS = "enrolled_patients";
    public static final String PATIENT_DAYS = "patient_days";
    public static final String MONITORED_DAYS = "monitored_days";
    public static final String DATA_COMPLETENESS = "data_completeness";
    /** Prefix of the per-episode-type clinical alert rates, e.g. {@code alerts_atrial-fibrillation}. */
    public static final String ALERTS_PREFIX = "alerts_";
    public static final String CLINICAL_ALERTS = "clinical_alerts";
    public static final String TECHNICAL_ALERTS = "technical_alerts";
    public static final String ALERT_DELAY_MEDIAN_MS = "alert_delay_median_ms";
    public static final String ALERT_DELAY_P90_MS = "alert_delay_p90_ms";
    public static final String TRIAGE_ACK_WITHIN_TARGET = "triage_ack_within_target";
    public static final String TIME_TO_ACK_MEDIAN_MS = "time_to_acknowledge_median_ms";
    /** Clinical alerts closed with action / clinical alerts closed: a positive-predictive-value proxy. */
    public static final String NEEDED_ACTION = "triage_needed_action";
    /** Prefix of the per-episode-type share closed with action, e.g. {@code triage_needed_action_pause}. */
    public static final String NEEDED_ACTION_PREFIX = "triage_needed_action_";
    public static final String DISENROLMENT = "disenrolment";
    public static final String STRATIFIER_COMPLETENESS = "stratifier_completeness";
    /**
     * Patients whose enrolment records a pacemaker (their AF is not reliably assessable from pulse timing) / all
     * enrolled patients of the stratum; a pacemaker not recorded counts in the denominator only.
     */
    public static final String PACEMAKER_RECORDED = "pacemaker_recorded";
    /** Patients whose enrolment does not say whether they have a pacemaker / all enrolled patients of the stratum. */
    public static final String PACEMAKER_NOT_RECORDED = "pacemaker_not_recorded";

    /** Rates are per this many patient-days. */
    public static final double RATE_MULTIPLIER = 1000.0;

    private Measures() {
    }

    public static boolean isRate(String method) {
        return "exact".equals(method) || "byars".equals(method);
    }

    public static boolean isProportion(String method) {
        return "wilson".equals(method);
    }
}
