package org.wardstream.bench.peers;

import java.util.Locale;

import org.wardstream.rules.EffectiveRules;
import org.wardstream.rules.EpisodeType;
import org.wardstream.rules.Rule;
import org.wardstream.rules.Rules;

/**
 * The tachycardia and AF rules as row patterns, with their thresholds taken from the same rule files as the
 * detection stage. One pattern per rule, written twice: Esper EPL {@code match_recognize} and Flink SQL
 * {@code MATCH_RECOGNIZE} (the two dialects differ only in how they sum over a quantified variable and in the
 * ordering clause). Both consume a whole episode (start to end) per match, so an open episode is reported once:
 *
 * <pre>
 * tachycardia:  S T*? U W*? R*? E
 *   S, T  HR row above rateBpm at rest          U  same, and U.t - S.t &gt;= minDuration (the episode opens)
 *   W     any HR row (the episode runs)         R  HR row below rateBpm - endHysteresisBpm
 *   E     a sample gap, the end of input, or below the end rate with E.t - FIRST(R.t) &gt;= endMinDuration
 *   report (patient, S.t) unless U.af (a tachycardia start during AF raises no alert: the AF alert escalates)
 * atrial fibrillation:  A1 N1*? A2 ... A5 W*? Z1 M1*? Z2 ... Z5   (5 = onsetSegments, offsetSegments)
 *   Ai    IRREGULAR segment                     Ni, Mi  INSUFFICIENT segment (neither adds nor removes evidence)
 *   W     any row but a closing row             Zi      REGULAR segment, or a closing row
 *   closing rows: the end of input, or an RR gap that closed AF; the extraction repeats them offsetSegments
 *   times so that one closes the chain Z1..Z5 (alternation, which would say "Z-chain or gap", is not
 *   supported by Flink's MATCH_RECOGNIZE)
 *   report (patient, A1.segStart)
 * </pre>
 * Flink's NFA would otherwise keep one partial match per qualifying row of a long run (every fast sample can be
 * an S, every irregular segment an A1), each evaluating conditions that read earlier rows of its match, which is
 * quadratic in the run length. Its patterns therefore begin with the row before the run, {@code P} (a row that
 * does not qualify: the first row of a patient is a BEGIN row), and skip to the last row of a match, which becomes
 * the next match's P. Esper cannot skip to a variable, and needs no such help: its statements keep the plain form.
 */
public final class PeerRules {
    public final double tachyRateBpm;
    public final long tachyMinMs;
    public final double tachyEndBpm;
    public final long tachyEndMinMs;
    public final int afOnsetSegments;
    public final int afOffsetSegments;

    public PeerRules(Rules rules) {
        EffectiveRules eff = rules.defaults();
        Rule t = eff.rule(EpisodeType.TACHYCARDIA);
        Rule af = eff.rule(EpisodeType.ATRIAL_FIBRILLATION);
        tachyRateBpm = t.number("rateBpm");
        tachyMinMs = t.millis("minDuration");
        tachyEndBpm = t.number("rateBpm") - t.number("endHysteresisBpm");
        tachyEndMinMs = t.millis("endMinDuration");
        afOnsetSegments = (int) af.number("onsetSegments");
        afOffsetSegments = (int) af.number("offsetSegments");
        if (afOnsetSegments < 2 || afOffsetSegments < 1) {
            throw new IllegalArgumentException("the peer AF pattern needs onsetSegments >= 2 and offsetSegments >= 1");
        }
    }

