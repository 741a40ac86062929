package org.wardstream.equity.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.wardstream.testkit.PipelineKit;
import org.wardstream.equity.disclosure.PublishedRow;
import org.wardstream.jobs.SecretRef;

/**
 * The PostgreSQL sink in a Flink MiniCluster against a real PostgreSQL server: published rows are upserted
 * by key, internal rows never reach the table, a replay leaves the table as it was, and a lower revision
 * never overwrites a higher one.
 */
class PostgresAggregateSinkIT {
    @RegisterExtension
    static final PipelineKit KIT = PipelineKit.builder().parallelism(2).withoutKafka().withPostgres().build();

    static EquityRowOut published(String stratum, String numerator, int revision) {
        PublishedRow r = new PublishedRow("virtual-ward", LocalDate.of(2026, 3, 1), LocalDate.of(2026, 4, 1), "month",
                "imd_quintile", stratum, "monitored_days", "wilson", numerator, "100", 0.5, 0.4, 0.6, "5", 1.1, 0.9,
                1.3, "IoD2019", revision);
        return new EquityRowOut(EquityRowOut.PUBLISHED, r.key(), revision, RowJson.published(r));
    }

    static void run(List<EquityRowOut> rows) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.fromData(TypeInformation.of(EquityRowOut.class), rows.toArray(new EquityRowOut[0]))
                .sinkTo(new PostgresAggregateSink(KIT.postgres().jdbcUrl(), KIT.postgres().user(), SecretRef.none())).name("postgresql");
        env.execute("postgres-sink-it");
    }

    static Map<String, String> table() throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Connection c = DriverManager.getConnection(KIT.postgres().jdbcUrl(), KIT.postgres().user(), null);
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT row_key, numerator_count, revision FROM equity_aggregates")) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2) + "@" + rs.getInt(3));
            }
        }
        return out;
    }

    @Test
    void publishedRowsAreUpsertedIdempotentlyAndNeverDowngraded() throws Exception {
        List<EquityRowOut> rows = new ArrayList<>();
        for (int q = 1; q <= 5; q++) {
            rows.add(published(Integer.toString(q), Integer.toString(10 * q), 0));
        }
        rows.add(new EquityRowOut(EquityRowOut.INTERNAL, "virtual-ward|day|2026-03-02|all|all|patient_days", 0,
                "{\"numerator\": 3}"));
        run(rows);
        Map<String, String> first = table();
        assertThat(first).hasSize(5).containsEntry("virtual-ward|month|2026-03-01|imd_quintile|3|monitored_days",
                "30@0");

        run(rows); // a replay
        assertThat(table()).isEqualTo(first);

        run(List.of(published("3", "35", 1)));
        assertThat(table()).containsEntry("virtual-ward|month|2026-03-01|imd_quintile|3|monitored_days", "35@1");
        run(List.of(published("3", "*", 0))); // an old revision arriving late
        assertThat(table()).containsEntry("virtual-ward|month|2026-03-01|imd_quintile|3|monitored_days", "35@1")
                .hasSize(5);
    }
}
