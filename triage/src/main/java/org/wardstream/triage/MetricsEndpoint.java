package org.wardstream.triage;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.IOException;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;

/**
 * The service's counters for Prometheus at {@code GET /metrics} on a port of its own ({@code --metrics-port}, bound
 * to {@code --metrics-bind}, 127.0.0.1 by default), apart from the worklist and FHIR port that the reverse proxy
 * publishes: like the jobs' Prometheus reporters, it answers without a login, so it must not be reachable through the
 * proxy. It serves counts only, never a pseudonym or a value of a record.
 *
 * <p>The Prometheus Java client does the work: a registry of its own per service (tests run several in one JVM),
 * counters read from the service's own counts at each scrape ({@link CounterWithCallback}), and its exporter on the
 * JDK's HTTP server, which writes the text format (or OpenMetrics, or protobuf, as the scraper asks).
 */
final class MetricsEndpoint implements AutoCloseable {
    private final HTTPServer http;

    private MetricsEndpoint(HTTPServer http) {
        this.http = http;
    }

    /** Serves the counters of {@code registry} at {@code http://host:port/metrics} (port 0: a free one). */
    static MetricsEndpoint start(String host, int port, PrometheusRegistry registry) throws IOException {
        return new MetricsEndpoint(HTTPServer.builder().hostname(host).port(port).registry(registry)
                .metricsHandlerPath("/metrics").buildAndStart());
    }

    /**
     * Registers one counter ({@code name} ends with {@code _total}, as scraped) whose value is read at each scrape.
     */
    static void counter(PrometheusRegistry registry, String name, String help, LongSupplier value) {
        CounterWithCallback.builder().name(name).help(help).callback(c -> c.call(value.getAsLong()))
                .register(registry);
    }

    /** Registers one counter with one sample per value of {@code label}, each read at each scrape. */
    static void counter(PrometheusRegistry registry, String name, String help, String label, String[] labelValues,
                        ToLongFunction<String> value) {
        CounterWithCallback.builder().name(name).help(help).labelNames(label).callback(c -> {
            for (String v : labelValues) {
                c.call(value.applyAsLong(v), v);
            }
        }).register(registry);
    }

    int port() {
        return http.getPort();
    }

    @Override
    public void close() {
        http.close();
    }
}
