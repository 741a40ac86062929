package org.wardstream.rules;

import java.io.Serializable;

/**
 * One escalation of a rule: when {@code condition} is met during an episode, its alert is raised to
 * {@code severity} (once; only if that is higher than the current severity).
 *
 * @param condition a condition code known for the episode type (see {@link RuleSchema})
 * @param severity  the severity the alert escalates to
 * @param reason    plain-English reason shown to the triage clinician, e.g. "possible syncope or fall"
 */
public record Escalation(String condition, Severity severity, String reason) implements Serializable {
}
