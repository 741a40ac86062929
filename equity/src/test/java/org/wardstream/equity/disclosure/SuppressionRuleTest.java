package org.wardstream.equity.disclosure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.wardstream.equity.support.ReferenceCsv;

class SuppressionRuleTest {

    @Test
    void everyReferenceExample() {
        List<CSVRecord> rows = ReferenceCsv.rows("suppression_examples.csv");
        assertThat(rows).hasSize(22);
        for (CSVRecord r : rows) {
            assertThat(Disclosure.publish(Long.parseLong(r.get("raw_count"))))
                    .as("raw %s", r.get("raw_count")).isEqualTo(r.get("published_subnational"));
        }
    }

    @Test
    void everyPublishedCountIsZeroSuppressedOrAMultipleOfFiveOfAtLeastTen() {
        for (long n = 0; n <= 2000; n++) {
            String p = Disclosure.publish(n);
            if (!p.equals("0") && !p.equals("*")) {
                long v = Long.parseLong(p);
                assertThat(v % 5).as("raw %d", n).isZero();
                assertThat(v).as("raw %d", n).isGreaterThanOrEqualTo(10);
                assertThat(Math.abs(v - n)).as("raw %d", n).isLessThanOrEqualTo(2);
            }
        }
    }

    @Test
    void negativeCountIsAnError() {
        assertThatThrownBy(() -> Disclosure.publish(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
