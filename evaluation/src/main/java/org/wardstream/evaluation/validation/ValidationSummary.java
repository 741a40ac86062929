package org.wardstream.evaluation.validation;

import org.wardstream.rhythm.RhythmParameters;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Aggregate scores over a set of {@link RecordResult}s, and their JSON form. */
public final class ValidationSummary {
    public final List<RecordResult> records;
    public final RhythmParameters parameters;

    public long tp, fp, fn, tn, aflBeats, aflDetected;
    public int runs, runsDetected;
    public final List<Double> delays = new ArrayList<>();
    public final List<Double> newOnsetDelays = new ArrayList<>();
    public int nsrRecords, nsrEpisodes, nsrPauses;
    /** Beat level on nsr2db (all non-AF): false AF intervals and true negatives (not in {@link #fp}/{@link #tn}). */
    public long nsrFp, nsrTn;
    public double nsrHours;
    public int refPauses, pausesFound, falsePausesAll;
    public int labelledFalseEpisodes;
    /** Intervals without a rhythm label on labelled records (left out of the beat scores), and episodes wholly in them. */
    public long unlabelledBeats;
    public int unlabelledEpisodes;
    public double labelledHours;
    /** False AF intervals, and all scored non-AF intervals, by reference rhythm label (nsr2db counts as (N). */
    public final Map<String, Long> fpByRhythm = new java.util.TreeMap<>();
    public final Map<String, Long> nonAfByRhythm = new java.util.TreeMap<>();
    public int errors;
    public int stateBytesMax;
    /** Job path only: heart-rate scores summed over the labelled records; episodes on nsr. */
    public final RecordResult.HeartRateScore tachycardia = new RecordResult.HeartRateScore();
    public final RecordResult.HeartRateScore bradycardia = new RecordResult.HeartRateScore();
    public int nsrTachycardiaEpisodes, nsrBradycardiaEpisodes;
    /** Job path only: AF alerts OPENED on nsr records (after the lifecycle: minimum duration, cool-down). */
    public int nsrAfAlerts, labelledAfAlerts, batchesRefusedByIngest;
    public boolean jobPath;

    public ValidationSummary(List<RecordResult> records, RhythmParameters parameters) {
        this.records = records;
        this.parameters = parameters;
        for (RecordResult r : records) {
            if (r.kind == RecordResult.Kind.ERROR) {
                errors++;
                continue;
            }
            stateBytesMax = Math.max(stateBytesMax, r.stateBytesMax);
            batchesRefusedByIngest += r.batchesRefusedByIngest;
            int afAlerts = (int) java.util.stream.Stream.concat(r.alerts.stream(), r.alertsAtEndOfRecord.stream())
                    .filter(c -> c.kind() == org.wardstream.episodes.AlertChange.Kind.OPENED
                            && c.type() == org.wardstream.rules.EpisodeType.ATRIAL_FIBRILLATION).count();
            r.falsePositiveBeatsByRhythm.forEach((k, v) -> fpByRhythm.merge(k, v, Long::sum));
            r.nonAfBeatsByRhythm.forEach((k, v) -> nonAfByRhythm.merge(k, v, Long::sum));
            refPauses += r.referencePauses;
            pausesFound += r.pausesFound;
            falsePausesAll += r.falsePauses;
            if (r.kind == RecordResult.Kind.LABELLED) {
                tp += r.tp;
                fp += r.fp;
                fn += r.fn;
                tn += r.tn;
                aflBeats += r.aflBeats;
                aflDetected += r.aflDetected;
                runs += r.afRuns30s;
                runsDetected += r.afRunsDetected;
                delays.addAll(r.detectionDelaysS);
                newOnsetDelays.addAll(r.newOnsetDelaysS);
                labelledFalseEpisodes += r.falseEpisodes;
                unlabelledBeats += r.unlabelledBeats;
                unlabelledEpisodes += r.unlabelledEpisodes;
                labelledHours += r.durationS / 3600.0;
                tachycardia.add(r.tachycardia);
                bradycardia.add(r.bradycardia);
                labelledAfAlerts += afAlerts;
            } else if (r.kind == RecordResult.Kind.NSR) {
                nsrRecords++;
                nsrEpisodes += r.detectedEpisodes;
                nsrFp += r.fp;
                nsrTn += r.tn;
                nsrPauses += r.pauseEvents;
                nsrHours += r.durationS / 3600.0;
                nsrTachycardiaEpisodes += r.tachycardia.episodes;
                nsrBradycardiaEpisodes += r.bradycardia.episodes;
                nsrAfAlerts += afAlerts;
            }
        }
    }

