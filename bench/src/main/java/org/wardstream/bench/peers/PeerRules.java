package org.wardstream.bench.peers;

import java.math.BigDecimal;
import java.util.Locale;

import org.wardstream.rules.EffectiveRules;
import org.wardstream.rules.EpisodeType;
import org.wardstream.rules.Rule;
import org.wardstream.rules.Rules;
import org.wardstream.rhythm.RhythmParameters;
import org.wardstream.signals.RhythmRuleParameters;

/**
 * The tachycardia and AF rules as row patterns, with their thresholds taken from the same rule files (and, for AF,
 * the same {@link RhythmParameters} the RR analyser is built with) as the detection stage. Written twice: Esper EPL
 * {@code match_recognize} and Flink SQL {@code MATCH_RECOGNIZE}. Each consumes a whole episode (start to end) per
 * match, so an open episode is reported once:
 *
 * <pre>
 * tachycardia:  S T*? U W*? R*? E   over MINUTE rows: each a completed minute of heart-rate samples and its rate
 *   S, T  minute whose rate is above rateBpm, at rest
 *   U     same, and U.minuteEnd - S.minuteStart &gt;= minDuration (the episode opens)
 *   W     any minute (the episode runs)         R  minute whose rate is below rateBpm - endHysteresisBpm
 *   E     a sample gap, the end of input, or a minute below the end rate with
 *         E.minuteEnd - FIRST(R.minuteStart) &gt;= endMinDuration (or E.minuteEnd - E.minuteStart, R being empty)
 *   report (patient, S.minuteStart) unless U.af (a tachycardia start during AF raises no alert: the AF alert escalates)
 * atrial fibrillation:  P N0*? A1 B*? O W*? Z1 M1*? Z2 ... Z5   (5 = offsetSegments)
 *   P     a row before the run: a REGULAR segment or any row that is not a segment (begin, gap, end)
 *   N0    INSUFFICIENT segment (before the run: not part of it)
 *   A1    IRREGULAR segment: the run's first, the episode's start
 *   B     IRREGULAR or INSUFFICIENT segment at which the onset condition does not (yet) hold
 *   O     IRREGULAR segment at which it holds: the run has &gt;= onsetSegments IRREGULAR segments and the row's
 *         score, the run's onset evidence after it (the analyser's own {@code RrAnalyser.onsetEvidence}, which the
 *         extraction reads; since af-model-v5), is above onsetThreshold (AF opens here, at the 5th, 6th, ... segment
 *         of the run)
 *   W     any row but a closing row             Zi      REGULAR segment, or a closing row
 *   Mi    INSUFFICIENT segment (neither adds nor removes evidence)
 *   closing rows: the end of input, or an RR gap that closed AF; the extraction repeats them offsetSegments
 *   times so that one closes the chain Z1..Z5 (alternation, which would say "Z-chain or gap", is not
 *   supported by Flink's MATCH_RECOGNIZE)
 *   report (patient, start): start = P.segStart when P is a BEGIN or RR_GAP row (the run opens with the first
 *   segment judged after the analyser (re)started, so it covers the warm-up beats: RrAnalyser's warm-up rule; the
 *   extraction puts the (re)start time in those rows' segStart), else A1.segStart
 * </pre>
 * B excludes the rows at which the onset condition holds, so the run up to the onset has exactly one parse: no
 * partial match lives on past the onset row (without it, every later IRREGULAR row of an AF episode would be a
 * further candidate O, each with its own W*? tail until the episode ends).
 *
 * <p>The onset condition counts the run's IRREGULAR rows. Flink SQL allows aggregates in {@code DEFINE}: {@code SUM}
 * over all rows of the match so far (the current one included). Esper does not allow aggregate functions in
 * {@code DEFINE} ("An aggregate function may not appear in a DEFINE clause"), and a group variable's own condition
 * sees only the current row, so B cannot test the condition over its earlier rows. Esper therefore gets the same
 * pattern in two statements: {@code af-onset}, {@code P N0*? A1 B*? O} with the count written with an enumeration
 * method over B ({@code countOf}) and B's exclusion expressed as "the onset has not been reached", which a match
 * ending at O gives for free; it inserts
 * an {@code AF_ONSET} row (with that start) right after O, and {@code atrial-fibrillation},
 * {@code S W*? Z1 M1*? ... Z5} with S an onset row, consumes the episode (onset rows inside an open episode are W).
 *
 * <p>The minutes and their rates are the detection stage's own ({@link org.wardstream.signals.MinuteBucket}, built by
 * {@link PeerFeatures}); the rule over them (a run of minutes above the rate, its duration, the recovery with
 * hysteresis) is the pattern's.
 *
 * <p>Flink's NFA would otherwise keep one partial match per qualifying row of a long run (every fast minute can be
 * an S, every irregular segment an A1), each evaluating conditions that read earlier rows of its match, which is
 * quadratic in the run length. Its patterns therefore begin with the row before the run, {@code P} (a row that
 * does not qualify: the first row of a patient is a BEGIN row), and skip to the last row of a match, which becomes
 * the next match's P. Esper's AF onset statement starts with P too (a match ends at O, so the P of the next run is
 * never consumed by the previous match); Esper cannot skip to a variable, and its tachycardia statement keeps the
 * plain form.
 */