    /** {@code A1 N1*? A2 ... A<onset>}: consecutive IRREGULAR segments, INSUFFICIENT ones between. */
    String onsetChain() {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= afOnsetSegments; i++) {
            b.append(i == 1 ? "" : " N" + (i - 1) + "*? ").append("A").append(i);
        }
        return b.toString();
    }

    /** {@code Z1 M1*? Z2 ... Z<offset>}: consecutive REGULAR segments (or closing rows), INSUFFICIENT ones between. */
    String offsetChain() {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= afOffsetSegments; i++) {
            b.append(i == 1 ? "" : " M" + (i - 1) + "*? ").append("Z").append(i);
        }
        return b.toString();
    }

    /** The AF variables' conditions, {@code not} and {@code !=} spelled per dialect. */
    private String afDefines(String not, String ne, String and, String or) {
        StringBuilder b = new StringBuilder();
        String insufficient = "%1$s.kind = 'SEG' " + and + " %1$s.irr = 0 " + and + " %1$s.reg = 0";
        for (int i = 1; i <= afOnsetSegments; i++) {
            b.append("    A").append(i).append(" AS A").append(i).append(".kind = 'SEG' ").append(and).append(" A")
                    .append(i).append(".irr = 1,\n");
            if (i < afOnsetSegments) {
                b.append("    N").append(i).append(" AS ").append(String.format(insufficient, "N" + i)).append(",\n");
            }
        }
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

    /** Esper EPL: two statements, {@code tachycardia} and {@code atrial-fibrillation}. */
    public String epl() {
        return String.format(Locale.ROOT, """
                @name('tachycardia') select * from PeerRow(stream='hr')
                match_recognize (
                  partition by patientId
                  measures S.patientId as patientId, S.t as startMs, U.af as af
                  after match skip past last row
                  pattern (S T*? U W*? R*? E)
                  define
                    S as S.kind = 'HR' and S.bpm > %1$s and S.atRest,
                    T as T.kind = 'HR' and T.bpm > %1$s and T.atRest,
                    U as U.kind = 'HR' and U.bpm > %1$s and U.atRest and U.t - S.t >= %2$d,
                    W as W.kind = 'HR',
                    R as R.kind = 'HR' and R.bpm < %3$s,
                    E as E.kind != 'HR' or (E.bpm < %3$s and E.t - R[0].t >= %4$d)
                );
                @name('atrial-fibrillation') select * from PeerRow(stream='rhythm')
                match_recognize (
                  partition by patientId
                  measures A1.patientId as patientId, A1.segStart as startMs
                  after match skip past last row
                  pattern (%5$s W*? %6$s)
                  define
                %7$s);
                """, num(tachyRateBpm), tachyMinMs, num(tachyEndBpm), tachyEndMinMs, onsetChain(), offsetChain(),
                afDefines("not", "!=", "and", "or"));
    }

    /** Flink SQL over a table with the {@link PeerRow} columns and a processing-time attribute {@code pt}. */
    public String sqlTachycardia(String table) {
        return String.format(Locale.ROOT, """
                SELECT patientId, startMs, af FROM %5$s
                MATCH_RECOGNIZE (
                  PARTITION BY patientId ORDER BY pt
                  MEASURES S.t AS startMs, U.af AS af
                  ONE ROW PER MATCH
                  AFTER MATCH SKIP TO LAST E
                  PATTERN (P S T*? U W*? R*? E)
                  DEFINE
                    P AS NOT (P.kind = 'HR' AND P.bpm > %1$s AND P.atRest),
                    S AS S.kind = 'HR' AND S.bpm > %1$s AND S.atRest,
                    T AS T.kind = 'HR' AND T.bpm > %1$s AND T.atRest,
                    U AS U.kind = 'HR' AND U.bpm > %1$s AND U.atRest AND U.t - S.t >= %2$d,
                    W AS W.kind = 'HR',
                    R AS R.kind = 'HR' AND R.bpm < %3$s,
                    E AS E.kind <> 'HR' OR (E.bpm < %3$s AND E.t - FIRST(R.t) >= %4$d)
                )""", num(tachyRateBpm), tachyMinMs, num(tachyEndBpm), tachyEndMinMs, table);
    }

    public String sqlAtrialFibrillation(String table) {
        return String.format(Locale.ROOT, """
                SELECT patientId, startMs FROM %1$s
                MATCH_RECOGNIZE (
                  PARTITION BY patientId ORDER BY pt
                  MEASURES A1.segStart AS startMs
                  ONE ROW PER MATCH
                  AFTER MATCH SKIP TO LAST Z%5$d
                  PATTERN (P N0*? %2$s W*? %3$s)
                  DEFINE
                    P AS (P.kind = 'SEG' AND P.reg = 1) OR P.kind <> 'SEG',
                    N0 AS N0.kind = 'SEG' AND N0.irr = 0 AND N0.reg = 0,
                %4$s)""", table, onsetChain(), offsetChain(), afDefines("NOT", "<>", "AND", "OR"), afOffsetSegments);
    }

    private static String num(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) + ".0" : Double.toString(v);
    }
}
