package org.wardstream.bench.peers;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.wardstream.detect.ProfileRules;
import org.wardstream.detect.Readings;
import org.wardstream.detector.DetectorState;
import org.wardstream.detector.PatientDetector;
import org.wardstream.detector.PatternCue;
import org.wardstream.episodes.Transition;
import org.wardstream.ingest.DeviceReading;
import org.wardstream.rules.Rules;
import org.wardstream.signals.HeartRateEvent;

/** The peer tests' readings and runs of the two peers over them. */
final class PeerRuns {
    private PeerRuns() {
    }

    /** A reading of {@code kind} received at its device time. */
    static DeviceReading reading(String patient, DeviceReading.Kind kind, long time) {
        DeviceReading r = new DeviceReading();
        r.patientId = patient;
        r.programme = "test";
        r.kind = kind;
        r.time = time;
        r.timeReceived = time;
        return r;
    }

    /** The alerts the Esper peer opens on {@code readings}. */
    static List<AlertKey> esper(Rules rules, List<DeviceReading> readings) {
        try (EsperPeer peer = new EsperPeer(rules)) {
            readings.forEach(peer::onReading);
            return peer.finish();
        }
    }

    /**
     * The rows of {@code query} (a {@link PeerRules} query over the table {@code table}) on the extraction's rows of
     * {@code stream} from {@code readings}, in Flink SQL.
     */
    static List<Row> flinkSql(Rules rules, List<DeviceReading> readings, String stream, String table,
                              BiFunction<PeerRules, String, String> query) throws Exception {
        PeerFeatures features = new PeerFeatures(rules);
        List<PeerRow> rows = new ArrayList<>();
        readings.forEach(r -> features.onReading(r, rows::add));
        features.endAll(rows::add);
        rows.removeIf(r -> !stream.equals(r.getStream()));

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        StreamTableEnvironment tables = StreamTableEnvironment.create(env);
        DataStream<PeerRow> data = env.fromData(rows, TypeInformation.of(PeerRow.class));
        tables.createTemporaryView(table, tables.fromDataStream(data,
                Schema.newBuilder().columnByExpression("pt", "PROCTIME()").build()));
        List<Row> out = new ArrayList<>();
        try (CloseableIterator<Row> it = tables.toDataStream(tables.sqlQuery(query.apply(new PeerRules(rules), table)))
                .executeAndCollect()) {
            it.forEachRemaining(out::add);
        }
        return out;
    }

    /**
     * The detection stage's tachycardia starts on {@code readings} (each patient's in device-time order, received as
     * recorded, as it analyses live data): what the peers must report.
     */
    static List<AlertKey> detectorTachycardias(Rules rules, List<DeviceReading> readings) {
        PatientDetector detector = new ProfileRules<>(rules, PatientDetector::new).of(null);
        List<AlertKey> expected = new ArrayList<>();
        java.util.Map<String, DetectorState> states = new java.util.HashMap<>();
        for (DeviceReading r : readings) {
            DetectorState s = states.computeIfAbsent(r.patientId, k -> new DetectorState());
            PatientDetector.Output out = new PatientDetector.Output() {
                @Override
                public void transition(Transition t, String programme, long delayedByMs, long receivedMs) {
                }

                @Override
                public void cue(PatternCue cue) {
                }

                @Override
                public void heartRate(HeartRateEvent e) {
                    if (e.kind() == HeartRateEvent.Kind.TACHYCARDIA_START) {
                        expected.add(new AlertKey(AlertKey.TACHYCARDIA, r.patientId, e.episodeStartMs()));
                    }
                }
            };
            if (detector.arrive(s, r.patientId, null, Readings.of(r), out) != PatientDetector.Arrival.ANALYSE) {
                throw new AssertionError("not analysed at once: " + r.patientId + " at " + r.time);
            }
            detector.analyse(s, r.patientId, null, Readings.of(r), out);
        }
        return expected;
    }

    /** The tachycardias the Flink SQL peer (MATCH_RECOGNIZE) opens on {@code readings}, those AF explains left out. */
    static List<AlertKey> flinkSqlTachycardias(Rules rules, List<DeviceReading> readings) throws Exception {
        List<AlertKey> alerts = new ArrayList<>();
        for (Row r : flinkSql(rules, readings, PeerRow.STREAM_HR, "hr_rows", PeerRules::sqlTachycardia)) {
            if (!Boolean.TRUE.equals(r.getField("af"))) {
                alerts.add(new AlertKey(AlertKey.TACHYCARDIA, (String) r.getField("patientId"), (Long) r.getField("startMs")));
            }
        }
        return alerts;
    }

    /** A peer's alerts are exactly the detector's: the same ones, none twice. */
    static void assertSameAlerts(List<AlertKey> alerts, List<AlertKey> expected) {
        org.assertj.core.api.Assertions.assertThat(new java.util.TreeSet<>(alerts))
                .containsExactlyElementsOf(new java.util.TreeSet<>(expected));
        org.assertj.core.api.Assertions.assertThat(alerts).hasSameSizeAs(expected);
    }
}
