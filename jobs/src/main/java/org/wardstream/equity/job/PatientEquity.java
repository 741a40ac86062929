package org.wardstream.equity.job;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.wardstream.equity.model.PatientDay;

/**
 * Everything the equity job keeps about one patient, and the rules that turn the patient's readings,
 * enrolment, episodes and triage actions into {@link PatientDayRecord}s per LOCAL day. Plain Java (no Flink
 * types): the Flink operator {@link PatientDayFunction} keeps one instance per patient in keyed state and
 * calls it with the current watermark.
 *
 * <p>Event time decides everything: a day is emitted (revision 0) once the watermark passes its end; data for
 * it that arrives later, while the watermark is before its end plus the allowed lateness, marks it for a
 * re-emission with the next revision; after that the day is forgotten and data for it is dropped-late
 * (counted by the caller). Local days follow the enrolment's time zone, so a day is 23 h or 25 h long on the
 * clock changes.
 */
public class PatientEquity {
    /** What happened to one input record. */
    public enum Outcome {
        /** Counted in a day not yet emitted. */
        ON_TIME,
        /** Counted in a day already emitted: the day will be re-emitted with the next revision. */
        REVISED,
        /** The day is past its allowed lateness: not counted. */
        DROPPED_LATE,
        /** Nothing to count (a repeated episode or triage action, an episode update, a tombstone). */
        IGNORED
    }

    // ---- enrolment (null programme: not known yet)
    public String programme;
    public String status;
    public long enrolledOnEpochDay;
    public long endedOnEpochDay = Long.MIN_VALUE;
    public String timeZone;
    public String imdQuintile;
    public String imdEdition;
    public String ethnicGroup;
    public String ageBand;
    public String sex;
    public String icb;
    /** The enrolment records a pacemaker: TRUE, FALSE, or null when it does not say (or in state from before it). */
    public Boolean pacemaker;
    /** Spans of ACTIVE enrolment [from, until), epoch ms; until is Long.MAX_VALUE while active. */
    public ArrayList<long[]> activeSpans = new ArrayList<>();
    /**
     * The enrolment periods, oldest first: {first local day, last local day ({@link #OPEN} while not ended), 1 when it
     * ended by a discharge or withdrawal on a recorded day, else 0}. A re-enrolment after an end adds a period, so the
     * days and the disenrolment of the earlier one stay as they were (the enrolment record itself keeps only its
     * latest state). Empty in state from before it (format 2 and the POJO form): {@link #periods} derives the one
     * period that state describes.
     */
    public ArrayList<long[]> enrolmentPeriods = new ArrayList<>();

    /** The next local day (epoch day) that the day chain creates, so that enrolled days with no data exist too. */
    public long nextChainDay = Long.MIN_VALUE;
    /** Latest device time seen for this patient (bounds the day chain at the end of a bounded input). */
    public long lastEventTime = Long.MIN_VALUE;

    /** Open days by epoch day. */
    public TreeMap<Long, DayLedger> days = new TreeMap<>();
    /** Episodes opened in the open days, and for {@link #FOLLOW_UP} after: for the triage join and de-duplication. */
    public HashMap<String, EpisodeRef> episodes = new HashMap<>();
    /** Triage actions whose episode has not arrived yet: episode id to {time, alertRaisedAt}. */
    public HashMap<String, long[]> pendingTriage = new HashMap<>();
    /** Closures whose episode has not arrived yet: episode id to {time, 1 with action / 0 without}. */
    public HashMap<String, long[]> pendingClosures = new HashMap<>();

    /**
     * How long after its day ends an alert is still followed for its acknowledgement and closure (which then count on
     * the day they happen; a closed alert's later actions, after a re-opening, are ignored as repeats); later triage
     * actions are dropped-late.
     */
    public static final java.time.Duration FOLLOW_UP = java.time.Duration.ofDays(28);

    /** {@link #enrolmentPeriods}' last day while the period has not ended. */
    static final long OPEN = Long.MAX_VALUE;

    /** Not state: a cache of the parsed time zone. */
    private transient ZoneId zoneCache;

    public PatientEquity() {
    }

    /** One open local day of the patient. */
    public static class DayLedger {
        public long epochDay;
        public long start;
        public long end;
        /** Minutes of the day (from its start, in elapsed time) with timely data, as a bit set. */
        public long[] minutes;
        public HashMap<String, Integer> clinical = new HashMap<>();
        public int technical;
        public ArrayList<Long> delays = new ArrayList<>();
        public int alertsRaised;
        public int acknowledgedWithinTarget;
        /*
         * Transient to Kryo only: savepoints written before EquityStateSerializers hold this class by Kryo's field
         * layout, which these triage-closure fields (added later) must not change; EquityStateSerializers writes them.
         */
        public transient HashMap<String, Integer> closed = new HashMap<>();
        public transient HashMap<String, Integer> closedWithAction = new HashMap<>();
        public transient ArrayList<Long> ackDelays = new ArrayList<>();
        /**
         * The strata the patient had on this day, kept when an enrolment update after the day ended changes them:
         * {@link #STRATA_FIELDS} in order, null when the current ones apply (probe 19a D9). Not the pacemaker record,
         * which a later record completes for the days before it (METRICS 3a). Transient to Kryo only, as above.
         */
        public transient String[] livedStrata;
        public boolean emitted;
        public boolean dirty;
        /** Revision of the last emission, -1 before the first. */
        public int revision = -1;
        public int lastHash;

