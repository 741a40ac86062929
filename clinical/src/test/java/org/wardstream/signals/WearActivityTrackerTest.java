package org.wardstream.signals;

import org.junit.jupiter.api.Test;
import org.wardstream.rules.Rules;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.wardstream.signals.ActivityState.ACTIVE;
import static org.wardstream.signals.ActivityState.NOT_WORN;
import static org.wardstream.signals.ActivityState.NO_DATA;
import static org.wardstream.signals.ActivityState.WORN_STILL;

class WearActivityTrackerTest {

    static final ZoneId LONDON = ZoneId.of("Europe/London");
    static final WearActivityTracker T = new WearActivityTracker(
            WearActivityParameters.from(Rules.loadClasspath().defaults(), LONDON));
    static final long MIN = 60_000, QUARTER = 15 * MIN, HOUR = 60 * MIN;

    static long utc(String iso) {
        return Instant.parse(iso).toEpochMilli();
    }

    static final class Feed {
        final WearActivityState s = new WearActivityState();
        final List<WearActivityEvent> events = new ArrayList<>();

        /** 15-minute activity intervals from {@code from} to {@code to} (UTC ISO), each with {@code steps}. */
        Feed activity(long from, long to, double steps) {
            for (long t = from; t + QUARTER <= to; t += QUARTER) events.addAll(T.onActivity(s, t, t + QUARTER, steps));
            return this;
        }

        Feed wear(long t, WearSignal w) {
            events.addAll(T.onWear(s, t, w));
            return this;
        }

        <E extends WearActivityEvent> List<E> of(Class<E> type) {
            return events.stream().filter(type::isInstance).map(type::cast).toList();
        }
    }

    @Test
    void statesFollowWearAndSteps() {
        long t0 = utc("2026-06-10T09:00:00Z");
        Feed f = new Feed().wear(t0, WearSignal.ON_BODY);
        assertThat(f.s.activityState()).as("worn, no activity yet: still").isEqualTo(WORN_STILL);
        f.activity(t0, t0 + HOUR, 300);
        assertThat(f.s.activityState()).isEqualTo(ACTIVE);
        f.activity(t0 + HOUR, t0 + 2 * HOUR, 5);          // 5 steps per 15 min < 1 per minute
        assertThat(f.s.activityState()).isEqualTo(WORN_STILL);
        assertThat(f.s.stateSinceMs).as("still since the start of the first still interval").isEqualTo(t0 + HOUR);
        f.wear(t0 + 2 * HOUR, WearSignal.OFF_BODY);
        assertThat(f.s.activityState()).isEqualTo(NOT_WORN);
        assertThat(f.of(WearActivityEvent.StateChange.class)).extracting(WearActivityEvent.StateChange::to)
                .containsExactly(WORN_STILL, ACTIVE, WORN_STILL, NOT_WORN);
        // unknown wear status and no movement is not "worn still"
        Feed unknown = new Feed().activity(t0, t0 + HOUR, 0);
        assertThat(unknown.s.activityState()).isEqualTo(NOT_WORN);
    }

    @Test
    void chargingAtNightIsNotWornAndNeverInactivity() {
        long evening = utc("2026-06-10T21:30:00Z");           // 22:30 BST
        Feed f = new Feed().wear(evening, WearSignal.ON_BODY).activity(evening - HOUR, evening, 0);
        f.wear(evening + MIN, WearSignal.CHARGING);
        // charger keeps reporting all night and all next morning with no steps
        f.activity(evening + QUARTER, utc("2026-06-11T14:00:00Z"), 0);
        assertThat(f.s.activityState()).isEqualTo(NOT_WORN);
        assertThat(f.of(WearActivityEvent.InactivityStart.class)).isEmpty();
        assertThat(f.events).noneMatch(e -> e instanceof WearActivityEvent.StateChange c && c.to() == NO_DATA);
    }

