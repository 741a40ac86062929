package org.wardstream.equity.model;

import java.util.Locale;
import java.util.regex.Pattern;
import org.wardstream.schema.Stratifiers;

/**
 * Equity strata of one patient, derived from the enrolment's {@link Stratifiers}. Missing or unrecognised values
 * become {@code "unknown"} (counted, never imputed). Code lists: see docs/METRICS.md and the NHS Data Dictionary.
 *
 * @param imdQuintile "1".."5" (1 = most deprived 20 % = Core20) or "unknown"
 * @param imdEdition  e.g. IoD2019, or "unknown"
 * @param ethnicGroup broad group (2001 census) of the NHS ETHNIC CATEGORY code, "not-stated" (Z) or "unknown"
 * @param ageBand     the enrolment's age band or "unknown"
 * @param sex         "male" | "female" | "indeterminate" | "unknown"
 * @param icb         ODS code of the ICB or "unknown"
 */
public record Strata(String imdQuintile, String imdEdition, String ethnicGroup, String ageBand, String sex,
                     String icb) {

    public static final String UNKNOWN = "unknown";
    public static final String NOT_STATED = "not-stated";
    public static final String WHITE = "White";
    public static final String MIXED = "Mixed";
    public static final String ASIAN = "Asian or Asian British";
    public static final String BLACK = "Black or Black British";
    public static final String OTHER = "Other ethnic groups";
    /** Separator of the two values in an {@link Dimension#IMD_QUINTILE_X_ETHNIC_GROUP} stratum. */
    public static final String CROSS = " x ";

    /** All strata unknown. */
    public static final Strata ALL_UNKNOWN = new Strata(UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN);

    /** Null-safe: {@code s == null} gives all strata unknown. */
    public static Strata from(Stratifiers s) {
        if (s == null) {
            return ALL_UNKNOWN;
        }
        return new Strata(imdQuintile(s.getImdDecile()), matchingOrUnknown(s.getImdEdition(), IMD_EDITION),
                ethnicGroup(s.getEthnicCategory()), matchingOrUnknown(s.getAgeBand(), AGE_BAND), sex(s.getSexCode()),
                icb(s.getIcbCode()));
    }

    /**
     * An age band: a range of years ({@code 65-74}), an open top band ({@code 85+}) or a bottom one ({@code <18});
     * anything else (an exact age, a date of birth) is not a band and is never published.
     */
    static final Pattern AGE_BAND = Pattern.compile("\\d{1,3}-\\d{1,3}|\\d{1,3}\\+|<\\d{1,3}");
    /** An IMD edition such as IoD2019: letters and digits only. */
    static final Pattern IMD_EDITION = Pattern.compile("[A-Za-z][A-Za-z0-9]{1,15}");
    /** The ODS code of an ICB: three capital letters or digits, the first a letter, such as QWE or QE1. */
    static final Pattern ICB = Pattern.compile("[A-Z][A-Z0-9]{2}");

    /**
     * The ICB's ODS code (upper case), or unknown when the field holds anything else: free text there (a postcode, a
     * pseudonym, a formula) would otherwise be published as a stratum label (probe 19a D2).
     */
    public static String icb(String code) {
        String c = code == null ? null : code.trim().toUpperCase(Locale.ROOT);
        return c != null && ICB.matcher(c).matches() ? c : UNKNOWN;
    }

    private static String matchingOrUnknown(String s, Pattern p) {
        String t = s == null ? null : s.trim();
        return t != null && p.matcher(t).matches() ? t : UNKNOWN;
    }

    /** The stratum of this patient on a dimension ({@code "all"} for {@link Dimension#ALL}). */
    public String value(Dimension d) {
        return switch (d) {
            case ALL -> "all";
            case IMD_QUINTILE -> imdQuintile;
            case ETHNIC_GROUP -> ethnicGroup;
            case AGE_BAND -> ageBand;
            case SEX -> sex;
            case ICB -> icb;
            case IMD_QUINTILE_X_ETHNIC_GROUP -> imdQuintile + CROSS + ethnicGroup;
        };
    }

    /** Whether this patient's stratifier on a single dimension is recorded with a usable value. */
    public boolean known(Dimension d) {
        return switch (d) {
            case ALL -> true;
            case ETHNIC_GROUP -> !UNKNOWN.equals(ethnicGroup) && !NOT_STATED.equals(ethnicGroup);
            case IMD_QUINTILE_X_ETHNIC_GROUP -> known(Dimension.IMD_QUINTILE) && known(Dimension.ETHNIC_GROUP);
            default -> !UNKNOWN.equals(value(d));
        };
    }

    /** IMD decile 1-10 (1 = most deprived 10 %) to quintile ceil(decile / 2); anything else is unknown. */
    public static String imdQuintile(Integer decile) {
        if (decile == null || decile < 1 || decile > 10) {
            return UNKNOWN;
        }
        return Integer.toString((decile + 1) / 2);
    }

    /**
     * NHS Data Dictionary ETHNIC CATEGORY (2001 "16+1") to its broad group, on the first character. Z is
     * "not-stated"; 99, X, the withdrawn 9, null and codes outside the list (I, O, Q, ...) are "unknown".
     */
    public static String ethnicGroup(String code) {
        if (code == null || code.isBlank()) {
            return UNKNOWN;
        }
        String c = code.trim().toUpperCase(Locale.ROOT);
        if (c.isEmpty() || c.startsWith("9") || c.equals("X")) { // empty: only control characters (trim drops them)
            return UNKNOWN;
        }
        return switch (c.charAt(0)) {
            case 'A', 'B', 'C' -> WHITE;
            case 'D', 'E', 'F', 'G' -> MIXED;
            case 'H', 'J', 'K', 'L' -> ASIAN;
            case 'M', 'N', 'P' -> BLACK;
            case 'R', 'S' -> OTHER;
            case 'Z' -> NOT_STATED;
            default -> UNKNOWN;
        };
    }

    /** PERSON STATED GENDER CODE: 1 male, 2 female, 9 indeterminate; X, 0, null and anything else unknown. */
    public static String sex(String code) {
        if (code == null) {
            return UNKNOWN;
        }
        return switch (code.trim()) {
            case "1" -> "male";
            case "2" -> "female";
            case "9" -> "indeterminate";
            default -> UNKNOWN;
        };
    }

}
