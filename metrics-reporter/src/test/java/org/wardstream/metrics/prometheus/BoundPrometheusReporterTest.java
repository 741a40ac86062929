package org.wardstream.metrics.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.ServiceLoader;

import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;
import org.apache.flink.runtime.metrics.filter.ReporterFilter;
import org.apache.flink.runtime.metrics.groups.FrontMetricGroup;
import org.apache.flink.runtime.metrics.groups.ReporterScopedSettings;
import org.apache.flink.runtime.metrics.groups.UnregisteredMetricGroups;
import org.junit.jupiter.api.Test;

class BoundPrometheusReporterTest {
    @Test
    void listensOnTheConfiguredAddressOnlyAndServesFlinksMetrics() throws Exception {
        MetricReporterFactory factory = ServiceLoader.load(MetricReporterFactory.class).stream()
                .map(ServiceLoader.Provider::get).filter(f -> f instanceof BoundPrometheusReporterFactory)
                .findFirst().orElseThrow();
        Properties config = new Properties();
        config.setProperty("port", "29300-29400");
        BoundPrometheusReporter reporter = (BoundPrometheusReporter) factory.createMetricReporter(config);
        try {
            assertThat(reporter.address().getAddress()).isEqualTo(InetAddress.getByName("127.0.0.1"));
            SimpleCounter counter = new SimpleCounter();
            counter.inc(7);
            // as Flink hands metrics to a reporter: the group wrapped with the reporter's scope settings
            reporter.notifyOfAddedMetric(counter, "ingestConsumed", new FrontMetricGroup<>(
                    new ReporterScopedSettings<>(0, '.', ReporterFilter.getNoOpFilter(), Set.of(), Map.of()),
                    UnregisteredMetricGroups.createUnregisteredTaskManagerMetricGroup()));
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + reporter.address().getPort() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).containsPattern("flink_taskmanager_ingestConsumed\\{.*\\} 7\\.0");
        } finally {
            reporter.close();
        }
    }

    @Test
    void anotherAddressIsTakenAsConfigured() throws Exception {
        Properties config = new Properties();
        config.setProperty("host", "0.0.0.0");
        config.setProperty("port", "29300-29400");
        BoundPrometheusReporter reporter = new BoundPrometheusReporterFactory().createMetricReporter(config);
        try {
            assertThat(reporter.address().getAddress().isAnyLocalAddress()).isTrue();
        } finally {
            reporter.close();
        }
    }
}