    @Test
    void silenceBecomesNoDataAtTheLimitAndDataResumesIt() {
        long t0 = utc("2026-06-10T09:00:00Z");
        Feed f = new Feed().wear(t0, WearSignal.ON_BODY).activity(t0, t0 + HOUR, 200);
        long last = t0 + HOUR;
        assertThat(T.nextTimerMs(f.s)).isEqualTo(last + 2 * HOUR);
        assertThat(T.onTime(f.s, last + 2 * HOUR - 1)).isEmpty();
        List<WearActivityEvent> ev = T.onTime(f.s, last + 2 * HOUR);
        assertThat(ev).containsExactly(new WearActivityEvent.StateChange(ACTIVE, NO_DATA, last + 2 * HOUR, last));
        assertThat(T.onTime(f.s, last + 5 * HOUR)).as("reported once").isEmpty();
        List<WearActivityEvent> back = T.onData(f.s, last + 3 * HOUR);
        // the walk before the silence has aged out (15 min after its last interval): worn and still
        assertThat(back).containsExactly(new WearActivityEvent.StateChange(NO_DATA, WORN_STILL, last + 3 * HOUR, last + 3 * HOUR));
        // without any timer, the next data still reports the silence first (deterministic)
        Feed g = new Feed().wear(t0, WearSignal.ON_BODY);
        List<WearActivityEvent> both = T.onData(g.s, t0 + 3 * HOUR);
        assertThat(both).extracting(e -> ((WearActivityEvent.StateChange) e).to()).containsExactly(NO_DATA, WORN_STILL);
    }

    @Test
    void afterAnOutageEndedAtALaterReconnectionTheNextSilenceCountsFromIt() {
        // scenario 23, V2: an outage's buffer (its last data at `last`) was uploaded at `reconnected`, 9 min later, and
        // the outage reported as ending then: the next silence counts from the reconnection, not from the last data
        long t0 = utc("2026-06-10T09:00:00Z");
        Feed f = new Feed().wear(t0, WearSignal.ON_BODY).activity(t0, t0 + HOUR, 200);
        long last = t0 + HOUR;
        long reconnected = last + 9 * MIN;
        T.silenceCountsFrom(f.s, reconnected);
        assertThat(T.nextTimerMs(f.s)).isEqualTo(reconnected + 2 * HOUR);
        assertThat(T.onTime(f.s, last + 2 * HOUR)).as("2 h after the last data: heard from since").isEmpty();
        assertThat(T.onData(f.s, last + 2 * HOUR + 5 * MIN)).as("data 2 h 5 min after the last: no outage")
                .noneMatch(e -> e instanceof WearActivityEvent.StateChange c && c.to() == NO_DATA);
        // once the data go on past the reconnection, the silence counts from them again
        assertThat(T.nextTimerMs(f.s)).isEqualTo(last + 4 * HOUR + 5 * MIN);
        // and a silence from the reconnection on starts at the reconnection
        Feed g = new Feed().wear(t0, WearSignal.ON_BODY).activity(t0, t0 + HOUR, 200);
        T.silenceCountsFrom(g.s, reconnected);
        assertThat(T.onTime(g.s, reconnected + 2 * HOUR)).containsExactly(
                new WearActivityEvent.StateChange(ACTIVE, NO_DATA, reconnected + 2 * HOUR, reconnected));
        // a restart on an earlier clock forgets it
        T.restart(g.s);
        assertThat(g.s.silenceFromMs).isEqualTo(WearActivityState.NO_TIME);
    }

    /** Worn and still from 05:00 UTC all day; returns the inactivity events. */
    static List<WearActivityEvent> stillAllDay(String date) {
        long t0 = utc(date + "T05:00:00Z");
        Feed f = new Feed().wear(t0, WearSignal.ON_BODY).activity(t0, t0 + 19 * HOUR, 0);
        return f.events.stream().filter(e -> e instanceof WearActivityEvent.InactivityStart
                || e instanceof WearActivityEvent.InactivityEnd).toList();
    }