public final class PeerRules {
    public final double tachyRateBpm;
    public final long tachyMinMs;
    public final double tachyEndBpm;
    public final long tachyEndMinMs;
    public final int afOnsetSegments;
    public final int afOffsetSegments;
    /** The analyser's onset threshold on the irregular run's onset evidence ({@link RhythmParameters#onsetThreshold()}). */
    public final double afOnsetThreshold;

    public PeerRules(Rules rules) {
        EffectiveRules eff = rules.defaults();
        Rule t = eff.rule(EpisodeType.TACHYCARDIA);
        tachyRateBpm = t.number("rateBpm");
        tachyMinMs = t.millis("minDuration");
        tachyEndBpm = t.number("rateBpm") - t.number("endHysteresisBpm");
        tachyEndMinMs = t.millis("endMinDuration");
        // the AF parameters exactly as the analyser gets them (PeerFeatures builds its RrAnalyser the same way)
        RhythmParameters rhythm = RhythmRuleParameters.from(eff);
        afOnsetSegments = rhythm.onsetSegments();
        afOffsetSegments = rhythm.offsetSegments();
        afOnsetThreshold = rhythm.onsetThreshold();
        if (afOnsetSegments < 2 || afOffsetSegments < 1) { // A1 and O are two rows
            throw new IllegalArgumentException("the peer AF pattern needs onsetSegments >= 2 and offsetSegments >= 1");
        }
        if (!Double.isFinite(afOnsetThreshold)) {
            throw new IllegalArgumentException("onsetThreshold must be finite, got " + afOnsetThreshold);
        }
    }

