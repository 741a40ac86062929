package org.wardstream.rules;

import java.util.List;

/**
 * A rule file set failed validation. The message lists every problem found, one per line, each as
 * {@code <file>: <field path>: <reason>}, e.g.
 * {@code alert-rules/tachycardia.yaml: parameters.rateBpm: must be between 60 and 250 (was 20)}.
 */
public final class RuleValidationException extends RuntimeException {

    private final List<String> errors;

    public RuleValidationException(List<String> errors) {
        super(errors.size() == 1 ? errors.get(0)
                : errors.size() + " problems in the alert rules:\n" + String.join("\n", errors));
        this.errors = List.copyOf(errors);
    }

    /** Every problem, one message each. */
    public List<String> errors() {
        return errors;
    }
}