    @Test
    void inactivityCountsFromLocalWakingStartOnTheSpringForwardDay() {
        // 2026-03-29: clocks go forward at 01:00 UTC; 08:00 BST = 07:00 UTC; morning limit 3 h -> 10:00 UTC.
        List<WearActivityEvent> ev = stillAllDay("2026-03-29");
        assertThat(ev).containsExactly(
                new WearActivityEvent.InactivityStart(utc("2026-03-29T07:00:00Z"), utc("2026-03-29T10:00:00Z"), 3 * HOUR),
                new WearActivityEvent.InactivityEnd(utc("2026-03-29T07:00:00Z"), utc("2026-03-29T21:00:00Z"),
                        WearActivityEvent.InactivityEnd.Reason.WAKING_HOURS_ENDED));
    }

    @Test
    void inactivityCountsFromLocalWakingStartOnTheFallBackDay() {
        // 2026-10-25: clocks go back at 01:00 UTC; 08:00 GMT = 08:00 UTC; 22:00 GMT = 22:00 UTC.
        List<WearActivityEvent> ev = stillAllDay("2026-10-25");
        assertThat(ev).containsExactly(
                new WearActivityEvent.InactivityStart(utc("2026-10-25T08:00:00Z"), utc("2026-10-25T11:00:00Z"), 3 * HOUR),
                new WearActivityEvent.InactivityEnd(utc("2026-10-25T08:00:00Z"), utc("2026-10-25T22:00:00Z"),
                        WearActivityEvent.InactivityEnd.Reason.WAKING_HOURS_ENDED));
        // the day before the spring change is still GMT: 08:00 local = 08:00 UTC
        assertThat(stillAllDay("2026-03-28").get(0))
                .isEqualTo(new WearActivityEvent.InactivityStart(utc("2026-03-28T08:00:00Z"), utc("2026-03-28T11:00:00Z"), 3 * HOUR));
    }

    @Test
    void aRestartOnAnEarlierClockClosesInactivityAtTheLastDataAndTheEarlierDataCountAgainWithoutDeviceOffline() {
        long t0 = utc("2026-06-10T10:30:00Z");
        Feed f = new Feed().wear(t0, WearSignal.ON_BODY).activity(t0, t0 + 4 * HOUR, 0);
        assertThat(f.of(WearActivityEvent.InactivityStart.class)).hasSize(1);
        List<WearActivityEvent> closed = T.restart(f.s);
        assertThat(closed).containsExactly(new WearActivityEvent.InactivityEnd(t0, t0 + 4 * HOUR,
                WearActivityEvent.InactivityEnd.Reason.STATE_CHANGED));
        assertThat(T.nextTimerMs(f.s)).as("no silence timer until data come").isEqualTo(Long.MIN_VALUE);
        // the clock went back two hours: the patient moves at what the device now calls t0 + 2 h, then is still
        f.events.clear();
        f.wear(t0 + 2 * HOUR, WearSignal.ON_BODY).activity(t0 + 2 * HOUR, t0 + 3 * HOUR, 400);
        assertThat(f.s.activityState()).isEqualTo(ACTIVE);
        assertThat(f.of(WearActivityEvent.StateChange.class)).allSatisfy(c -> assertThat(c.to()).isNotEqualTo(NO_DATA))
                .first().satisfies(c -> assertThat(c.from()).isEqualTo(NO_DATA)); // ends any device-offline, opens none
        assertThat(T.nextTimerMs(f.s)).isEqualTo(t0 + 3 * HOUR + T.parameters().silenceLimitMs());
    }

    @Test
    void inactivityUsesTheBandLimitAndEndsWhenThePatientMoves() {
        // still from 11:30 BST (10:30 UTC): the morning band ends at 12:00 before 3 h pass; afternoon limit 4 h -> 15:30 BST
        long t0 = utc("2026-06-10T10:30:00Z");
        Feed f = new Feed().wear(t0, WearSignal.ON_BODY).activity(t0, t0 + 4 * HOUR, 0);
        assertThat(f.of(WearActivityEvent.InactivityStart.class)).containsExactly(
                new WearActivityEvent.InactivityStart(t0, t0 + 4 * HOUR, 4 * HOUR));
        f.activity(t0 + 4 * HOUR, t0 + 4 * HOUR + QUARTER, 400);
        assertThat(f.of(WearActivityEvent.InactivityEnd.class)).containsExactly(
                new WearActivityEvent.InactivityEnd(t0, t0 + 4 * HOUR + QUARTER, WearActivityEvent.InactivityEnd.Reason.STATE_CHANGED));
        // 3 h 45 min still in the afternoon: just short, nothing
        long t1 = utc("2026-06-11T11:00:00Z");
        Feed g = new Feed().wear(t1, WearSignal.ON_BODY).activity(t1, t1 + 3 * HOUR + 45 * MIN, 0);
        assertThat(g.of(WearActivityEvent.InactivityStart.class)).isEmpty();
    }

