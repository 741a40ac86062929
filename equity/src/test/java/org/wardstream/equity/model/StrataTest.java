package org.wardstream.equity.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.wardstream.schema.Stratifiers;

class StrataTest {

    @ParameterizedTest(name = "ethnic category {0} -> {1}")
    @CsvSource({
        "A,White", "B,White", "C,White", "A1,White",
        "D,Mixed", "E,Mixed", "F,Mixed", "G,Mixed",
        "H,Asian or Asian British", "J,Asian or Asian British", "K,Asian or Asian British", "L,Asian or Asian British",
        "M,Black or Black British", "N,Black or Black British", "P,Black or Black British",
        // 2001-based list: Chinese is in Other ethnic groups, not Asian
        "R,Other ethnic groups", "S,Other ethnic groups",
        "Z,not-stated", "99,unknown", "X,unknown", "9,unknown",
        // no codes I, O, Q
        "I,unknown", "O,unknown", "Q,unknown", "'',unknown"
    })
    void ethnicCategoryMapsToBroadGroupOnTheFirstCharacter(String code, String group) {
        assertThat(Strata.ethnicGroup(code)).isEqualTo(group);
    }

    @ParameterizedTest(name = "IMD decile {0} -> quintile {1}")
    @CsvSource({"1,1", "2,1", "3,2", "4,2", "5,3", "6,3", "7,4", "8,4", "9,5", "10,5", "0,unknown", "11,unknown"})
    void imdDecileToQuintile(int decile, String quintile) {
        assertThat(Strata.imdQuintile(decile)).isEqualTo(quintile);
    }

    @ParameterizedTest(name = "sex code {0} -> {1}")
    @CsvSource({"1,male", "2,female", "9,indeterminate", "X,unknown", "0,unknown", "3,unknown"})
    void sexCodes(String code, String sex) {
        assertThat(Strata.sex(code)).isEqualTo(sex);
    }

    @Test
    void nullStratifiersAreAllUnknown() {
        Strata s = Strata.from(null);
        for (Dimension d : Dimension.values()) {
            if (d != Dimension.ALL) {
                assertThat(s.value(d)).contains("unknown");
                assertThat(s.known(d)).isFalse();
            }
        }
        assertThat(Strata.from(new Stratifiers()).imdEdition()).isEqualTo("unknown");
    }

    @Test
    void fromStratifiers() {
        Stratifiers st = Stratifiers.newBuilder().setImdDecile(2).setImdEdition("IoD2019").setEthnicCategory("N")
                .setSexCode("2").setAgeBand("75-84").setIcbCode("QWE").build();
        Strata s = Strata.from(st);
        assertThat(s).isEqualTo(new Strata("1", "IoD2019", "Black or Black British", "75-84", "female", "QWE"));
        assertThat(s.value(Dimension.IMD_QUINTILE_X_ETHNIC_GROUP)).isEqualTo("1 x Black or Black British");
        assertThat(s.value(Dimension.ALL)).isEqualTo("all");
        assertThat(Dimension.ofCode("imd_quintile_x_ethnic_group")).isEqualTo(Dimension.IMD_QUINTILE_X_ETHNIC_GROUP);
    }

    @Test
    void notStatedIsRecordedButNotAKnownGroup() {
        Strata s = new Strata("3", "IoD2019", "not-stated", "45-64", "male", "QWE");
        assertThat(s.known(Dimension.ETHNIC_GROUP)).isFalse();
        assertThat(s.known(Dimension.SEX)).isTrue();
        assertThat(s.known(Dimension.IMD_QUINTILE)).isTrue();
    }
}