        public DayLedger() {
        }

        int dayMinutes() {
            return (int) ((end - start) / 60_000L);
        }

        int dataMinutes() {
            int n = 0;
            for (long w : minutes) {
                n += Long.bitCount(w);
            }
            return n;
        }
    }

    /** An episode opened in an open day. */
    public static class EpisodeRef {
        public long epochDay;
        public boolean clinical;
        public long raisedAt;
        public boolean acknowledged;
        /*
         * Transient to Kryo only: savepoints written before EquityStateSerializers hold this class by Kryo's field
         * layout, which these triage-closure fields (added later) must not change; EquityStateSerializers writes them.
         */
        public transient String type;
        public transient boolean closed;
        /** The alert's priority when raised (FHIR Task.priority code; null: not known, the routine target). */
        public transient String priority;
        /**
         * The later records of the alert that raised its priority (an escalation): when the detection job emitted
         * each (epoch ms) and the priority it gave, only those above every earlier one (state format 5).
         */
        public transient TreeMap<Long, String> raisedPriority = new TreeMap<>();
        /**
         * When the first acknowledgement came (epoch ms) and how long after the alert was raised (ms), so that an
         * escalation read after it but emitted before it re-judges it; {@link Long#MIN_VALUE}: not acknowledged, or
         * acknowledged in state from before format 5 (judged then, at the priority then known, and left so).
         */
        public transient long acknowledgedAt = Long.MIN_VALUE;
        public transient long ackDelay = Long.MIN_VALUE;

        public EpisodeRef() {
        }

        /**
         * The priority the alert is counted at: the highest it reached by its first acknowledgement (its priority when
         * raised, or an escalation emitted before the acknowledgement), as the worklist showed it to the clinician;
         * not acknowledged yet: the highest it has reached.
         */
        String countedPriority() {
            String p = priority;
            for (Map.Entry<Long, String> r : raisedPriority.entrySet()) {
                if (acknowledgedAt != Long.MIN_VALUE && r.getKey() > acknowledgedAt) break;
                if (rank(r.getValue()) > rank(p)) p = r.getValue();
            }
            return p;
        }

        /** Whether the alert counts as acknowledged within the response target of its counted priority. */
        boolean withinTarget(EquityJobSettings settings) {
            return clinical && acknowledged && ackDelay != Long.MIN_VALUE
                    && ackDelay <= settings.responseTargets().target(countedPriority()).toMillis();
        }
    }

    /** FHIR request-priority order, routine < urgent < asap < stat (the Avro Severity's); null or unknown: routine. */
    static int rank(String priority) {
        if (priority == null) return 0;
        try {
            return org.wardstream.schema.Severity.valueOf(priority.toUpperCase(java.util.Locale.ROOT)).ordinal();
        } catch (IllegalArgumentException unknown) {
            return 0;
        }
    }

    // ------------------------------------------------------------------ inputs

