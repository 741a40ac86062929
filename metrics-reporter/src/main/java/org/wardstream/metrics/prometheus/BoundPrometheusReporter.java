package org.wardstream.metrics.prometheus;

import java.io.IOException;
import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.util.Iterator;

import org.apache.flink.metrics.prometheus.AbstractPrometheusReporter;
import org.apache.flink.util.PortRange;

import com.sun.net.httpserver.HttpServer;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.HTTPServer;

/**
 * Flink's {@link AbstractPrometheusReporter} (metric names, labels, collectors unchanged) with its HTTP endpoint
 * bound to one address: the first free port of the range on {@code host}.
 */
public final class BoundPrometheusReporter extends AbstractPrometheusReporter {
    private final HTTPServer server;
    private final InetSocketAddress address;

    BoundPrometheusReporter(String host, PortRange ports) {
        CollectorRegistry registry = registryOf(this);
        Iterator<Integer> it = ports.getPortsIterator();
        IOException last = null;
        HTTPServer started = null;
        InetSocketAddress bound = null;
        while (it.hasNext() && started == null) {
            int port = it.next();
            try {
                HttpServer http = HttpServer.create(new InetSocketAddress(host, port), 3);
                started = new HTTPServer(http, registry, true);
                bound = http.getAddress();
            } catch (IOException e) {
                last = e; // port in use: try the next one of the range
            }
        }
        if (started == null) {
            throw new IllegalStateException("could not start the Prometheus endpoint on " + host + " ports " + ports,
                    last);
        }
        server = started;
        address = bound;
        log.info("Prometheus metrics endpoint listening on {}:{}", address.getHostString(), address.getPort());
    }

    /** The address the endpoint listens on. */
    public InetSocketAddress address() {
        return address;
    }

    /** The reporter's registry is package-private in Flink 2.2; its own reporter is the only other user. */
    private static CollectorRegistry registryOf(AbstractPrometheusReporter reporter) {
        try {
            Field f = AbstractPrometheusReporter.class.getDeclaredField("registry");
            f.setAccessible(true);
            return (CollectorRegistry) f.get(reporter);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("this Flink version's AbstractPrometheusReporter has no registry field;"
                    + " use Flink's PrometheusReporterFactory and restrict the port by network policy", e);
        }
    }

    @Override
    public void close() {
        server.stop();
        super.close();
    }
}
