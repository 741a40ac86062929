package org.wardstream.signals;

import org.wardstream.rules.EffectiveRules;
import org.wardstream.rules.EpisodeType;
import org.wardstream.rules.Rule;

import java.io.Serializable;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Objects;

/**
 * A patient's local waking hours and the inactivity limit per time-of-day band, in the patient's IANA time
 * zone. All conversions go through {@link ZonedDateTime}, so they are right on daylight-saving days: 08:00
 * in Europe/London is 07:00 UTC on 2026-03-29 and 08:00 UTC on 2026-10-25; a local time in a DST gap is
 * moved forward, one in an overlap takes the earlier offset.
 *
 * @param zone              patient's time zone (from the enrolment)
 * @param wakingStart       start of waking hours (local)
 * @param morningEnd        end of the morning band
 * @param eveningStart      start of the evening band
 * @param wakingEnd         end of waking hours (local), after wakingStart on the same day
 * @param maxStillMorningMs inactivity limit in the morning band; likewise afternoon and evening
 */
public record WakingHours(ZoneId zone, LocalTime wakingStart, LocalTime morningEnd, LocalTime eveningStart,
                          LocalTime wakingEnd, long maxStillMorningMs, long maxStillAfternoonMs,
                          long maxStillEveningMs) implements Serializable {

    public WakingHours {
        Objects.requireNonNull(zone);
        if (!(wakingStart.isBefore(morningEnd) && !eveningStart.isBefore(morningEnd) && eveningStart.isBefore(wakingEnd))) {
            throw new IllegalArgumentException("need wakingStart < morningEnd <= eveningStart < wakingEnd");
        }
    }

    /** From the patient's effective inactivity rule. */
    public static WakingHours from(EffectiveRules rules, ZoneId zone) {
        Rule r = rules.rule(EpisodeType.INACTIVITY);
        return new WakingHours(zone, r.timeOfDay("wakingStart"), r.timeOfDay("morningEnd"), r.timeOfDay("eveningStart"),
                r.timeOfDay("wakingEnd"), r.millis("maxStillMorning"), r.millis("maxStillAfternoon"),
                r.millis("maxStillEvening"));
    }

    public LocalDate localDate(long epochMs) {
        return Instant.ofEpochMilli(epochMs).atZone(zone).toLocalDate();
    }

    /** Epoch ms of a local time on a local date. */
    public long at(LocalDate date, LocalTime time) {
        return ZonedDateTime.of(date, time, zone).toInstant().toEpochMilli();
    }

    /** Whether the instant falls in local waking hours [wakingStart, wakingEnd). */
    public boolean isWakingHours(long epochMs) {
        LocalDate d = localDate(epochMs);
        return epochMs >= at(d, wakingStart) && epochMs < at(d, wakingEnd);
    }

    /** End of waking hours (epoch ms) on the local day of the instant. */
    public long wakingEndOf(long epochMs) {
        return at(localDate(epochMs), wakingEnd);
    }

    /**
     * The first instant at which stillness counted from {@code countFromMs} (clipped to waking hours)
     * reaches the limit of the band the instant falls in; {@link Long#MIN_VALUE} if none within two days.
     */
    public long inactivityDeadline(long countFromMs) {
        LocalDate day = localDate(countFromMs);
        for (int i = 0; i < 3; i++, day = day.plusDays(1)) {
            long ws = at(day, wakingStart), me = at(day, morningEnd), es = at(day, eveningStart), we = at(day, wakingEnd);
            long from = Math.max(countFromMs, ws);
            if (from >= we) continue;
            long[][] bands = {{ws, me, maxStillMorningMs}, {me, es, maxStillAfternoonMs}, {es, we, maxStillEveningMs}};
            for (long[] b : bands) {
                long segStart = Math.max(b[0], from);
                if (segStart >= b[1]) continue;
                long tau = Math.max(segStart, from + b[2]);
                if (tau < b[1]) return tau;
            }
        }
        return Long.MIN_VALUE;
    }
}