    public Outcome onEnrolment(EquityInput e, long watermark, EquityJobSettings settings) {
        if (e.tombstone) {
            // The patient is withdrawn and their record erased: forget everything not yet emitted.
            days.clear();
            episodes.clear();
            pendingTriage.clear();
            pendingClosures.clear();
            activeSpans.clear();
            enrolmentPeriods.clear();
            programme = null;
            nextChainDay = Long.MIN_VALUE;
            return Outcome.IGNORED;
        }
        boolean first = programme == null;
        if (!first && watermark != Long.MIN_VALUE) {
            // the update applies from its own time: a day that had ended by then keeps the strata it was lived in
            // (a move to another area is not a re-count of the days before it; probe 19a D9). Not before event time
            // has started (a recomputation holds it until every enrolment is read, the live job's first start until
            // its inputs have watermarks): no day has been judged yet, and which days the readings read before this
            // record had opened is an accident of read order (session 23: a recomputation kept a corrected IMD
            // decile off exactly the days whose readings it happened to read first). Every day then takes the
            // patient's latest record, as the compacted topic keeps it.
            String[] before = strataNow();
            for (DayLedger d : days.values()) {
                if (d.livedStrata == null && d.end <= e.updatedAt) {
                    d.livedStrata = before;
                }
            }
        }
        boolean wasActive = isActiveNow();
        List<long[]> periods = periods(); // before the fields change: state from before the periods derives them
        long enrolledBefore = first ? Long.MIN_VALUE : enrolledOnEpochDay;
        ZoneId zoneBefore = first ? null : ZoneId.of(timeZone);
        programme = e.programme;
        timeZone = validZone(e.timeZone, settings.defaultZone());
        ZoneId zone = ZoneId.of(timeZone);
        enrolledOnEpochDay = e.enrolledOnEpochDay;
        endedOnEpochDay = e.endedOnEpochDay;
        status = e.status;
        imdQuintile = e.imdQuintile;
        imdEdition = e.imdEdition;
        ethnicGroup = e.ethnicGroup;
        ageBand = e.ageBand;
        sex = e.sex;
        icb = e.icb;
        pacemaker = e.pacemaker;

        LocalDate enrolledOn = LocalDate.ofEpochDay(enrolledOnEpochDay);
        long enrolStart = LocalDayMillis.start(enrolledOn, zone);
        if (LocalDayMillis.dayOf(e.updatedAt, zone).equals(enrolledOn)) {
            enrolStart = Math.max(enrolStart, e.updatedAt); // enrolled during its first day: from then on
        }
        boolean active = "ACTIVE".equals(status);
        if (active && wasActive && enrolledOnEpochDay < enrolledBefore) {
            backdate(enrolledBefore, zoneBefore, enrolStart, zone, watermark, settings);
        } else if (active && !wasActive) {
            long from = first || activeSpans.isEmpty() ? enrolStart : Math.max(enrolStart, e.updatedAt);
            activeSpans.add(new long[] {from, Long.MAX_VALUE});
            long fromDay = LocalDayMillis.dayOf(from, zone).toEpochDay();
            if (watermark != Long.MIN_VALUE && watermark != Long.MAX_VALUE) {
                // never build empty history before the job was running
                fromDay = Math.max(fromDay, LocalDayMillis.dayOf(watermark, zone).toEpochDay());
            }
            if (nextChainDay == Long.MIN_VALUE) {
                nextChainDay = fromDay;
            }
        } else if (!active) {
            long until;
            if (("DISCHARGED".equals(status) || "WITHDRAWN".equals(status)) && endedOnEpochDay != Long.MIN_VALUE) {
                until = LocalDayMillis.start(LocalDate.ofEpochDay(endedOnEpochDay).plusDays(1), zone);
            } else {
                until = e.updatedAt;
            }
            if (wasActive) {
                long[] open = activeSpans.get(activeSpans.size() - 1);
                open[1] = Math.max(open[0], until);
            } else if (first && !"PAUSED".equals(status)) {
                activeSpans.add(new long[] {enrolStart, Math.max(enrolStart, until)}); // learnt after the end
                nextChainDay = LocalDayMillis.dayOf(enrolStart, zone).toEpochDay();
            }
        }
        recordPeriod(periods, zone);
        // Days already emitted may change (strata, discharge day): re-emit those whose content changes.
        for (DayLedger d : days.values()) {
            if (d.emitted) {
                d.dirty = true;
            }
        }
        return Outcome.IGNORED;
    }

    /**
     * An ACTIVE enrolment corrected to an earlier first day ({@code enrolledOn}; session 23): the span that opened on
     * the former first day now opens on the new one (never before the span ahead of it ends), and the day chain goes
     * back to it, but not to days already past their allowed lateness in the live job. Until then the correction only
     * moved the enrolment period: the days between were published as patient-days with no enrolled minutes and no
     * data, and a recomputation gave that or the full days depending on whether compaction had removed the first
     * record.
     */
    private void backdate(long enrolledBefore, ZoneId zoneBefore, long enrolStart, ZoneId zone, long watermark,
                          EquityJobSettings settings) {
        for (int i = 0; i < activeSpans.size(); i++) {
            long[] span = activeSpans.get(i);
            if (LocalDayMillis.dayOf(span[0], zoneBefore).toEpochDay() != enrolledBefore) {
                continue;
            }
            long floor = i == 0 ? Long.MIN_VALUE : activeSpans.get(i - 1)[1];
            span[0] = Math.min(span[0], Math.max(floor, enrolStart));
            long fromDay = LocalDayMillis.dayOf(span[0], zone).toEpochDay();
            if (watermark != Long.MIN_VALUE && watermark != Long.MAX_VALUE) {
                long open = LocalDayMillis.dayOf(watermark - settings.allowedLateness().toMillis(), zone).toEpochDay();
                fromDay = Math.max(fromDay, open);
            }
            if (nextChainDay != Long.MIN_VALUE) {
                nextChainDay = Math.min(nextChainDay, fromDay);
            }
            return;
        }
    }