    @Test
    void silentDeviceIsNotEvidenceOfStillness() {
        long t0 = utc("2026-06-10T08:00:00Z");          // 09:00 BST
        Feed f = new Feed().wear(t0, WearSignal.ON_BODY).activity(t0, t0 + HOUR, 0);
        // no data after 10:00 BST; the 3 h limit would be reached at 12:00 BST but nothing confirms it
        List<WearActivityEvent> ev = T.onTime(f.s, t0 + 3 * HOUR);
        assertThat(ev).containsExactly(new WearActivityEvent.StateChange(WORN_STILL, NO_DATA, t0 + 3 * HOUR, t0 + HOUR));
        assertThat(f.of(WearActivityEvent.InactivityStart.class)).isEmpty();
    }

    @Test
    void eachWornStillStretchIsReportedOnceWhenItReachesTheMinimumAndOnlyOnceDataConfirmsIt() {
        long t0 = utc("2026-06-10T13:00:00Z");
        Feed f = new Feed().wear(t0, WearSignal.ON_BODY).activity(t0, t0 + HOUR, 500);
        f.events.addAll(T.onActivity(f.s, t0 + HOUR, t0 + HOUR + 5 * MIN, 0)); // still from t0+1h; data to +5 min
        assertThat(f.of(WearActivityEvent.StillFor.class)).isEmpty();
        f.events.addAll(T.onActivity(f.s, t0 + HOUR + 5 * MIN, t0 + HOUR + 10 * MIN, 0));
        assertThat(f.of(WearActivityEvent.StillFor.class)).containsExactly(
                new WearActivityEvent.StillFor(t0 + HOUR, t0 + HOUR + 10 * MIN));
        f.activity(t0 + HOUR + 15 * MIN, t0 + 2 * HOUR + 15 * MIN, 0); // the same stretch goes on: not again
        assertThat(f.of(WearActivityEvent.StillFor.class)).hasSize(1);
        f.activity(t0 + 2 * HOUR + 15 * MIN, t0 + 2 * HOUR + 30 * MIN, 600)
                .activity(t0 + 2 * HOUR + 30 * MIN, t0 + 3 * HOUR, 0);
        assertThat(f.of(WearActivityEvent.StillFor.class)).hasSize(2).last()
                .isEqualTo(new WearActivityEvent.StillFor(t0 + 2 * HOUR + 30 * MIN, t0 + 2 * HOUR + 40 * MIN));
        // not worn is not still
        Feed g = new Feed().wear(t0, WearSignal.OFF_BODY).activity(t0, t0 + HOUR, 0);
        assertThat(g.of(WearActivityEvent.StillFor.class)).isEmpty();
    }

    @Test
    void stateIsSmallAndRoundTrips() {
        long t0 = utc("2026-06-10T08:00:00Z");
        Feed f = new Feed().wear(t0, WearSignal.ON_BODY).activity(t0, t0 + 4 * HOUR, 0);
        assertThat(f.s.inactivityOpen).isTrue();
        byte[] bytes = f.s.toBytes();
        // format 6: the fixed fields and one device's wear (its key, wear and two times)
        assertThat(bytes).hasSize(WearActivityState.SERIALIZED_SIZE + 21);
        assertThat(bytes.length).isLessThan(WearActivityState.MAX_SERIALIZED_SIZE);
        WearActivityState back = WearActivityState.fromBytes(bytes);
        assertThat(back).isEqualTo(f.s);
        assertThat(T.onActivity(back, t0 + 4 * HOUR, t0 + 4 * HOUR + QUARTER, 300))
                .isEqualTo(T.onActivity(f.s, t0 + 4 * HOUR, t0 + 4 * HOUR + QUARTER, 300)).isNotEmpty();
        // bounded: a year of 15-minute samples does not grow it
        for (long t = t0 + 5 * HOUR; t < t0 + 365L * 24 * HOUR; t += QUARTER) T.onActivity(f.s, t, t + QUARTER, (t / QUARTER) % 7 == 0 ? 100 : 0);
        assertThat(f.s.toBytes()).hasSize(WearActivityState.SERIALIZED_SIZE + 21);
    }

