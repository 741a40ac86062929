package org.wardstream.triage;

import java.util.Set;

/**
 * A signed-in user of the triage service.
 *
 * <ul>
 *   <li>{@code clinician}: reads and acts on the alerts of the patients of its programmes;</li>
 *   <li>{@code viewer}: reads the alerts of its programmes, never acts;</li>
 *   <li>{@code administrator}: reads every programme's alerts (and those whose programme is not yet known), manages
 *       users; does not act on alerts (a clinician account does).</li>
 * </ul>
 */
public record TriageUser(String username, Role role, Set<String> programmes) {

    public enum Role {
        CLINICIAN, VIEWER, ADMINISTRATOR;

        public String code() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static Role of(String code) {
            for (Role r : values()) if (r.code().equals(code)) return r;
            throw new IllegalArgumentException("unknown role '" + code + "' (clinician, viewer or administrator)");
        }
    }

    public TriageUser {
        programmes = Set.copyOf(programmes);
    }

    /** Whether this user may read resources of that programme (null: the patient's programme is not yet known). */
    public boolean canSee(String programme) {
        if (role == Role.ADMINISTRATOR) return true;
        return programme != null && programmes.contains(programme);
    }

    /** Whether this user may act on alerts of that programme. */
    public boolean canAct(String programme) {
        return role == Role.CLINICIAN && programme != null && programmes.contains(programme);
    }

    /** Programmes whose rows a query may return; null means all (administrator). */
    public Set<String> visibleProgrammes() {
        return role == Role.ADMINISTRATOR ? null : programmes;
    }
}