    /** The order of {@link DayLedger#livedStrata}. */
    static final List<String> STRATA_FIELDS = List.of("imdQuintile", "imdEdition", "ethnicGroup", "ageBand", "sex",
            "icb");

    /** The current strata, as {@link #STRATA_FIELDS}. */
    String[] strataNow() {
        return new String[] {imdQuintile, imdEdition, ethnicGroup, ageBand, sex, icb};
    }

    private boolean endedStatus() {
        return "DISCHARGED".equals(status) || "WITHDRAWN".equals(status);
    }

    /**
     * The enrolment periods ({@link #enrolmentPeriods}); for state from before them, the one period its enrolment
     * fields describe, as they were read before the periods existed.
     */
    List<long[]> periods() {
        if (enrolmentPeriods == null) {
            enrolmentPeriods = new ArrayList<>();
        }
        if (enrolmentPeriods.isEmpty() && programme != null) {
            long last = OPEN;
            int disenrolled = 0;
            if (endedStatus() && endedOnEpochDay != Long.MIN_VALUE) {
                last = endedOnEpochDay;
                disenrolled = 1;
            } else if (endedStatus()) {
                last = lastDayBeforeSpansEnd(ZoneId.of(timeZone));
            }
            enrolmentPeriods.add(new long[] {enrolledOnEpochDay, last, disenrolled});
        }
        return enrolmentPeriods;
    }

    /**
     * The enrolment record just applied, into the periods. After an ended period, an ACTIVE or PAUSED record whose
     * first day is later than that period's first day is a re-enrolment: a new period (the earlier one keeps its days
     * and its disenrolment, also when both fall on one day); with the same first day it undoes the end (the enrolment
     * continues). Any other record updates the last period: its first day as the record says (never before the end of
     * the period before it), a pause, or its end.
     */
    private void recordPeriod(List<long[]> periods, ZoneId zone) {
        long[] last = periods.isEmpty() ? null : periods.get(periods.size() - 1);
        if (last == null || last[1] != OPEN && !endedStatus() && enrolledOnEpochDay > last[0]) {
            last = new long[] {enrolledOnEpochDay, OPEN, 0};
            periods.add(last);
        } else {
            long[] before = periods.size() > 1 ? periods.get(periods.size() - 2) : null;
            last[0] = before == null ? enrolledOnEpochDay : Math.max(enrolledOnEpochDay, before[1]);
            last[1] = OPEN;
            last[2] = 0;
        }
        if (endedStatus()) {
            last[1] = endedOnEpochDay != Long.MIN_VALUE ? endedOnEpochDay : lastDayBeforeSpansEnd(zone);
            last[2] = endedOnEpochDay != Long.MIN_VALUE ? 1 : 0;
        }
    }

    /** The last local day that begins before the end of the last ACTIVE span (an end recorded without its day). */
    private long lastDayBeforeSpansEnd(ZoneId zone) {
        long end = Long.MIN_VALUE;
        for (long[] span : activeSpans) {
            end = Math.max(end, span[1]);
        }
        return end == Long.MIN_VALUE ? enrolledOnEpochDay - 1 : LocalDayMillis.dayOf(end - 1, zone).toEpochDay();
    }

    public Outcome onReading(EquityInput r, long watermark, EquityJobSettings settings) {
        lastEventTime = Math.max(lastEventTime, r.time);
        if (r.spanMs < 0) {
            return Outcome.IGNORED; // wear and status reports are not monitoring data
        }
        DayLedger d = ledgerFor(r.time, watermark, settings);
        if (d == null) {
            return Outcome.DROPPED_LATE;
        }
        boolean timely = r.received - (r.time + r.spanMs) <= settings.dataTimeliness().toMillis();
        if (!timely) {
            return Outcome.IGNORED;
        }
        long last = Math.min(d.end, r.time + Math.max(r.spanMs, 1)) - 1;
        boolean changed = false;
        for (long t = r.time; t <= last; t += 60_000L) {
            changed |= mark(d, (int) ((t - d.start) / 60_000L));
        }
        changed |= mark(d, (int) ((last - d.start) / 60_000L));
        return touched(d, changed);
    }

