package org.wardstream.equity;

import static org.wardstream.equity.Measures.ALERTS_PREFIX;
import static org.wardstream.equity.Measures.ALERT_DELAY_MEDIAN_MS;
import static org.wardstream.equity.Measures.ALERT_DELAY_P90_MS;
import static org.wardstream.equity.Measures.CLINICAL_ALERTS;
import static org.wardstream.equity.Measures.DATA_COMPLETENESS;
import static org.wardstream.equity.Measures.DISENROLMENT;
import static org.wardstream.equity.Measures.ENROLLED_PATIENTS;
import static org.wardstream.equity.Measures.MONITORED_DAYS;
import static org.wardstream.equity.Measures.NEEDED_ACTION;
import static org.wardstream.equity.Measures.NEEDED_ACTION_PREFIX;
import static org.wardstream.equity.Measures.PACEMAKER_NOT_RECORDED;
import static org.wardstream.equity.Measures.PACEMAKER_RECORDED;
import static org.wardstream.equity.Measures.PATIENT_DAYS;
import static org.wardstream.equity.Measures.RATE_MULTIPLIER;
import static org.wardstream.equity.Measures.STRATIFIER_COMPLETENESS;
import static org.wardstream.equity.Measures.TECHNICAL_ALERTS;
import static org.wardstream.equity.Measures.TIME_TO_ACK_MEDIAN_MS;
import static org.wardstream.equity.Measures.TRIAGE_ACK_WITHIN_TARGET;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;
import org.apache.commons.math3.stat.ranking.NaNStrategy;
import org.apache.commons.math3.util.KthSelector;
import org.apache.commons.math3.util.MedianOf3PivotingStrategy;
import org.wardstream.equity.model.AggregateRow;
import org.wardstream.equity.model.Dimension;
import org.wardstream.equity.model.PatientDay;
import org.wardstream.equity.model.Strata;
import org.wardstream.equity.stats.ConfidenceIntervals;
import org.wardstream.equity.stats.Estimate;

/**
 * Computes every measure in every dimension and stratum of one window (definitions: docs/METRICS.md). Plain Java,
 * stateless and thread-safe. The patient id is used only to count distinct patients; it never leaves this class.
 */
public final class EquityAggregator {
    public static final String DAY = "day";
    public static final String MONTH = "month";

    private static final List<Dimension> DAILY_DIMENSIONS = List.of(Dimension.ALL, Dimension.IMD_QUINTILE,
            Dimension.ETHNIC_GROUP, Dimension.AGE_BAND, Dimension.SEX, Dimension.ICB);
    private static final List<Dimension> STRATIFIER_DIMENSIONS = List.of(Dimension.IMD_QUINTILE,
            Dimension.ETHNIC_GROUP, Dimension.AGE_BAND, Dimension.SEX, Dimension.ICB);

    private final EquitySettings settings;

