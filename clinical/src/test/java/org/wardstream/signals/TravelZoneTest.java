package org.wardstream.signals;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

/** Whose clock waking hours follow (probe 21b D1): the home zone, or the device's offset 2 h or more from it. */
class TravelZoneTest {
    static final ZoneId LONDON = ZoneId.of("Europe/London");
    static final long SUMMER = Instant.parse("2026-07-02T03:00:00Z").toEpochMilli();
    static final long WINTER = Instant.parse("2026-12-02T03:00:00Z").toEpochMilli();

    @Test
    void atHomeTheDeviceOffsetMovesNothing() {
        assertThat(TravelZone.awayOffset(LONDON, SUMMER, 60)).isNull();
        assertThat(TravelZone.awayOffset(LONDON, WINTER, 0)).isNull();
        // a device that reports 0 all year is an hour from British summer time: still at home
        assertThat(TravelZone.awayOffset(LONDON, SUMMER, 0)).isNull();
        assertThat(TravelZone.zone(LONDON, null)).isEqualTo(LONDON);
    }

    @Test
    void anHourFromHomeStaysOnHomeTime() {
        assertThat(TravelZone.awayOffset(LONDON, SUMMER, 120)).as("Spain in summer").isNull();
        assertThat(TravelZone.awayOffset(LONDON, WINTER, 60)).as("Spain in winter").isNull();
    }

    @Test
    void twoHoursOrMoreFromHomeIsTheDevicesLocalTime() {
        assertThat(TravelZone.awayOffset(LONDON, SUMMER, -240)).as("New York in summer").isEqualTo(-240);
        assertThat(TravelZone.awayOffset(LONDON, SUMMER, 180)).as("Greece in summer").isEqualTo(180);
        assertThat(TravelZone.awayOffset(LONDON, WINTER, 330)).as("India").isEqualTo(330);
        assertThat(TravelZone.zone(LONDON, -240)).isEqualTo(ZoneOffset.ofHours(-4));
        WakingHours ny = new WakingHours(TravelZone.zone(LONDON, -240), java.time.LocalTime.of(8, 0),
                java.time.LocalTime.of(12, 0), java.time.LocalTime.of(18, 0), java.time.LocalTime.of(22, 0), 1, 1, 1);
        assertThat(ny.isWakingHours(Instant.parse("2026-07-02T07:30:00Z").toEpochMilli())).as("03:30 in New York")
                .isFalse();
        assertThat(ny.isWakingHours(Instant.parse("2026-07-02T23:30:00Z").toEpochMilli())).as("19:30 in New York")
                .isTrue();
    }

    @Test
    void theExtremeOffsetsTheContractAllows() {
        assertThat(TravelZone.zone(LONDON, TravelZone.awayOffset(LONDON, WINTER, -1080)))
                .isEqualTo(ZoneOffset.ofHours(-18));
        assertThat(TravelZone.zone(LONDON, TravelZone.awayOffset(LONDON, WINTER, 1080)))
                .isEqualTo(ZoneOffset.ofHours(18));
    }
}