    /** The watch on body at {@code t0} with a still minute, the strap on its charger at {@code t0} + 2 min. */
    private static WearActivityState watchWornStrapCharging(long t0) {
        WearActivityState s = new WearActivityState();
        T.onWear(s, "watch", t0, WearSignal.ON_BODY);
        T.onActivity(s, "watch", t0, t0 + MIN, 0);
        T.onWear(s, "strap", t0 + 2 * MIN, WearSignal.CHARGING);
        return s;
    }

    @Test
    void wearIsKeptPerDeviceAndThePatientIsWornWhenAnyDeviceIs() {
        long t0 = utc("2026-06-10T09:00:00Z");
        WearActivityState s = watchWornStrapCharging(t0); // the strap's report is the newest
        T.onData(s, "watch", t0 + 3 * MIN);
        assertThat(s.activityState()).as("the watch is worn").isEqualTo(WORN_STILL);
        assertThat(T.activityOf(s, "watch")).isEqualTo(WORN_STILL);
        assertThat(T.activityOf(s, "strap")).as("the strap's own readings: not worn").isEqualTo(NOT_WORN);
        assertThat(T.activityOf(s, "phone")).as("a device that never said: the patient's").isEqualTo(WORN_STILL);
        // the strap's steps while on its charger say nothing of the patient's: still, the watch's 0 steps stand
        T.onActivity(s, "watch", t0 + 3 * MIN, t0 + 4 * MIN, 200);
        assertThat(s.activityState()).isEqualTo(ACTIVE);
        T.onActivity(s, "strap", t0 + 4 * MIN, t0 + 5 * MIN, 0);
        assertThat(s.activityState()).isEqualTo(ACTIVE);
        assertThat(s.lastActivityMs).isEqualTo(t0 + 4 * MIN);
        // the watch goes off body too: not worn
        T.onWear(s, "watch", t0 + 6 * MIN, WearSignal.OFF_BODY);
        assertThat(s.activityState()).isEqualTo(NOT_WORN);
        T.onWear(s, "watch", t0 + 7 * MIN, WearSignal.ON_BODY);
        assertThat(s.activityState()).isEqualTo(ACTIVE);
        // an older report of the watch than its newest is ignored
        T.onWear(s, "watch", t0 + 6 * MIN + 30_000, WearSignal.OFF_BODY);
        assertThat(s.activityState()).isEqualTo(ACTIVE);
        assertThat(s.sourceWearMs[s.sourceIndex(WearActivityState.sourceKey("watch"))]).isEqualTo(t0 + 7 * MIN);
    }

    @Test
    void aSilentDevicesOnBodyReportDoesNotOutweighAnotherDevicesOffBody() {
        long t0 = utc("2026-06-10T09:00:00Z");
        WearActivityState s = watchWornStrapCharging(t0);
        assertThat(s.activityState()).isEqualTo(WORN_STILL);
        // the watch's battery dies on the wrist: it says nothing more; the strap on its charger goes on reporting
        for (long t = t0 + 3 * MIN; t <= t0 + 3 * HOUR; t += 5 * MIN) T.onData(s, "strap", t);
        assertThat(s.activityState()).as("a still patient is not inferred from a silent watch").isEqualTo(NOT_WORN);
        // no off-body report from anyone: a silent device's on-body report stands (one device: as before)
        WearActivityState one = new WearActivityState();
        T.onWear(one, "watch", t0, WearSignal.ON_BODY);
        for (long t = t0 + 3 * MIN; t <= t0 + HOUR; t += 5 * MIN) T.onData(one, "strap", t);
        assertThat(one.activityState()).isEqualTo(WORN_STILL);
    }