    public EquityAggregator(EquitySettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    public EquitySettings settings() {
        return settings;
    }

    /** The dimensions published for a granularity: the two-way split only for months. */
    public static List<Dimension> dimensions(String granularity) {
        return switch (granularity) {
            case DAY -> DAILY_DIMENSIONS;
            case MONTH -> {
                List<Dimension> all = new ArrayList<>(DAILY_DIMENSIONS);
                all.add(Dimension.IMD_QUINTILE_X_ETHNIC_GROUP);
                yield List.copyOf(all);
            }
            default -> throw new IllegalArgumentException("granularity must be 'day' or 'month': " + granularity);
        };
    }

    /**
     * All rows of one window from the patient-days that fall in it (any order; one per patient and day).
     * revision is stamped by the caller. An empty collection gives no rows.
     *
     * @throws IllegalArgumentException for a day outside the window, another programme or a duplicate patient-day
     */
    public List<AggregateRow> aggregate(String programme, String granularity, LocalDate windowStart,
                                        LocalDate windowEnd, Collection<PatientDay> days, int revision) {
        List<Dimension> dimensions = dimensions(granularity);
        if (!windowStart.isBefore(windowEnd)) {
            throw new IllegalArgumentException("window start must be before its end: " + windowStart + ".." + windowEnd);
        }
        Set<String> seen = new HashSet<>();
        for (PatientDay d : days) {
            if (!programme.equals(d.programme())) {
                throw new IllegalArgumentException("patient-day of programme " + d.programme()
                        + " given to the aggregation of " + programme);
            }
            if (d.day().isBefore(windowStart) || !d.day().isBefore(windowEnd)) {
                throw new IllegalArgumentException("patient-day " + d.day() + " outside window " + windowStart
                        + ".." + windowEnd);
            }
            if (!seen.add(d.patientId() + '\u0000' + d.day())) {
                // the message leaves out the patient id on purpose (no identifier in logs)
                throw new IllegalArgumentException("duplicate patient-day on " + d.day() + " in " + programme);
            }
        }
        if (days.isEmpty()) {
            return List.of();
        }
        Window w = new Window(programme, granularity, windowStart, windowEnd, revision, List.copyOf(days));
        List<AggregateRow> out = new ArrayList<>();
        for (Dimension d : dimensions) {
            out.addAll(w.dimensionRows(d));
        }
        out.addAll(w.stratifierCompleteness());
        return out;
    }

    /** The reference stratum of a dimension in a window (null for ALL). */
    String referenceStratum(Dimension d, Map<String, Integer> patientsByStratum) {
        if (d == Dimension.ALL) {
            return null;
        }
        String configured = settings.referenceStrata().get(d);
        if (configured != null) {
            return configured;
        }
        if (d == Dimension.AGE_BAND && patientsByStratum.containsKey(EquitySettings.DEFAULT_AGE_BAND_REFERENCE)) {
            return EquitySettings.DEFAULT_AGE_BAND_REFERENCE;
        }
        // the largest known stratum by distinct patients; ties to the alphabetically first
        return patientsByStratum.entrySet().stream()
                .filter(e -> !e.getKey().contains(Strata.UNKNOWN))
                .max(Comparator.<Map.Entry<String, Integer>>comparingInt(Map.Entry::getValue)
                        .thenComparing(Map.Entry::getKey, Comparator.reverseOrder()))
                .map(Map.Entry::getKey).orElse(null);
    }

    /** Internal: the numbers of one stratum, from which every measure is computed. */
    private static final class Cell {
        final Set<String> patients = new HashSet<>();
        final Set<String> disenrolledPatients = new HashSet<>();
        final Set<String> editions = new TreeSet<>();
        /** Each patient's latest day in the cell: what their enrolment said last (pacemaker, stratifiers). */
        final Map<String, PatientDay> latest = new HashMap<>();
        long patientDays;
        long activeDays;
        long monitoredDays;
        long dataMinutes;
        long enrolledMinutes;
        long clinicalAlerts;
        final Map<String, Long> alertsByType = new HashMap<>();
        long technicalAlerts;
        final List<Long> delays = new ArrayList<>();
        long alertsRaised;
        long acknowledged;
        final List<Long> ackDelays = new ArrayList<>();
        final Map<String, Long> closedByType = new HashMap<>();
        final Map<String, Long> actionedByType = new HashMap<>();
        long clinicalClosed;
        long clinicalActioned;

        void add(PatientDay d) {
            patients.add(d.patientId());
            latest.merge(d.patientId(), d, (a, b) -> a.day().isAfter(b.day()) ? a : b);
            if (d.disenrolled()) {
                disenrolledPatients.add(d.patientId());
            }
            if (!Strata.UNKNOWN.equals(d.strata().imdEdition())) {
                editions.add(d.strata().imdEdition());
            }
            patientDays++;
            int enrolled = Math.max(0, d.enrolledMinutes());
            if (enrolled > 0) {
                activeDays++;
                if (d.monitored()) {
                    monitoredDays++;
                }
                enrolledMinutes += enrolled;
                dataMinutes += Math.min(Math.max(0, d.dataMinutes()), enrolled);
            }
            for (Map.Entry<String, Integer> e : d.clinicalAlerts().entrySet()) {
                if (PatientDay.technical(e.getKey())) {
                    continue; // technical alerts are counted in technicalAlerts, never twice
                }
                long n = Math.max(0, e.getValue());
                clinicalAlerts += n;
                alertsByType.merge(e.getKey(), n, Long::sum);
            }
            technicalAlerts += Math.max(0, d.technicalAlerts());
            delays.addAll(d.alertDelaysMs());
            long raised = Math.max(0, d.alertsRaised());
            alertsRaised += raised;
            acknowledged += Math.min(raised, Math.max(0, d.acknowledgedWithinTarget()));
            ackDelays.addAll(d.ackDelaysMs());
            for (Map.Entry<String, Integer> e : d.alertsClosed().entrySet()) {
                long closed = Math.max(0, e.getValue());
                long actioned = Math.min(closed, Math.max(0, d.alertsClosedWithAction().getOrDefault(e.getKey(), 0)));
                closedByType.merge(e.getKey(), closed, Long::sum);
                actionedByType.merge(e.getKey(), actioned, Long::sum);
                if (!PatientDay.technical(e.getKey())) {
                    clinicalClosed += closed;
                    clinicalActioned += actioned;
                }
            }
        }

        String imdEdition() {
            return editions.isEmpty() ? Strata.UNKNOWN : String.join("+", editions);
        }

        /** Patients whose latest day records a pacemaker (TRUE; FALSE and not recorded are not counted). */
        long pacemakerRecorded() {
            return latest.values().stream().filter(d -> Boolean.TRUE.equals(d.pacemaker())).count();
        }

        /** Patients whose latest day does not record whether they have a pacemaker (null, never read as FALSE). */
        long pacemakerNotRecorded() {
            return latest.values().stream().filter(d -> d.pacemaker() == null).count();
        }
    }

    /** A measure's numbers in one stratum before the reference ratio is attached. */
    private record Value(String measure, long numerator, double denominator, Estimate estimate, String method,
                         String imdEdition) {
    }

    private final class Window {
        final String programme;
        final String granularity;
        final LocalDate start;
        final LocalDate end;
        final int revision;
        final List<PatientDay> days;
        final Cell total = new Cell();
        final Set<String> alertTypes = new TreeSet<>();
        final Set<String> closedTypes = new TreeSet<>();

        Window(String programme, String granularity, LocalDate start, LocalDate end, int revision,
               List<PatientDay> days) {
            this.programme = programme;
            this.granularity = granularity;
            this.start = start;
            this.end = end;
            this.revision = revision;
            this.days = days;
            days.forEach(total::add);
            alertTypes.addAll(total.alertsByType.keySet());
            closedTypes.addAll(total.closedByType.keySet());
        }

        List<AggregateRow> dimensionRows(Dimension dim) {
            Map<String, Cell> cells = new TreeMap<>();
            for (PatientDay d : days) {
                cells.computeIfAbsent(d.strata().value(dim), k -> new Cell()).add(d);
            }
            Map<String, Integer> patients = new LinkedHashMap<>();
            cells.forEach((k, c) -> patients.put(k, c.patients.size()));
            String ref = referenceStratum(dim, patients);
            Map<String, List<Value>> values = new LinkedHashMap<>();
            cells.forEach((k, c) -> values.put(k, values(c)));
            List<Value> refValues = ref == null ? null : values.get(ref);

            List<AggregateRow> rows = new ArrayList<>();
            for (Map.Entry<String, List<Value>> e : values.entrySet()) {
                List<Value> vs = e.getValue();
                for (int i = 0; i < vs.size(); i++) {
                    Value v = vs.get(i);
                    Estimate ratio = ref == null ? null
                            : ratio(v, e.getKey().equals(ref), refValues == null ? null : refValues.get(i));
                    rows.add(new AggregateRow(programme, granularity, start, end, dim.code(), e.getKey(),
                            v.measure(), v.numerator(), v.denominator(), v.estimate().value(),
                            v.estimate().lower(), v.estimate().upper(), v.method(),
                            hasRatio(v.method()) ? ref : null,
                            ratio == null ? null : ratio.value(), ratio == null ? null : ratio.lower(),
                            ratio == null ? null : ratio.upper(), v.imdEdition(), revision));
                }
            }
            return rows;
        }

        /** The same measures in the same order for every stratum (so index i matches across strata). */
        List<Value> values(Cell c) {
            List<Value> v = new ArrayList<>();
            String ed = c.imdEdition();
            v.add(count(ENROLLED_PATIENTS, c.patients.size(), total.patients.size(), ed));
            v.add(count(PATIENT_DAYS, c.patientDays, total.patientDays, ed));
            v.add(proportion(MONITORED_DAYS, c.monitoredDays, c.activeDays, ed));
            v.add(proportion(DATA_COMPLETENESS, c.dataMinutes, c.enrolledMinutes, ed));
            // every clinical alert over the active (enrolled) days it can be opened on, as device-offline: alerts of
            // unmonitored days over monitored days only made worse monitoring read as more alerts (probe 19a D8)
            v.add(rate(CLINICAL_ALERTS, c.clinicalAlerts, c.activeDays, ed));
            for (String type : alertTypes) {
                v.add(rate(ALERTS_PREFIX + type, c.alertsByType.getOrDefault(type, 0L), c.activeDays, ed));
            }
            v.add(rate(TECHNICAL_ALERTS, c.technicalAlerts, c.activeDays, ed));
            v.add(percentile(ALERT_DELAY_MEDIAN_MS, c.delays, 50, "median", ed));
            v.add(percentile(ALERT_DELAY_P90_MS, c.delays, 90, "p90", ed));
            v.add(proportion(TRIAGE_ACK_WITHIN_TARGET, c.acknowledged, c.alertsRaised, ed));
            v.add(percentile(TIME_TO_ACK_MEDIAN_MS, c.ackDelays, 50, "median", ed));
            if (!closedTypes.isEmpty()) {
                v.add(proportion(NEEDED_ACTION, c.clinicalActioned, c.clinicalClosed, ed));
                for (String type : closedTypes) {
                    v.add(proportion(NEEDED_ACTION_PREFIX + type, c.actionedByType.getOrDefault(type, 0L),
                            c.closedByType.getOrDefault(type, 0L), ed));
                }
            }
            v.add(proportion(DISENROLMENT, c.disenrolledPatients.size(), c.patients.size(), ed));
            v.add(proportion(PACEMAKER_RECORDED, c.pacemakerRecorded(), c.patients.size(), ed));
            v.add(proportion(PACEMAKER_NOT_RECORDED, c.pacemakerNotRecorded(), c.patients.size(), ed));
            return v;
        }

        /** One row per single dimension, stratum "all": share of patients whose stratifier is known. */
        List<AggregateRow> stratifierCompleteness() {
            Collection<PatientDay> latest = total.latest.values();
            List<AggregateRow> rows = new ArrayList<>();
            for (Dimension dim : STRATIFIER_DIMENSIONS) {
                long known = latest.stream().filter(d -> d.strata().known(dim)).count();
                Value v = proportion(STRATIFIER_COMPLETENESS, known, latest.size(), total.imdEdition());
                rows.add(new AggregateRow(programme, granularity, start, end, dim.code(), "all", v.measure(),
                        v.numerator(), v.denominator(), v.estimate().value(), v.estimate().lower(),
                        v.estimate().upper(), v.method(), null, null, null, null, v.imdEdition(), revision));
            }
            return rows;
        }

        private Estimate ratio(Value v, boolean isReference, Value ref) {
            if (!hasRatio(v.method()) || v.estimate().value() == null) {
                return null;
            }
            if (isReference) {
                return new Estimate(1.0, null, null, "reference");
            }
            if (ref == null || ref.estimate().value() == null) {
                return null;
            }
            double conf = settings.confidence();
            Estimate e = Measures.isRate(v.method())
                    ? ConfidenceIntervals.rateRatioExact(v.numerator(), v.denominator(), ref.numerator(),
                            ref.denominator(), conf)
                    : ConfidenceIntervals.proportionRatioMover(v.numerator(), v.denominator(), ref.numerator(),
                            ref.denominator(), conf);
            return e.value() == null ? null : e;
        }

        private Value count(String measure, long n, long total, String ed) {
            return new Value(measure, n, total, new Estimate((double) n, null, null, "count"), "count", ed);
        }

        private Value proportion(String measure, long x, long n, String ed) {
            if (n <= 0) {
                return new Value(measure, x, n, new Estimate(null, null, null, "wilson"), "wilson", ed);
            }
            return new Value(measure, x, n, ConfidenceIntervals.proportion(x, n, settings.confidence()), "wilson",
                    ed);
        }

        private Value rate(String measure, long events, long patientDays, String ed) {
            if (patientDays <= 0) {
                return new Value(measure, events, patientDays,
                        new Estimate(null, null, null, ConfidenceIntervals.countMethod(events)),
                        ConfidenceIntervals.countMethod(events), ed);
            }
            Estimate e = ConfidenceIntervals.crudeRate(events, patientDays, RATE_MULTIPLIER, settings.confidence());
            return new Value(measure, events, patientDays, e, e.method(), ed);
        }

        private Value percentile(String measure, List<Long> values, double p, String method, String ed) {
            Double v = values.isEmpty() ? null : percentileR7(values, p);
            return new Value(measure, values.size(), values.size(), new Estimate(v, null, null, method), method, ed);
        }
    }

    private static boolean hasRatio(String method) {
        return Measures.isRate(method) || Measures.isProportion(method);
    }

    /** Percentile by linear interpolation between order statistics (R type 7, Excel PERCENTILE.INC). */
    static double percentileR7(Collection<Long> values, double p) {
        double[] data = values.stream().mapToDouble(Long::doubleValue).toArray();
        return new Percentile(p).withEstimationType(Percentile.EstimationType.R_7)
                .withNaNStrategy(NaNStrategy.FIXED)
                .withKthSelector(new KthSelector(new MedianOf3PivotingStrategy()))
                .evaluate(data);
    }
}
