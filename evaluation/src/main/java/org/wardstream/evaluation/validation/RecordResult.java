package org.wardstream.evaluation.validation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Scores of one record (one row of the harness's {@code records} array). */
public final class RecordResult {
    public enum Kind {
        /** Has rhythm labels (MIT-BIH Arrhythmia): scored for AF beats and episodes. */
        LABELLED,
        /** Long-term normal sinus rhythm (name starts with {@code nsr}): the false-alarm denominator. */
        NSR,
        /** No rhythm labels and not NSR (e.g. afdb 03665): smoke test, AF burden reported only. */
        UNLABELLED,
        /** Could not be read. */
        ERROR
    }

    public String record;
    /** Source database ({@link RrCsvRecord#database}): mitdb, ltafdb, nsr2db, afdb. */
    public String database = "";
    public Kind kind;
    public String error;
    public int beats;
    public double durationS;
    public int gapBeats;

    // beat level (intervals; AFL beats excluded from tp/fp/fn/tn)
    public long tp, fp, fn, tn;
    public long aflBeats, aflDetected;
    public Map<String, Long> falsePositiveBeatsByRhythm = new TreeMap<>();
    /** Every scored non-AF interval by rhythm label (the denominator of the per-rhythm false-AF table). */
    public Map<String, Long> nonAfBeatsByRhythm = new TreeMap<>();
    /** Intervals of a labelled record with no rhythm label (ltafdb 64's first 18.9 h): left out of the beat scores. */
    public long unlabelledBeats;
    /** Detected episodes lying wholly in unlabelled stretches: neither true nor false, counted here. */
    public int unlabelledEpisodes;

    // episodes
    public int afRuns30s, afRunsDetected;
    public List<Double> detectionDelaysS = new ArrayList<>();
    /** Delays of the runs whose detection needed a new AF onset (AF not already active at the run start). */
    public List<Double> newOnsetDelaysS = new ArrayList<>();
    public int detectedEpisodes;
    public int falseEpisodes;
    public double detectedAfSeconds;

    // pauses
    public int referencePauses, pausesFound, pauseEvents, falsePauses;

    public int stateBytesMax;

    /** Detected AF episodes {onsetMs, offsetMs, emittedAtMs} (device time). */
    public List<long[]> afEpisodes = new ArrayList<>();

    // job path only (RecordResult of RhythmValidation.evaluateJobPath)
    public int batches, batchesRefusedByIngest;
    /** Alert changes the job emits for the record's RR batches. */
    public List<org.wardstream.episodes.AlertChange> alerts = new ArrayList<>();
    /** Alert changes caused only by closing the record (the job keeps an AF episode open when data stops). */
    public List<org.wardstream.episodes.AlertChange> alertsAtEndOfRecord = new ArrayList<>();
    public HeartRateScore tachycardia = new HeartRateScore();
    public HeartRateScore bradycardia = new HeartRateScore();

    /** Heart-rate episodes of one type against the record's rhythm labels. */
    public static final class HeartRateScore {
        /** Labelled runs (SVTA/VT for tachycardia, SBR for bradycardia), all and those at least the rule's minimum. */
        public int referenceRuns, referenceRunsLong;
        public int referenceRunsDetected, referenceRunsLongDetected;
        public double referenceSeconds;
        /** Detected episodes, and those overlapping no labelled run of the type. */
        public int episodes, episodesOutsideLabels;
        /** Detected episodes {startMs, endMs, meanBpm x 10}. */
        public List<long[]> detected = new ArrayList<>();

        void add(HeartRateScore o) {
            referenceRuns += o.referenceRuns;
            referenceRunsLong += o.referenceRunsLong;
            referenceRunsDetected += o.referenceRunsDetected;
            referenceRunsLongDetected += o.referenceRunsLongDetected;
            referenceSeconds += o.referenceSeconds;
            episodes += o.episodes;
            episodesOutsideLabels += o.episodesOutsideLabels;
        }
    }

    /** Scores one reference AF run (start, end] against detected episodes {onset, offset, emittedAt}. */
    void afRunsN30(long start, long end, List<long[]> episodes) {
        afRuns30s++;
        for (long[] ep : episodes) {
            if (ep[0] < end && ep[1] > start) {
                afRunsDetected++;
                detectionDelaysS.add(Math.max(0, ep[2] - start) / 1000.0);
                if (ep[0] >= start) newOnsetDelaysS.add((ep[2] - start) / 1000.0);
                return;
            }
        }
    }

    int afRunsN30Count() {
        return afRuns30s;
    }

    static RecordResult error(String record, String message) {
        RecordResult r = new RecordResult();
        r.record = record;
        r.kind = Kind.ERROR;
        r.error = message;
        return r;
    }
}