    public Outcome onEpisode(EquityInput e, long watermark, EquityJobSettings settings) {
        if (!"OPENED".equals(e.action)) {
            return onLaterChange(e, settings);
        }
        if (episodes.containsKey(e.episodeId)) {
            return Outcome.IGNORED;
        }
        DayLedger d = ledgerFor(e.time, watermark, settings);
        if (d == null) {
            // The day it opened is final: an alert raised from a backlog uploaded days later (connectivity loss).
            // Counted on the day its evidence reached the platform, so it is in the figures with its delay: dropping
            // it would leave out exactly the longest event-to-platform delays (probe 19a D7).
            d = receiptLedger(e, watermark, settings);
            if (d == null) {
                return Outcome.DROPPED_LATE;
            }
        }
        EpisodeRef ref = new EpisodeRef();
        ref.epochDay = d.epochDay;
        ref.clinical = !PatientDay.technical(e.episodeType);
        ref.raisedAt = e.emittedAt;
        ref.type = e.episodeType;
        ref.priority = e.priority;
        episodes.put(e.episodeId, ref);
        if (ref.clinical) {
            d.clinical.merge(e.episodeType, 1, Integer::sum);
            d.alertsRaised++;
        } else {
            d.technical++;
        }
        // event to platform: how long the reading that raised the alert took to arrive (device buffering,
        // connectivity: the part of the delay that differs between patients); the job's own processing time
        // (seconds) is an operational metric, and meaningless when simulated days are replayed in minutes
        d.delays.add(Math.max(0, e.evidenceReceived - e.time));
        long[] pending = pendingTriage.remove(e.episodeId);
        if (pending != null) {
            acknowledge(ref, d, pending[0], pending[1], settings, true);
        }
        long[] closure = pendingClosures.remove(e.episodeId);
        if (closure != null) {
            close(ref, d, closure[1] == 1);
        }
        return touched(d, true);
    }

    /**
     * The open day on which an episode's evidence reached the platform, when the patient's enrolment covers it; null
     * when that day is final too (or not enrolled).
     */
    private DayLedger receiptLedger(EquityInput e, long watermark, EquityJobSettings settings) {
        if (e.evidenceReceived <= e.time) {
            return null;
        }
        long day = LocalDayMillis.dayOf(e.evidenceReceived, zone(settings)).toEpochDay();
        return covers(day) ? ledgerFor(e.evidenceReceived, watermark, settings) : null;
    }

    /**
     * Any triage action acknowledges the alert (the first one counts); a CLOSED_* action also closes it, with
     * action for CLOSED_WITH_ACTION (the first closure counts).
     */
    public Outcome onTriage(EquityInput t, long watermark, EquityJobSettings settings) {
        boolean closing = t.action != null && t.action.startsWith("CLOSED_");
        boolean withAction = "CLOSED_WITH_ACTION".equals(t.action);
        EpisodeRef ref = episodes.get(t.episodeId);
        if (ref == null) {
            if (t.time + settings.allowedLateness().toMillis() <= watermark) {
                return Outcome.DROPPED_LATE;
            }
            pendingTriage.merge(t.episodeId, new long[] {t.time, t.alertRaisedAt},
                    (a, b) -> a[0] <= b[0] ? a : b);
            if (closing) {
                pendingClosures.merge(t.episodeId, new long[] {t.time, withAction ? 1 : 0},
                        (a, b) -> a[0] <= b[0] ? a : b);
            }
            return Outcome.ON_TIME;
        }
        if (ref.acknowledged && (!closing || ref.closed)) {
            return Outcome.IGNORED;
        }
        DayLedger d = days.get(ref.epochDay);
        boolean afterItsDay = d == null;
        if (afterItsDay) {
            // The alert's day is final (a Friday-evening alert acknowledged on Monday): counted on the day of the
            // action, so time to acknowledge and needed action keep their slowest cases (probe 19a D1)
            d = covers(LocalDayMillis.dayOf(t.time, zone(settings)).toEpochDay())
                    ? ledgerFor(t.time, watermark, settings) : null;
            if (d == null) {
                return Outcome.DROPPED_LATE; // too late, or made after the enrolment ended: counted
            }
        }
        boolean changed = false;
        if (!ref.acknowledged) {
            acknowledge(ref, d, t.time, t.alertRaisedAt, settings, !afterItsDay);
            changed = true;
        }
        if (closing && !ref.closed) {
            close(ref, d, withAction);
            changed = true;
        }
        return touched(d, changed);
    }

    /**
     * A later record of an alert already opened (update, escalation, end): when it raises the alert's priority, the
     * alert is counted at the higher priority if it was emitted before the first acknowledgement (whichever of the two
     * the job reads first: the episodes and triage topics are read side by side), so "acknowledged within target"
     * is judged against the target of the priority the worklist showed (probe: counted at the opening priority, a
     * routine alert escalated to urgent and acknowledged after 2 h was within target).
     */
    private Outcome onLaterChange(EquityInput e, EquityJobSettings settings) {
        EpisodeRef ref = episodes.get(e.episodeId);
        if (ref == null || e.priority == null) {
            return Outcome.IGNORED; // its opening was not counted (dropped late, or its day is finished)
        }
        String reached = ref.priority;
        for (String r : ref.raisedPriority.headMap(e.emittedAt, true).values()) {
            if (rank(r) > rank(reached)) reached = r;
        }
        if (rank(e.priority) <= rank(reached)) {
            return Outcome.IGNORED; // no higher than the alert had reached by then
        }
        boolean before = ref.withinTarget(settings);
        ref.raisedPriority.merge(e.emittedAt, e.priority, (a, b) -> rank(a) >= rank(b) ? a : b);
        boolean after = ref.withinTarget(settings);
        DayLedger d = days.get(ref.epochDay);
        if (before == after || d == null) {
            return Outcome.IGNORED;
        }
        d.acknowledgedWithinTarget += after ? 1 : -1;
        return touched(d, true);
    }

