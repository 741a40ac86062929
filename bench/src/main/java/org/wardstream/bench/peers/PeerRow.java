package org.wardstream.bench.peers;

import org.wardstream.signals.MinuteBucket;

/**
 * One row fed to the peer engines (Esper EPL and Flink SQL MATCH_RECOGNIZE): the per-patient signals the rules
 * are written over. A Flink POJO and a JavaBean (Esper reads the getters).
 *
 * <ul>
 *   <li>{@link #MINUTE}: one completed minute of the heart-rate samples the sustained-threshold rule accepts (in
 *       device-time order, positive rate), built by the detection stage's own {@link org.wardstream.signals.MinuteBucket}:
 *       {@code minuteStart} and {@code minuteEnd} its first and last samples, {@code t} the sample that completed it
 *       (the first a minute or more after its start), {@code bpm} the minute's rate
 *       ({@link org.wardstream.signals.MinuteBucket#rate}: the mean without the highest and lowest sample),
 *       {@code atRest} whether more than half of its samples were taken at rest (from the wear/activity state) and
 *       {@code af} whether the RR analyser's AF state was active at {@code t}.</li>
 *   <li>{@link #HR_GAP}: heart-rate samples more than the rule's maximum sample gap apart (a run breaks, and the
 *       minute in progress with it).</li>
 *   <li>{@link #SEG}: one closed 8-beat rhythm segment of the RR analyser: {@code irr} = 1 when IRREGULAR,
 *       {@code reg} = 1 when REGULAR, both 0 when INSUFFICIENT; {@code segStart} its first beat; {@code score}: when
 *       IRREGULAR, the irregular run's onset evidence after it, as the analyser computes it
 *       ({@code RrAnalyser.onsetEvidence}, a float), held at onsetThreshold while it is not above the run's own bar
 *       ({@code RrAnalyser.onsetBar}: higher for a run without a rise in rate); otherwise the segment's probability
 *       (NaN when INSUFFICIENT).</li>
 *   <li>{@link #RR_GAP}: the RR analyser reset its evidence after missing data; {@code longGap} when the gap also
 *       closed an AF episode (longer than the AF bridge limit); {@code segStart} where the analyser's window history
 *       restarts (a run opening with the first segment judged after it is back-dated there).</li>
 *   <li>{@link #AF_ONSET}: made by the Esper peer itself (its {@code af-onset} statement, stream
 *       {@link #STREAM_AF_ONSET}): an AF onset whose irregular run starts at {@code segStart}; see {@link PeerRules}.</li>
 *   <li>{@link #BEGIN}: the patient's first reading (a row before any run; in the rhythm stream, the first beat,
 *       with {@code segStart} where the analyser's window history starts, as for RR_GAP); {@link #END}: end of the
 *       input for this patient (closes whatever is open).</li>
 * </ul>
 */
public class PeerRow {
    public static final String MINUTE = "MINUTE";
    public static final String HR_GAP = "HR_GAP";
    public static final String SEG = "SEG";
    public static final String RR_GAP = "RR_GAP";
    public static final String END = "END";
    public static final String BEGIN = "BEGIN";
    public static final String AF_ONSET = "AF_ONSET";
    /** Which rule stream a row belongs to. */
    public static final String STREAM_HR = "hr";
    public static final String STREAM_RHYTHM = "rhythm";
    public static final String STREAM_AF_ONSET = "afOnset";

    private String patientId;
    private String stream;
    private String kind;
    private long t;
    private double bpm;
    private boolean atRest;
    private boolean af;
    private long segStart;
    private long minuteStart;
    private long minuteEnd;
    private int irr;
    private int reg;
    private float score;
    private boolean longGap;

    public PeerRow() {
    }

    static PeerRow minute(String patient, MinuteBucket minute, long lastSampleMs, long t, boolean af) {
        PeerRow r = of(patient, STREAM_HR, MINUTE, t);
        r.minuteStart = minute.startMs;
        r.minuteEnd = lastSampleMs;
        r.bpm = minute.rate();
        r.atRest = minute.most(minute.atRest);
        r.af = af;
        return r;
    }

    static PeerRow segment(String patient, long start, long end, boolean irregular, boolean regular, float score) {
        PeerRow r = of(patient, STREAM_RHYTHM, SEG, end);
        r.segStart = start;
        r.irr = irregular ? 1 : 0;
        r.reg = regular ? 1 : 0;
        r.score = score;
        return r;
    }

    static PeerRow of(String patient, String stream, String kind, long t) {
        PeerRow r = new PeerRow();
        r.patientId = patient;
        r.stream = stream;
        r.kind = kind;
        r.t = t;
        return r;
    }

    public String getPatientId() { return patientId; }
    public void setPatientId(String v) { patientId = v; }
    public String getStream() { return stream; }
    public void setStream(String v) { stream = v; }
    public String getKind() { return kind; }
    public void setKind(String v) { kind = v; }
    public long getT() { return t; }
    public void setT(long v) { t = v; }
    public double getBpm() { return bpm; }
    public void setBpm(double v) { bpm = v; }
    public boolean isAtRest() { return atRest; }
    public void setAtRest(boolean v) { atRest = v; }
    public boolean isAf() { return af; }
    public void setAf(boolean v) { af = v; }
    public long getMinuteStart() { return minuteStart; }
    public void setMinuteStart(long v) { minuteStart = v; }
    public long getMinuteEnd() { return minuteEnd; }
    public void setMinuteEnd(long v) { minuteEnd = v; }
    public long getSegStart() { return segStart; }
    public void setSegStart(long v) { segStart = v; }
    public int getIrr() { return irr; }
    public void setIrr(int v) { irr = v; }
    public int getReg() { return reg; }
    public void setReg(int v) { reg = v; }
    public float getScore() { return score; }
    public void setScore(float v) { score = v; }
    public boolean isLongGap() { return longGap; }
    public void setLongGap(boolean v) { longGap = v; }

    /** Omits the patient id: this may reach logs. */
    @Override
    public String toString() {
        return "PeerRow{" + kind + " at " + t + "}";
    }
}
