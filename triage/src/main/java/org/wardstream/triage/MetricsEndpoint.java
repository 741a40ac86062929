package org.wardstream.triage;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * The service's counters for Prometheus at {@code GET /metrics} (text format 0.0.4) on a port of its own
 * ({@code --metrics-port}, bound to {@code --metrics-bind}, 127.0.0.1 by default), apart from the worklist and FHIR port
 * that the reverse proxy publishes: like the jobs' Prometheus reporters, it answers without a login, so it must not be
 * reachable through the proxy. It serves counts only, never a pseudonym or a value of a record.
 */
final class MetricsEndpoint implements AutoCloseable {
    private final HttpServer http;

    private MetricsEndpoint(HttpServer http) {
        this.http = http;
    }

    static MetricsEndpoint start(String host, int port, Supplier<String> body) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(host, port), 8);
        http.createContext("/metrics", exchange -> {
            try (exchange) {
                if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
                    exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                    exchange.sendResponseHeaders(405, -1);
                    return;
                }
                byte[] bytes = body.get().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                boolean head = "HEAD".equals(exchange.getRequestMethod());
                exchange.sendResponseHeaders(200, head ? -1 : bytes.length);
                if (!head) {
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(bytes);
                    }
                }
            }
        });
        http.start();
        return new MetricsEndpoint(http);
    }

    int port() {
        return http.getAddress().getPort();
    }

    /**
     * One counter in the text format: its help, its type and one sample per label value ({@code label} null: one
     * unlabelled sample, {@code values[0]}).
     */
    static void counter(StringBuilder out, String name, String help, String label, String[] labelValues,
                        long... values) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" counter\n");
        if (label == null) {
            out.append(name).append(' ').append(values[0]).append('\n');
            return;
        }
        for (int i = 0; i < values.length; i++) {
            out.append(name).append('{').append(label).append("=\"").append(labelValues[i]).append("\"} ")
                    .append(values[i]).append('\n');
        }
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