    @Test
    void atMostFourDevicesAreRememberedTheLeastRecentlyHeardForgotten() {
        long t0 = utc("2026-06-10T09:00:00Z");
        WearActivityState s = new WearActivityState();
        for (int i = 0; i < 6; i++) {
            T.onWear(s, "dev-" + i, t0 + i * MIN, WearSignal.OFF_BODY);
            T.onData(s, "dev-0", t0 + i * MIN + 1); // dev-0 keeps reporting: never the least recently heard
        }
        assertThat(s.sourceCount).isEqualTo(WearActivityState.MAX_SOURCES);
        assertThat(s.sourceIndex(WearActivityState.sourceKey("dev-0"))).isNotNegative();
        assertThat(s.sourceIndex(WearActivityState.sourceKey("dev-1"))).isNegative();
        assertThat(s.sourceIndex(WearActivityState.sourceKey("dev-2"))).isNegative();
        assertThat(s.sourceIndex(WearActivityState.sourceKey("dev-5"))).isNotNegative();
        byte[] bytes = s.toBytes();
        assertThat(bytes).hasSize(WearActivityState.MAX_SERIALIZED_SIZE);
        assertThat(WearActivityState.fromBytes(bytes)).isEqualTo(s);
        assertThat(WearActivityState.fromBytes(bytes).sourceKey).containsExactly(s.sourceKey);
    }

    @Test
    void aRestartKeepsEachDevicesWearAndForgetsItsClock() {
        long t0 = utc("2026-06-10T09:00:00Z");
        WearActivityState s = new WearActivityState();
        T.onWear(s, "watch", t0, WearSignal.ON_BODY);
        T.onWear(s, "strap", t0 + MIN, WearSignal.CHARGING);
        T.restart(s);
        assertThat(s.sourceCount).isEqualTo(2);
        assertThat(s.sourceWearMs).startsWith(WearActivityState.NO_TIME, WearActivityState.NO_TIME);
        // on the earlier clock: the watch's data make the patient worn again; its reports on that clock count
        T.onData(s, "watch", t0 - HOUR);
        assertThat(s.activityState()).isEqualTo(WORN_STILL);
        T.onWear(s, "watch", t0 - HOUR + MIN, WearSignal.OFF_BODY);
        assertThat(s.activityState()).isEqualTo(NOT_WORN);
    }

    @Test
    void theNewestWearReportCountsEvenWhenItArrivesAfterLaterData() {
        long t0 = utc("2026-06-10T07:30:00Z");
        Feed f = new Feed().wear(t0, WearSignal.CHARGING);
        assertThat(f.s.activityState()).isEqualTo(NOT_WORN);
        // the device reconnects: its "reconnected" status (08:37) arrives before the buffered backlog
        f.events.addAll(T.onData(f.s, t0 + 67 * MIN));
        f.wear(t0 + 60 * MIN, WearSignal.ON_BODY);               // from the backlog: newest wear report
        assertThat(f.s.activityState()).as("worn since the backlog's report").isEqualTo(WORN_STILL);
        f.wear(t0 + 30 * MIN, WearSignal.OFF_BODY);              // an even older report: superseded, ignored
        assertThat(f.s.activityState()).isEqualTo(WORN_STILL);
        f.events.addAll(T.onActivity(f.s, t0 + 61 * MIN, t0 + 66 * MIN, 400)); // newest activity: walking
        assertThat(f.s.activityState()).isEqualTo(ACTIVE);
        f.events.addAll(T.onActivity(f.s, t0 + 56 * MIN, t0 + 61 * MIN, 0));   // older than that: ignored
        assertThat(f.s.activityState()).isEqualTo(ACTIVE);
        assertThat(f.s.lastDataMs).as("data time never goes back").isEqualTo(t0 + 67 * MIN);
    }

