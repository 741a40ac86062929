package org.wardstream.localcluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class AlertSetsTest {
    @Test
    void theSameStateChangesOnceEachIsExactlyOnce() {
        AlertSets r = AlertSets.compare(List.of("a", "b", "c"), List.of("c", "a", "b"));
        assertThat(r.exactlyOnce()).isTrue();
        assertThat(r.summary()).isEqualTo("expected 3 alert state changes, observed 3 messages: lost 0, duplicated 0, unexpected 0");
    }

    @Test
    void aMissingStateChangeIsLost() {
        AlertSets r = AlertSets.compare(List.of("a", "b", "c"), List.of("a", "c"));
        assertThat(r.lost()).containsExactly("b");
        assertThat(r.duplicated()).isZero();
        assertThat(r.exactlyOnce()).isFalse();
    }

    @Test
    void aRepeatedStateChangeIsDuplicatedEvenWhenNothingIsLost() {
        AlertSets r = AlertSets.compare(List.of("a", "b"), List.of("a", "b", "b", "b", "a"));
        assertThat(r.lost()).isEmpty();
        assertThat(r.duplicated()).isEqualTo(3);
        assertThat(r.exactlyOnce()).isFalse();
        assertThat(AlertSets.duplicates(List.of("a", "b", "b", "b", "a"))).isEqualTo(3);
    }

    @Test
    void aStateChangeTheReferenceNeverMadeIsUnexpected() {
        AlertSets r = AlertSets.compare(List.of("a"), List.of("a", "z"));
        assertThat(r.unexpected()).containsExactly("z");
        assertThat(r.exactlyOnce()).isFalse();
    }
}
