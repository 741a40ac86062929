package org.wardstream.equity.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class LocalDaysTest {
    static final ZoneId LONDON = LocalDays.LONDON;

    @Test
    void clockChangeDaysInLondon() {
        // 2026: clocks go forward at 01:00 UTC on Sunday 29 March and back at 01:00 UTC on Sunday 25 October
        assertThat(LocalDays.minutes(LocalDate.of(2026, 3, 29), LONDON)).isEqualTo(1380);
        assertThat(LocalDays.minutes(LocalDate.of(2026, 10, 25), LONDON)).isEqualTo(1500);
        assertThat(LocalDays.minutes(LocalDate.of(2026, 3, 28), LONDON)).isEqualTo(1440);
        assertThat(LocalDays.minutes(LocalDate.of(2026, 3, 30), LONDON)).isEqualTo(1440);
        assertThat(LocalDays.minutes(LocalDate.of(2026, 3, 29), ZoneId.of("UTC"))).isEqualTo(1440);
    }

    @Test
    void instantsFallOnTheLocalDay() {
        // 23:30 UTC on 30 March is 00:30 BST on 31 March
        assertThat(LocalDays.dayOf(Instant.parse("2026-03-30T23:30:00Z"), LONDON)).isEqualTo(LocalDate.of(2026, 3, 31));
        assertThat(LocalDays.dayOf(Instant.parse("2026-01-30T23:30:00Z"), LONDON)).isEqualTo(LocalDate.of(2026, 1, 30));
        // on 29 March 02:30 UTC is 03:30 BST, 150 elapsed minutes after local midnight (00:00 GMT = 00:00 UTC)
        assertThat(LocalDays.minuteOfDay(Instant.parse("2026-03-29T02:30:00Z"), LONDON)).isEqualTo(150);
        // on 25 October the last minute of the day is minute 1499
        assertThat(LocalDays.minuteOfDay(Instant.parse("2026-10-25T23:59:00Z"), LONDON)).isEqualTo(1499);
        assertThat(LocalDays.start(LocalDate.of(2026, 10, 25), LONDON)).isEqualTo(Instant.parse("2026-10-24T23:00:00Z"));
    }
}
