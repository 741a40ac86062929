package org.wardstream.equity.model;

import java.util.Arrays;

/** A way of splitting the population into strata. {@link #code()} is the value of the {@code dimension} column. */
public enum Dimension {
    ALL("all"),
    IMD_QUINTILE("imd_quintile"),
    ETHNIC_GROUP("ethnic_group"),
    AGE_BAND("age_band"),
    SEX("sex"),
    ICB("icb"),
    /** Two-way split, published for monthly windows only; stratum values look like {@code "1 x White"}. */
    IMD_QUINTILE_X_ETHNIC_GROUP("imd_quintile_x_ethnic_group");

    private final String code;

    Dimension(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    /** The dimension with this {@link #code()}. */
    public static Dimension ofCode(String code) {
        return Arrays.stream(values()).filter(d -> d.code.equals(code)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown dimension code: " + code));
    }
}