    /**
     * @param onItsDay whether {@code d} is the alert's own day: only there does it count towards "acknowledged within
     *                 target" (whose denominator is the day's alerts raised); an acknowledgement after the alert's
     *                 day is final is past every response target anyway (the allowed lateness is a day)
     */
    private static void acknowledge(EpisodeRef ref, DayLedger d, long time, long alertRaisedAt,
                                    EquityJobSettings settings, boolean onItsDay) {
        ref.acknowledged = true;
        long raised = alertRaisedAt != Long.MIN_VALUE ? alertRaisedAt : ref.raisedAt;
        ref.acknowledgedAt = time;
        ref.ackDelay = time - raised;
        if (ref.clinical) {
            d.ackDelays.add(Math.max(0, time - raised));
            // the response target of the priority the alert reached by then, from the file the worklist reads
            // (response-targets.yaml)
            if (onItsDay && ref.withinTarget(settings)) {
                d.acknowledgedWithinTarget++;
            }
        }
    }

    private static void close(EpisodeRef ref, DayLedger d, boolean withAction) {
        ref.closed = true;
        String type = ref.type == null ? "unknown" : ref.type;
        d.closed.merge(type, 1, Integer::sum);
        if (withAction) {
            d.closedWithAction.merge(type, 1, Integer::sum);
        }
    }

    private static Outcome touched(DayLedger d, boolean changed) {
        if (!changed) {
            return Outcome.IGNORED;
        }
        if (d.emitted) {
            d.dirty = true;
            return Outcome.REVISED;
        }
        return Outcome.ON_TIME;
    }

    private static boolean mark(DayLedger d, int minute) {
        if (minute < 0 || minute >= d.minutes.length * 64) {
            return false;
        }
        long bit = 1L << (minute & 63);
        if ((d.minutes[minute >> 6] & bit) != 0) {
            return false;
        }
        d.minutes[minute >> 6] |= bit;
        return true;
    }

    /** The open day holding {@code time}, created when needed; null when that day is past its allowed lateness. */
    DayLedger ledgerFor(long time, long watermark, EquityJobSettings settings) {
        for (DayLedger open : days.values()) { // usually one or two: no date arithmetic for most readings
            if (open.start <= time && time < open.end) {
                return open;
            }
        }
        ZoneId zone = zone(settings);
        LocalDate day = LocalDayMillis.dayOf(time, zone);
        DayLedger d = days.get(day.toEpochDay());
        if (d != null) {
            // opened in the zone before a correction, its bounds do not hold the time (the loop above): the time lies
            // beyond them, in the neighbouring day on its side (createDay stitches that day to this one)
            day = time >= d.end ? day.plusDays(1) : day.minusDays(1);
            d = days.get(day.toEpochDay());
            if (d != null) {
                return d;
            }
        }
        long end = LocalDayMillis.start(day.plusDays(1), zone);
        if (watermark != Long.MIN_VALUE && end + settings.allowedLateness().toMillis() <= watermark) {
            return null;
        }
        return createDay(day, zone);
    }

    /**
     * A new open day, from its local midnight to the next in {@code zone}; next to a day opened before the
     * enrolment's time zone was corrected (which keeps its bounds), it starts where the day before ends and ends where
     * the day after begins, so no instant is in two patient-days and none in none (probe 21b D3: with "GMT" corrected
     * to Europe/London an hour was enrolled on two days and the second lost that hour's data). In one zone the days
     * meet already (the 23-h and 25-h days included): nothing moves.
     */
    private DayLedger createDay(LocalDate day, ZoneId zone) {
        DayLedger d = new DayLedger();
        d.epochDay = day.toEpochDay();
        d.start = LocalDayMillis.start(day, zone);
        d.end = LocalDayMillis.start(day.plusDays(1), zone);
        DayLedger before = days.get(d.epochDay - 1);
        DayLedger after = days.get(d.epochDay + 1);
        if (before != null && before.end < d.end) {
            d.start = before.end;
        }
        if (after != null && after.start > d.start) {
            d.end = after.start;
        }
        d.minutes = new long[(d.dayMinutes() + 63) / 64];
        days.put(d.epochDay, d);
        return d;
    }

    // ------------------------------------------------------------------ time

