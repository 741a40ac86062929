package org.wardstream.metrics.prometheus;

import java.util.Properties;

import org.apache.flink.metrics.reporter.MetricReporterFactory;
import org.apache.flink.util.PortRange;

/**
 * Flink's Prometheus reporter, serving {@code /metrics} on the configured address only:
 * <pre>
 * metrics.reporter.prom.factory.class: org.wardstream.metrics.prometheus.BoundPrometheusReporterFactory
 * metrics.reporter.prom.host: 127.0.0.1     # default 127.0.0.1; 0.0.0.0 for every interface (e.g. a pod)
 * metrics.reporter.prom.port: 9249          # a port or a range, as Flink's reporter
 * </pre>
 * Flink 2.2's {@code PrometheusReporterFactory} has no host setting and listens on every interface. The metric
 * names and labels are Flink's (the reporter is Flink's, only the socket differs).
 */
public final class BoundPrometheusReporterFactory implements MetricReporterFactory {
    public static final String HOST = "host";
    public static final String PORT = "port";
    public static final String DEFAULT_HOST = "127.0.0.1";

    @Override
    public BoundPrometheusReporter createMetricReporter(Properties properties) {
        String host = properties.getProperty(HOST, DEFAULT_HOST).trim();
        return new BoundPrometheusReporter(host, new PortRange(properties.getProperty(PORT, "9249")));
    }
}