    @Test
    void movementAgesOutFiveMinutesAfterTheLastIntervalWithSteps() {
        // a device that uploads 1-minute intervals only when there are steps (probe 17a, D8): a 10-minute walk, then
        // heart rate only
        long t0 = utc("2026-06-10T13:00:00Z");
        Feed f = new Feed().wear(t0, WearSignal.ON_BODY);
        for (long t = t0; t < t0 + 10 * MIN; t += MIN) f.events.addAll(T.onActivity(f.s, t, t + MIN, 100));
        assertThat(f.s.activityState()).isEqualTo(ACTIVE);
        long end = t0 + 10 * MIN;
        f.events.addAll(T.onData(f.s, end + 5 * MIN - 1));
        assertThat(f.s.activityState()).as("4:59 after the last interval").isEqualTo(ACTIVE);
        f.events.addAll(T.onData(f.s, end + 6 * MIN));
        assertThat(f.s.activityState()).isEqualTo(WORN_STILL);
        assertThat(f.of(WearActivityEvent.StateChange.class)).last()
                .isEqualTo(new WearActivityEvent.StateChange(ACTIVE, WORN_STILL, end + 5 * MIN, end));
        assertThat(T.activityOf(f.s, null)).isEqualTo(WORN_STILL);
        // 15-minute intervals: each counts for its own length, so a walk reported every 15 minutes stays ACTIVE
        Feed g = new Feed().wear(t0, WearSignal.ON_BODY).activity(t0, t0 + HOUR, 1500);
        g.events.addAll(T.onData(g.s, t0 + HOUR + 14 * MIN));
        assertThat(g.s.activityState()).isEqualTo(ACTIVE);
        g.activity(t0 + HOUR, t0 + HOUR + QUARTER, 1500);
        assertThat(g.of(WearActivityEvent.StateChange.class)).extracting(WearActivityEvent.StateChange::to)
                .containsExactly(WORN_STILL, ACTIVE);
        g.events.addAll(T.onData(g.s, t0 + HOUR + 2 * QUARTER));
        assertThat(g.s.activityState()).isEqualTo(WORN_STILL);
    }

    @Test
    void accelerometerCountsWithoutStepsAreMovementNotKnownExceptZero() {
        // probe 17a, D7: counts on a device-specific scale; a count of 0 is still, others are neither still nor a cadence
        long t0 = utc("2026-06-10T07:00:00Z"); // 08:00 BST
        Feed f = new Feed().wear(t0, WearSignal.ON_BODY);
        for (long t = t0; t < t0 + 4 * HOUR; t += MIN) f.events.addAll(T.onActivity(f.s, null, t, t + MIN, -1, 20));
        assertThat(f.s.activityState()).isEqualTo(ACTIVE);
        assertThat(f.s.lastStepsPerMinute).as("cadence not known").isNaN();
        assertThat(f.of(WearActivityEvent.InactivityStart.class)).isEmpty();
        assertThat(f.of(WearActivityEvent.StillFor.class)).isEmpty();
        Feed zero = new Feed().wear(t0, WearSignal.ON_BODY);
        for (long t = t0; t < t0 + 4 * HOUR; t += MIN) zero.events.addAll(T.onActivity(zero.s, null, t, t + MIN, -1, 0));
        assertThat(zero.s.activityState()).isEqualTo(WORN_STILL);
        assertThat(zero.of(WearActivityEvent.InactivityStart.class)).hasSize(1);
        // steps decide when both are present; neither is data only
        Feed both = new Feed().wear(t0, WearSignal.ON_BODY);
        both.events.addAll(T.onActivity(both.s, null, t0, t0 + MIN, 0, 500));
        assertThat(both.s.activityState()).isEqualTo(WORN_STILL);
        both.events.addAll(T.onActivity(both.s, null, t0 + MIN, t0 + 2 * MIN, -1, -1));
        assertThat(both.s.lastActivityMs).isEqualTo(t0 + MIN);
        assertThat(both.s.lastDataMs).isEqualTo(t0 + MIN);
    }
}