    /** {@code Z1 M1*? Z2 ... Z<offset>}: consecutive REGULAR segments (or closing rows), INSUFFICIENT ones between. */
    String offsetChain() {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= afOffsetSegments; i++) {
            b.append(i == 1 ? "" : " M" + (i - 1) + "*? ").append("Z").append(i);
        }
        return b.toString();
    }

    /** The offset chain's conditions (and W's), {@code not} and {@code !=} spelled per dialect. */
    private String offsetDefines(String not, String ne, String and, String or) {
        StringBuilder b = new StringBuilder();
        String insufficient = "%1$s.kind = 'SEG' " + and + " %1$s.irr = 0 " + and + " %1$s.reg = 0";
        b.append("    W AS W.kind ").append(ne).append(" 'END' ").append(and).append(" ").append(not).append(" W.longGap,\n");
        for (int i = 1; i <= afOffsetSegments; i++) {
            b.append("    Z").append(i).append(" AS (Z").append(i).append(".kind = 'SEG' ").append(and).append(" Z").append(i)
                    .append(".reg = 1) ").append(or).append(" Z").append(i).append(".kind = 'END' ").append(or)
                    .append(" Z").append(i).append(".longGap");
            if (i < afOffsetSegments) {
                b.append(",\n    M").append(i).append(" AS ").append(String.format(insufficient, "M" + i));
            }
            b.append(i < afOffsetSegments ? ",\n" : "\n");
        }
        return b.toString();
    }

    /**
     * Esper EPL: three statements, {@code tachycardia}, {@code af-onset} (inserts {@link PeerRow#AF_ONSET} rows) and
     * {@code atrial-fibrillation}.
     */
    public String epl() {
        // The run's IRREGULAR rows are A1, the IRREGULAR ones among B, and O.
        // (An enumeration method over a group variable with no rows yields null, hence the coalesce.)
        String n = "(2 + coalesce(B.countOf(x => x.irr = 1), 0))";
        return String.format(Locale.ROOT, """
                @name('tachycardia') select * from PeerRow(stream='hr')
                match_recognize (
                  partition by patientId
                  measures S.patientId as patientId, S.minuteStart as startMs, U.af as af
                  after match skip past last row
                  pattern (S T*? U W*? R*? E)
                  define
                    S as S.kind = 'MINUTE' and S.bpm > %1$s and S.atRest,
                    T as T.kind = 'MINUTE' and T.bpm > %1$s and T.atRest,
                    U as U.kind = 'MINUTE' and U.bpm > %1$s and U.atRest and U.minuteEnd - S.minuteStart >= %2$d,
                    W as W.kind = 'MINUTE',
                    R as R.kind = 'MINUTE' and R.bpm < %3$s,
                    E as E.kind != 'MINUTE' or (E.bpm < %3$s
                      and (E.minuteEnd - R[0].minuteStart >= %4$d or E.minuteEnd - E.minuteStart >= %4$d))
                );
                @name('af-onset') insert into PeerRow
                select patientId, '%8$s' as stream, '%9$s' as kind, t, startMs as segStart from PeerRow(stream='rhythm')
                match_recognize (
                  partition by patientId
                  measures A1.patientId as patientId, case when P.kind != 'SEG' then P.segStart else A1.segStart end as startMs, O.t as t
                  after match skip past last row
                  pattern (P N0*? A1 B*? O)
                  define
                    P as (P.kind = 'SEG' and P.reg = 1) or P.kind != 'SEG',
                    N0 as N0.kind = 'SEG' and N0.irr = 0 and N0.reg = 0,
                    A1 as A1.kind = 'SEG' and A1.irr = 1,
                    B as B.kind = 'SEG' and B.reg = 0,
                    O as O.kind = 'SEG' and O.irr = 1 and %5$s >= %6$d and O.score > %7$s
                );
                @name('atrial-fibrillation') select * from PeerRow(stream='rhythm' or stream='%8$s')
                match_recognize (
                  partition by patientId
                  measures S.patientId as patientId, S.segStart as startMs
                  after match skip past last row
                  pattern (S W*? %10$s)
                  define
                    S as S.kind = '%9$s',
                %11$s);
                """, num(tachyRateBpm), tachyMinMs, num(tachyEndBpm), tachyEndMinMs, n, afOnsetSegments,
                decimal(afOnsetThreshold), PeerRow.STREAM_AF_ONSET, PeerRow.AF_ONSET, offsetChain(),
                offsetDefines("not", "!=", "and", "or"));
    }

    /** Flink SQL over a table with the {@link PeerRow} columns and a processing-time attribute {@code pt}. */
    public String sqlTachycardia(String table) {
        return String.format(Locale.ROOT, """
                SELECT patientId, startMs, af FROM %5$s
                MATCH_RECOGNIZE (
                  PARTITION BY patientId ORDER BY pt
                  MEASURES S.minuteStart AS startMs, U.af AS af
                  ONE ROW PER MATCH
                  AFTER MATCH SKIP TO LAST E
                  PATTERN (P S T*? U W*? R*? E)
                  DEFINE
                    P AS NOT (P.kind = 'MINUTE' AND P.bpm > %1$s AND P.atRest),
                    S AS S.kind = 'MINUTE' AND S.bpm > %1$s AND S.atRest,
                    T AS T.kind = 'MINUTE' AND T.bpm > %1$s AND T.atRest,
                    U AS U.kind = 'MINUTE' AND U.bpm > %1$s AND U.atRest AND U.minuteEnd - S.minuteStart >= %2$d,
                    W AS W.kind = 'MINUTE',
                    R AS R.kind = 'MINUTE' AND R.bpm < %3$s,
                    E AS E.kind <> 'MINUTE' OR (E.bpm < %3$s
                      AND (E.minuteEnd - FIRST(R.minuteStart) >= %4$d OR E.minuteEnd - E.minuteStart >= %4$d))
                )""", num(tachyRateBpm), tachyMinMs, num(tachyEndBpm), tachyEndMinMs, table);
    }

    public String sqlAtrialFibrillation(String table) {
        // Aggregates without a variable run over every row of the match so far, the current one included; only
        // IRREGULAR rows count (P is REGULAR or not a segment, N0 INSUFFICIENT). score is the current row's.
        String onset = String.format(Locale.ROOT, "SUM(irr) >= %d AND CAST(score AS DOUBLE) > CAST(%s AS DOUBLE)",
                afOnsetSegments, decimal(afOnsetThreshold));
        return String.format(Locale.ROOT, """
                SELECT patientId, startMs FROM %1$s
                MATCH_RECOGNIZE (
                  PARTITION BY patientId ORDER BY pt
                  MEASURES CASE WHEN P.kind <> 'SEG' THEN P.segStart ELSE A1.segStart END AS startMs
                  ONE ROW PER MATCH
                  AFTER MATCH SKIP TO LAST Z%4$d
                  PATTERN (P N0*? A1 B*? O W*? %2$s)
                  DEFINE
                    P AS (P.kind = 'SEG' AND P.reg = 1) OR P.kind <> 'SEG',
                    N0 AS N0.kind = 'SEG' AND N0.irr = 0 AND N0.reg = 0,
                    A1 AS A1.kind = 'SEG' AND A1.irr = 1,
                    B AS B.kind = 'SEG' AND B.reg = 0 AND NOT (B.irr = 1 AND %5$s),
                    O AS O.kind = 'SEG' AND O.irr = 1 AND %5$s,
                %3$s)""", table, offsetChain(), offsetDefines("NOT", "<>", "AND", "OR"), afOffsetSegments, onset);
    }

    /** A threshold as a plain decimal literal whose nearest double is {@code v} (the shortest such, as Double.toString). */
    static String decimal(double v) {
        return BigDecimal.valueOf(v).toPlainString();
    }

    private static String num(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) + ".0" : Double.toString(v);
    }
}