    /**
     * Advances this patient to {@code watermark}: creates the enrolled days the chain has reached, emits each
     * day whose end has passed (revision 0) and re-emits changed days (next revision), then forgets days past
     * their allowed lateness. At the end of a bounded input ({@code watermark == Long.MAX_VALUE}) the chain
     * stops at the day holding {@code frontier}, the latest device time seen, instead of running forever.
     *
     * @param dropped receives the number of days that had to be discarded because no enrolment covered them
     */
    public List<PatientDayRecord> advance(long watermark, long frontier, EquityJobSettings settings, int[] dropped) {
        List<PatientDayRecord> out = new ArrayList<>();
        ZoneId zone = zone(settings);
        if (programme != null && nextChainDay != Long.MIN_VALUE) {
            long limitDay = watermark == Long.MAX_VALUE
                    ? LocalDayMillis.dayOf(Math.max(frontier, lastEventTime), zone).toEpochDay() : Long.MAX_VALUE;
            while (nextChainDay <= limitDay) {
                LocalDate day = LocalDate.ofEpochDay(nextChainDay);
                long end = LocalDayMillis.start(day.plusDays(1), zone);
                if (watermark != Long.MAX_VALUE && end > watermark) {
                    break;
                }
                if (ended(nextChainDay)) {
                    nextChainDay = Long.MIN_VALUE; // enrolment over: the chain stops
                    break;
                }
                // A day the chain reaches is emitted once even when the watermark jumped past its lateness.
                if (!days.containsKey(nextChainDay) && covers(nextChainDay)) {
                    createDay(day, zone);
                }
                nextChainDay++;
            }
        }
        for (DayLedger d : days.values()) {
            boolean due = !d.emitted && d.end <= watermark;
            if (!due && !(d.emitted && d.dirty)) {
                continue;
            }
            d.emitted = true;
            d.dirty = false;
            PatientDayRecord rec = record(d, zone, settings);
            if (rec == null) {
                if (d.revision < 0) {
                    dropped[0]++;
                }
                continue;
            }
            int hash = rec.contentHash();
            if (d.revision >= 0 && hash == d.lastHash) {
                continue; // nothing changed
            }
            d.revision++;
            d.lastHash = hash;
            rec.revision = d.revision;
            out.add(rec);
        }
        long lateness = settings.allowedLateness().toMillis();
        Iterator<Map.Entry<Long, DayLedger>> it = days.entrySet().iterator();
        while (it.hasNext()) {
            DayLedger d = it.next().getValue();
            if (d.emitted && !d.dirty && d.end + lateness <= watermark) {
                it.remove();
            }
        }
        // An alert is followed after its day is final until FOLLOW_UP has passed: its later acknowledgement and
        // closure count on the day they happen (onTriage). A closed one too: an escalation or priority rise can re-open
        // it on the worklist, and the clinician's second acknowledgement and closure are then repeats of an alert
        // already counted (ignored); forgotten at its closure, they waited for its episode and were counted
        // dropped-late (until session 21)
        long followUp = FOLLOW_UP.toMillis();
        episodes.values().removeIf(ref -> !days.containsKey(ref.epochDay)
                && LocalDayMillis.start(LocalDate.ofEpochDay(ref.epochDay + 1), zone) + followUp <= watermark);
        pendingTriage.values().removeIf(p -> p[0] + lateness <= watermark);
        pendingClosures.values().removeIf(p -> p[0] + lateness <= watermark);
        if (days.isEmpty() && programme == null) {
            episodes.clear();
        }
        return out;
    }

    /** The event times at which {@link #advance} has work: day ends, purges and the next day of the chain. */
    public List<Long> timers(EquityJobSettings settings) {
        List<Long> out = new ArrayList<>();
        long lateness = settings.allowedLateness().toMillis();
        for (DayLedger d : days.values()) {
            if (!d.emitted) {
                out.add(d.end);
            }
            out.add(d.end + lateness);
        }
        for (long[] p : pendingTriage.values()) {
            out.add(p[0] + lateness);
        }
        for (long[] p : pendingClosures.values()) {
            out.add(p[0] + lateness);
        }
        if (programme != null && nextChainDay != Long.MIN_VALUE) {
            out.add(LocalDayMillis.start(LocalDate.ofEpochDay(nextChainDay).plusDays(1), zone(settings)));
        }
        return out;
    }

    /** Whether nothing is left to keep (the state can be cleared). */
    public boolean isEmpty() {
        return programme == null && days.isEmpty() && pendingTriage.isEmpty() && pendingClosures.isEmpty();
    }

