package org.wardstream.triage.workflow;

import org.wardstream.schema.TriageAction;
import org.wardstream.schema.TriageOutcome;

/** How a clinician resolved an alert: the FHIR code (system {@link TaskMerge#OUTCOME_SYSTEM}) and the Avro symbol. */
public enum Outcome {
    CONTACTED_PATIENT("contacted-patient", "Contacted patient", TriageOutcome.CONTACTED_PATIENT, true),
    ESCALATED_TO_CLINICIAN("escalated-to-clinician", "Escalated to a clinician", TriageOutcome.ESCALATED_TO_CLINICIAN, true),
    NO_ACTION_NEEDED("no-action-needed", "No action needed", TriageOutcome.NO_ACTION_NEEDED, false),
    FALSE_ALARM("false-alarm", "False alarm", TriageOutcome.FALSE_ALARM, false),
    DEVICE_PROBLEM("device-problem", "Device problem", TriageOutcome.DEVICE_PROBLEM, false);

    private final String code;
    private final String display;
    private final TriageOutcome avro;
    private final boolean withAction;

    Outcome(String code, String display, TriageOutcome avro, boolean withAction) {
        this.code = code;
        this.display = display;
        this.avro = avro;
        this.withAction = withAction;
    }

    public String code() {
        return code;
    }

    public String display() {
        return display;
    }

    public TriageOutcome avro() {
        return avro;
    }

    /** The triage-events action a close with this outcome is. */
    public TriageAction closingAction() {
        return withAction ? TriageAction.CLOSED_WITH_ACTION : TriageAction.CLOSED_NO_ACTION;
    }

    /** The outcome with that code, or null for null. */
    public static Outcome of(String code) {
        if (code == null) return null;
        for (Outcome o : values()) if (o.code.equals(code)) return o;
        throw new IllegalArgumentException("unknown outcome '" + code + "' (contacted-patient, escalated-to-clinician,"
                + " no-action-needed, false-alarm, device-problem)");
    }
}