    /** The summary of each database's records, in the order mitdb, ltafdb, nsr2db, afdb, then others. */
    public Map<String, ValidationSummary> byDatabase() {
        Map<String, List<RecordResult>> groups = new java.util.TreeMap<>(java.util.Comparator.comparingInt(
                (String d) -> List.of("mitdb", "ltafdb", "nsr2db", "afdb").indexOf(d) & 0xff).thenComparing(d -> d));
        for (RecordResult r : records) groups.computeIfAbsent(r.database == null ? "" : r.database, k -> new ArrayList<>()).add(r);
        Map<String, ValidationSummary> out = new java.util.LinkedHashMap<>();
        groups.forEach((d, rs) -> {
            ValidationSummary v = new ValidationSummary(rs, parameters);
            v.jobPath = jobPath;
            out.put(d, v);
        });
        return out;
    }

    public double sensitivity() { return ratio(tp, tp + fn); }
    /** Beat specificity on the nsr2db records (every interval non-AF). */
    public double nsrSpecificity() { return ratio(nsrTn, nsrTn + nsrFp); }
    public double specificity() { return ratio(tn, tn + fp); }
    public double ppv() { return ratio(tp, tp + fp); }
    /** Specificity if AFL intervals were counted as non-AF instead of excluded. */
    public double specificityAflAsNonAf() { return ratio(tn + aflBeats - aflDetected, tn + fp + aflBeats); }
    public double episodeSensitivity() { return ratio(runsDetected, runs); }
    public double medianDelayS() { return median(delays); }
    public double falseEpisodesPer24hNsr() { return nsrHours == 0 ? Double.NaN : nsrEpisodes * 24.0 / nsrHours; }
    /** False AF episodes (labelled records' and nsr2db's) per 24 h of those records. */
    public double falseEpisodesPer24hAll() {
        double h = nsrHours + labelledHours;
        return h == 0 ? Double.NaN : (labelledFalseEpisodes + nsrEpisodes) * 24.0 / h;
    }

    public double pauseRecall() { return ratio(pausesFound, refPauses); }
    public double falsePausesPer24hNsr() { return nsrHours == 0 ? Double.NaN : nsrPauses * 24.0 / nsrHours; }

    static double ratio(double a, double b) {
        return b == 0 ? Double.NaN : a / b;
    }

    static double median(List<Double> v) {
        if (v.isEmpty()) return Double.NaN;
        List<Double> c = new ArrayList<>(v);
        c.sort(null);
        int n = c.size();
        return n % 2 == 1 ? c.get(n / 2) : (c.get(n / 2 - 1) + c.get(n / 2)) / 2.0;
    }