    private PatientDayRecord record(DayLedger d, ZoneId zone, EquityJobSettings settings) {
        if (programme == null) {
            return null;
        }
        if (!covers(d.epochDay)) {
            return null;
        }
        int enrolled = Math.min(d.dayMinutes(), enrolledMinutes(d.start, d.end));
        PatientDayRecord r = new PatientDayRecord();
        r.programme = programme;
        r.epochDay = d.epochDay;
        r.dayEnd = d.end;
        r.timeZone = zone.getId();
        String[] s = d.livedStrata != null ? d.livedStrata : strataNow(); // the strata of the day, not of today
        r.imdQuintile = s[0];
        r.imdEdition = s[1];
        r.ethnicGroup = s[2];
        r.ageBand = s[3];
        r.sex = s[4];
        r.icb = s[5];
        r.pacemaker = pacemaker; // as last recorded: a record added later completes the days before it
        r.dayMinutes = d.dayMinutes();
        r.enrolledMinutes = enrolled;
        r.dataMinutes = Math.min(enrolled, dataMinutesWhileEnrolled(d));
        r.monitored = PatientDay.isMonitored(r.enrolledMinutes, r.dataMinutes, settings.coverage());
        r.clinicalAlerts = new HashMap<>(d.clinical);
        r.technicalAlerts = d.technical;
        r.alertDelaysMs = new ArrayList<>(d.delays);
        r.alertsRaised = d.alertsRaised;
        r.acknowledgedWithinTarget = d.acknowledgedWithinTarget;
        r.alertsClosed = new HashMap<>(d.closed);
        r.alertsClosedWithAction = new HashMap<>(d.closedWithAction);
        r.ackDelaysMs = new ArrayList<>(d.ackDelays);
        for (long[] period : periods()) {
            r.enrolledStart |= period[0] == d.epochDay;
            r.disenrolled |= period[2] == 1 && period[1] == d.epochDay;
        }
        return r;
    }

    /** Data minutes that fall inside an ACTIVE span (data while paused is not monitoring). */
    private int dataMinutesWhileEnrolled(DayLedger d) {
        int n = 0;
        for (int m = 0; m < d.minutes.length * 64; m++) {
            if ((d.minutes[m >> 6] & (1L << (m & 63))) != 0 && activeAt(d.start + m * 60_000L)) {
                n++;
            }
        }
        return n;
    }

    private boolean activeAt(long t) {
        for (long[] s : activeSpans) {
            if (s[0] <= t && t < s[1]) {
                return true;
            }
        }
        return false;
    }

    /** Whole minutes of [start, end) while ACTIVE. */
    int enrolledMinutes(long start, long end) {
        long ms = 0;
        for (long[] s : activeSpans) {
            long a = Math.max(start, s[0]);
            long b = Math.min(end, s[1]);
            if (b > a) {
                ms += b - a;
            }
        }
        return (int) (ms / 60_000L);
    }

    /**
     * Whether an enrolment period covers the day: from its first to its last day, ACTIVE or PAUSED (paused days count,
     * with 0 active minutes).
     */
    boolean covers(long epochDay) {
        if (programme == null) {
            return false;
        }
        for (long[] period : periods()) {
            if (period[0] <= epochDay && epochDay <= period[1]) {
                return true;
            }
        }
        return false;
    }

    /** Whether every enrolment period has ended before the day (discharged or withdrawn, none after). */
    private boolean ended(long epochDay) {
        for (long[] period : periods()) {
            if (period[1] >= epochDay) {
                return false;
            }
        }
        return true;
    }

    private boolean isActiveNow() {
        return !activeSpans.isEmpty() && activeSpans.get(activeSpans.size() - 1)[1] == Long.MAX_VALUE;
    }

    ZoneId zone(EquityJobSettings settings) {
        String id = timeZone == null ? settings.defaultZone() : timeZone;
        if (zoneCache == null || !zoneCache.getId().equals(id)) {
            zoneCache = ZoneId.of(id);
        }
        return zoneCache;
    }

    static String validZone(String zone, String fallback) {
        if (zone == null || zone.isBlank()) {
            return fallback;
        }
        try {
            return ZoneId.of(zone).getId();
        } catch (DateTimeException e) {
            return fallback;
        }
    }

    /** Local-day arithmetic in epoch milliseconds, on the equity module's {@link org.wardstream.equity.model.LocalDays}. */
    public static final class LocalDayMillis {
        private LocalDayMillis() {
        }

        public static LocalDate dayOf(long epochMs, ZoneId zone) {
            return org.wardstream.equity.model.LocalDays.dayOf(Instant.ofEpochMilli(epochMs), zone);
        }

        public static long start(LocalDate day, ZoneId zone) {
            return org.wardstream.equity.model.LocalDays.start(day, zone).toEpochMilli();
        }

        /** Minutes in the local day: 1380, 1440 or 1500 in Europe/London. */
        public static int minutes(LocalDate day, ZoneId zone) {
            return org.wardstream.equity.model.LocalDays.minutes(day, zone);
        }
    }
}
