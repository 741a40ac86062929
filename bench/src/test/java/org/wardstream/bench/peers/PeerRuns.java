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
import org.wardstream.ingest.DeviceReading;
import org.wardstream.rules.Rules;

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
}