    public String toJson() {
        StringBuilder b = new StringBuilder(16_384);
        b.append("{\n  \"af\": {");
        kv(b, "beat_sensitivity", sensitivity(), true);
        kv(b, "beat_specificity", specificity(), false);
        kv(b, "beat_ppv", ppv(), false);
        kv(b, "episode_sensitivity", episodeSensitivity(), false);
        kv(b, "median_detection_delay_s", medianDelayS(), false);
        kv(b, "false_episodes_per_24h_nsr", falseEpisodesPer24hNsr(), false);
        kv(b, "median_detection_delay_new_onsets_s", median(newOnsetDelays), false);
        kv(b, "beat_specificity_afl_as_non_af", specificityAflAsNonAf(), false);
        kv(b, "tp", tp, false);
        kv(b, "fp", fp, false);
        kv(b, "fn", fn, false);
        kv(b, "tn", tn, false);
        kv(b, "afl_beats_excluded", aflBeats, false);
        kv(b, "afl_beats_detected", aflDetected, false);
        kv(b, "af_runs_30s", runs, false);
        kv(b, "af_runs_30s_detected", runsDetected, false);
        kv(b, "false_episodes_labelled_records", labelledFalseEpisodes, false);
        kv(b, "false_episodes_nsr", nsrEpisodes, false);
        kv(b, "unlabelled_beats_excluded", unlabelledBeats, false);
        kv(b, "episodes_in_unlabelled_stretches", unlabelledEpisodes, false);
        kv(b, "nsr_beat_specificity", nsrSpecificity(), false);
        b.append("\n  },\n  \"false_af_beats_by_rhythm\": {");
        boolean firstRh = true;
        for (Map.Entry<String, Long> e : nonAfByRhythm.entrySet()) {
            b.append(firstRh ? "\n    " : ",\n    ").append(q(e.getKey())).append(": {\"false_af\": ")
                    .append(fpByRhythm.getOrDefault(e.getKey(), 0L)).append(", \"beats\": ").append(e.getValue()).append('}');
            firstRh = false;
        }
        b.append("\n  },\n  \"databases\": {");
        boolean firstDb = true;
        for (Map.Entry<String, ValidationSummary> e : byDatabase().entrySet()) {
            ValidationSummary d = e.getValue();
            b.append(firstDb ? "\n    " : ",\n    ").append(q(e.getKey())).append(": {");
            firstDb = false;
            b.append("\"records\": ").append(d.records.size());
            b.append(", \"beat_sensitivity\": ").append(num(d.sensitivity()));
            b.append(", \"beat_specificity\": ").append(num(d.specificity()));
            b.append(", \"beat_ppv\": ").append(num(d.ppv()));
            b.append(", \"af_runs_30s\": ").append(d.runs).append(", \"af_runs_30s_detected\": ").append(d.runsDetected);
            b.append(", \"episode_sensitivity\": ").append(num(d.episodeSensitivity()));
            b.append(", \"false_episodes\": ").append(d.labelledFalseEpisodes + d.nsrEpisodes);
            b.append(", \"false_episodes_per_24h\": ").append(num(d.falseEpisodesPer24hAll()));
            b.append(", \"nsr_beat_specificity\": ").append(num(d.nsrSpecificity()));
            b.append(", \"unlabelled_beats_excluded\": ").append(d.unlabelledBeats);
            b.append(", \"reference_pauses\": ").append(d.refPauses).append(", \"pauses_found\": ").append(d.pausesFound);
            b.append(", \"false_pauses\": ").append(d.falsePausesAll).append('}');
        }
        b.append("\n  },\n  \"pause\": {");
        kv(b, "recall", pauseRecall(), true);
        kv(b, "false_per_24h_nsr", falsePausesPer24hNsr(), false);
        kv(b, "reference_pauses", refPauses, false);
        kv(b, "found", pausesFound, false);
        kv(b, "false_all_records", falsePausesAll, false);
        kv(b, "false_nsr", nsrPauses, false);
        if (jobPath) {
            b.append("\n  },\n  \"tachycardia\": {");
            hr(b, tachycardia, nsrTachycardiaEpisodes);
            b.append("\n  },\n  \"bradycardia\": {");
            hr(b, bradycardia, nsrBradycardiaEpisodes);
            b.append("\n  },\n  \"alerts\": {");
            kv(b, "af_alerts_nsr", nsrAfAlerts, true);
            kv(b, "af_alerts_per_24h_nsr", nsrHours == 0 ? Double.NaN : nsrAfAlerts * 24.0 / nsrHours, false);
            kv(b, "af_alerts_labelled_records", labelledAfAlerts, false);
            kv(b, "batches_refused_by_job_ingest", batchesRefusedByIngest, false);
        }
        b.append("\n  },\n  \"nsr\": {");
        kv(b, "records", nsrRecords, true);
        kv(b, "hours", nsrHours, false);
        b.append("\n  },\n  \"state_bytes_max\": ").append(stateBytesMax);
        b.append(",\n  \"unreadable_records\": ").append(errors);
        b.append(",\n  \"parameters\": {");
        boolean first = true;
        for (var c : RhythmParameters.class.getRecordComponents()) {
            try {
                Object v = c.getAccessor().invoke(parameters);
                b.append(first ? "\n    " : ",\n    ").append(q(c.getName())).append(": ")
                        .append(v instanceof Number || v instanceof Boolean ? String.valueOf(v) : q(String.valueOf(v)));
                first = false;
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        b.append("\n  },\n  \"records\": [");
        first = true;
        for (RecordResult r : records) {
            b.append(first ? "\n    {" : ",\n    {");
            first = false;
            b.append("\"record\": ").append(q(r.record)).append(", \"kind\": ").append(q(r.kind.name().toLowerCase(Locale.ROOT)));
            if (r.kind == RecordResult.Kind.ERROR) {
                b.append(", \"error\": ").append(q(r.error)).append('}');
                continue;
            }
            b.append(", \"beats\": ").append(r.beats);
            b.append(", \"duration_s\": ").append(num(r.durationS));
            b.append(", \"gap_beats\": ").append(r.gapBeats);
            b.append(", \"tp\": ").append(r.tp).append(", \"fp\": ").append(r.fp)
                    .append(", \"fn\": ").append(r.fn).append(", \"tn\": ").append(r.tn);
            b.append(", \"afl_beats\": ").append(r.aflBeats).append(", \"afl_detected\": ").append(r.aflDetected);
            b.append(", \"fp_by_rhythm\": {");
            boolean f2 = true;
            for (Map.Entry<String, Long> e : r.falsePositiveBeatsByRhythm.entrySet()) {
                b.append(f2 ? "" : ", ").append(q(e.getKey())).append(": ").append(e.getValue());
                f2 = false;
            }
            b.append('}');
            b.append(", \"af_runs_30s\": ").append(r.afRunsN30Count());
            b.append(", \"af_runs_detected\": ").append(r.afRunsDetected);
            b.append(", \"detection_delays_s\": ").append(r.detectionDelaysS.stream().map(ValidationSummary::num).toList());
            b.append(", \"detected_episodes\": ").append(r.detectedEpisodes);
            b.append(", \"false_episodes\": ").append(r.falseEpisodes);
            b.append(", \"detected_af_s\": ").append(num(r.detectedAfSeconds));
            b.append(", \"reference_pauses\": ").append(r.referencePauses);
            b.append(", \"pauses_found\": ").append(r.pausesFound);
            b.append(", \"pause_events\": ").append(r.pauseEvents);
            b.append(", \"false_pauses\": ").append(r.falsePauses);
            b.append(", \"state_bytes_max\": ").append(r.stateBytesMax);
            b.append(", \"af_episodes\": [");
            for (int k = 0; k < r.afEpisodes.size(); k++) {
                long[] ep = r.afEpisodes.get(k);
                b.append(k == 0 ? "" : ", ").append("{\"start\": ").append(q(iso(ep[0]))).append(", \"end\": ")
                        .append(q(iso(ep[1]))).append(", \"detected_at\": ").append(q(iso(ep[2]))).append('}');
            }
            b.append(']');
            if (jobPath) {
                b.append(", \"batches\": ").append(r.batches);
                b.append(", \"batches_refused_by_job_ingest\": ").append(r.batchesRefusedByIngest);
                hrRow(b, "tachycardia", r.tachycardia);
                hrRow(b, "bradycardia", r.bradycardia);
                b.append(", \"alerts\": [");
                boolean fa = true;
                for (var c : r.alerts) {
                    b.append(fa ? "" : ", ");
                    fa = false;
                    alert(b, c, false);
                }
                for (var c : r.alertsAtEndOfRecord) {
                    b.append(fa ? "" : ", ");
                    fa = false;
                    alert(b, c, true);
                }
                b.append(']');
            }
            b.append('}');
        }
        b.append("\n  ]\n}\n");
        return b.toString();
    }

    private static void hr(StringBuilder b, RecordResult.HeartRateScore h, int nsrEpisodes) {
        kv(b, "reference_runs", h.referenceRuns, true);
        kv(b, "reference_seconds", h.referenceSeconds, false);
        kv(b, "reference_runs_detected", h.referenceRunsDetected, false);
        kv(b, "reference_runs_at_least_rule_minimum", h.referenceRunsLong, false);
        kv(b, "reference_runs_at_least_rule_minimum_detected", h.referenceRunsLongDetected, false);
        kv(b, "episodes_labelled_records", h.episodes, false);
        kv(b, "episodes_outside_labels", h.episodesOutsideLabels, false);
        kv(b, "episodes_nsr", nsrEpisodes, false);
    }

    private void hrRow(StringBuilder b, String name, RecordResult.HeartRateScore h) {
        b.append(", ").append(q(name)).append(": {\"reference_runs\": ").append(h.referenceRuns)
                .append(", \"reference_runs_detected\": ").append(h.referenceRunsDetected)
                .append(", \"episodes\": [");
        for (int k = 0; k < h.detected.size(); k++) {
            long[] d = h.detected.get(k);
            b.append(k == 0 ? "" : ", ").append("{\"start\": ").append(q(iso(d[0]))).append(", \"end\": ")
                    .append(q(iso(d[1]))).append(", \"mean_bpm\": ").append(num(d[2] / 10.0)).append('}');
        }
        b.append("]}");
    }

    private static void alert(StringBuilder b, org.wardstream.episodes.AlertChange c, boolean endOfRecord) {
        b.append("{\"kind\": ").append(q(c.kind().name())).append(", \"type\": ").append(q(c.type().code()))
                .append(", \"severity\": ").append(q(c.severity().name().toLowerCase(Locale.ROOT)))
                .append(", \"start\": ").append(q(iso(c.episodeStartMs())))
                .append(", \"end\": ").append(c.episodeEndMs() == null ? "null" : q(iso(c.episodeEndMs())))
                .append(", \"at\": ").append(q(iso(c.atMs())))
                .append(", \"episode_id\": ").append(q(c.episodeId()));
        if (endOfRecord) b.append(", \"end_of_record\": true");
        b.append('}');
    }

    static String iso(long ms) {
        return java.time.Instant.ofEpochMilli(ms).toString();
    }

    private static void kv(StringBuilder b, String k, double v, boolean first) {
        b.append(first ? "\n    " : ",\n    ").append(q(k)).append(": ").append(num(v));
    }

    private static void kv(StringBuilder b, String k, long v, boolean first) {
        b.append(first ? "\n    " : ",\n    ").append(q(k)).append(": ").append(v);
    }

    static String num(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) return "null";
        return String.format(Locale.ROOT, "%.4f", v);
    }

    static String q(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c)); else b.append(c);
                }
            }
        }
        return b.append('"').toString();
    }

    /** What the table's columns mean (printed under the per-record rows). */
    static final String LEGEND = """
            columns: tp/fp/fn/tn = AF intervals detected / non-AF intervals detected as AF / AF intervals missed /
              non-AF intervals not detected (AFL and unlabelled intervals excluded); runs = reference AF runs >= 30 s;
              det = runs overlapped by a detected episode; eps = detected AF episodes; fEp = false episodes (overlapping
              no AF/AFL interval); pRef = clean RR > 3 s; pFnd = those found as pauses; {...} = false AF intervals by
              reference rhythm label. Database rows: Sp on nsr2db is over its (all normal) intervals; fEp/24h over the
              database's hours; unlabeled = intervals without a rhythm label, left out of the beat scores.
            """;

    private static String f3(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.3f", v);
    }

    /** A short human-readable table for the console. */
    public String toTable() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%-8s %-9s %6s %6s %6s %6s %5s %5s %4s %4s %4s %4s%n",
                "record", "kind", "tp", "fp", "fn", "tn", "runs", "det", "eps", "fEp", "pRef", "pFnd"));
        for (RecordResult r : records) {
            if (r.kind == RecordResult.Kind.ERROR) {
                b.append(String.format(Locale.ROOT, "%-8s ERROR %s%n", r.record, r.error));
                continue;
            }
            b.append(String.format(Locale.ROOT, "%-8s %-9s %6d %6d %6d %6d %5d %5d %4d %4d %4d %4d %s%n",
                    r.record, r.kind.name().toLowerCase(Locale.ROOT), r.tp, r.fp, r.fn, r.tn, r.afRuns30s,
                    r.afRunsDetected, r.detectedEpisodes, r.falseEpisodes, r.referencePauses, r.pausesFound,
                    r.falsePositiveBeatsByRhythm.isEmpty() ? "" : r.falsePositiveBeatsByRhythm.toString()));
        }
        b.append(LEGEND);
        b.append(String.format(Locale.ROOT, "%n%-8s %4s %7s %7s %7s %9s %6s %7s %7s %8s %9s%n", "database", "recs", "AF Se",
                "AF Sp", "AF PPV", "runs>=30s", "ep Se", "falseEp", "fEp/24h", "pauses", "unlabeled"));
        Map<String, ValidationSummary> dbs = new java.util.LinkedHashMap<>(byDatabase());
        dbs.put("all", this);
        dbs.forEach((name, d) -> b.append(String.format(Locale.ROOT, "%-8s %4d %7s %7s %7s %9s %6s %7d %7s %8s %9d%n", name,
                d.records.size(), f3(d.sensitivity()), f3(d.tn + d.fp > 0 ? d.specificity() : d.nsrSpecificity()), f3(d.ppv()),
                d.runsDetected + "/" + d.runs, f3(d.episodeSensitivity()), d.labelledFalseEpisodes + d.nsrEpisodes,
                f3(d.falseEpisodesPer24hAll()), d.pausesFound + "/" + d.refPauses, d.unlabelledBeats)));
        b.append(String.format(Locale.ROOT,
                "AF beats: Se %.4f Sp %.4f PPV %.4f (Sp with AFL as non-AF %.4f) | episodes Se %.4f (%d/%d), median delay %.1f s (new onsets %.1f s, n=%d)"
                        + " | NSR false episodes %d in %.1f h = %.3f/24h | unlabelled intervals left out %d (episodes wholly in them %d)%n",
                sensitivity(), specificity(), ppv(), specificityAflAsNonAf(), episodeSensitivity(), runsDetected, runs,
                medianDelayS(), median(newOnsetDelays), newOnsetDelays.size(), nsrEpisodes, nsrHours, falseEpisodesPer24hNsr(),
                unlabelledBeats, unlabelledEpisodes));
        b.append(String.format(Locale.ROOT, "Pauses: recall %.4f (%d/%d), false on NSR %d = %.3f/24h, false all records %d"
                        + " | state <= %d bytes | unreadable records %d%n",
                pauseRecall(), pausesFound, refPauses, nsrPauses, falsePausesPer24hNsr(), falsePausesAll,
                stateBytesMax, errors));
        b.append("False AF intervals by reference rhythm (false/all non-AF):");
        nonAfByRhythm.forEach((k, v) -> b.append(String.format(Locale.ROOT, " %s %d/%d", k, fpByRhythm.getOrDefault(k, 0L), v)));
        b.append(String.format("%n"));
        if (jobPath) {
            b.append(String.format(Locale.ROOT, "Tachycardia: labelled SVTA/VT runs %d (%d >= 10 min), overlapped by an episode %d;"
                            + " episodes on labelled records %d (%d outside SVTA/VT labels), on NSR %d%n",
                    tachycardia.referenceRuns, tachycardia.referenceRunsLong, tachycardia.referenceRunsDetected,
                    tachycardia.episodes, tachycardia.episodesOutsideLabels, nsrTachycardiaEpisodes));
            b.append(String.format(Locale.ROOT, "Bradycardia: labelled SBR runs %d (%d >= 1 min), overlapped by an episode %d;"
                            + " episodes on labelled records %d (%d outside SBR labels), on NSR %d%n",
                    bradycardia.referenceRuns, bradycardia.referenceRunsLong, bradycardia.referenceRunsDetected,
                    bradycardia.episodes, bradycardia.episodesOutsideLabels, nsrBradycardiaEpisodes));
            b.append(String.format(Locale.ROOT, "Alerts (job lifecycle): AF alerts on NSR %d = %.3f/24h, on labelled records %d"
                            + " | RR batches the job's ingest would refuse (more than half clean RR outside 200-60000 ms, or over an hour): %d%n",
                    nsrAfAlerts, nsrHours == 0 ? Double.NaN : nsrAfAlerts * 24.0 / nsrHours, labelledAfAlerts,
                    batchesRefusedByIngest));
        }
        return b.toString();
    }
}
