package org.wardstream.triage;

import ca.uhn.fhir.rest.server.IResourceProvider;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import jakarta.servlet.DispatcherType;
import org.eclipse.jetty.ee10.servlet.DefaultServlet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.servlet.SessionHandler;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wardstream.triage.fhir.FhirServlet;
import org.wardstream.triage.fhir.ObservationProvider;
import org.wardstream.triage.fhir.ProvenanceProvider;
import org.wardstream.triage.fhir.ServerErrors;
import org.wardstream.triage.fhir.TaskProvider;
import org.wardstream.contract.Topics;
import org.wardstream.triage.kafka.AlertIngest;
import org.wardstream.triage.kafka.TriageEventPublisher;
import org.wardstream.triage.store.TaskStore;
import org.wardstream.triage.web.ApiServlet;
import org.wardstream.triage.web.EventHub;
import org.wardstream.triage.store.Audit;
import org.wardstream.triage.store.Database;
import org.wardstream.triage.store.Users;
import org.wardstream.triage.web.AuthFilter;
import org.wardstream.triage.web.LoginServlet;
import org.wardstream.triage.web.LoginThrottle;
import org.wardstream.triage.web.RequestGuard;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * The triage service in one process: PostgreSQL schema migration, the HTTP server (worklist page at {@code /},
 * login at {@code /login}, FHIR R4 at {@code /fhir}, JSON actions and events at {@code /api}).
 * See {@code triage/INTERFACE.md}.
 *
 * <pre>{@code
 * try (TriageServer server = TriageServer.start(config)) {
 *     server.users().add("alice", TriageUser.Role.CLINICIAN, Set.of("cardiac"), password, false);
 *     ... server.baseUrl() ...
 * }
 * }</pre>
 */
public final class TriageServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TriageServer.class);
    /** Classpath folder of the worklist page's static files. */
    public static final String WEB_ROOT = "org/wardstream/triage/web/";

    private final TriageConfig config;
    private final Database db;
    private final Users users;
    private final Audit audit;
    private final TaskStore store;
    private final EventHub hub;
    private final TriageEventPublisher publisher;
    private final Server jetty;
    private AlertIngest ingest;
    private MetricsEndpoint metrics;

    private TriageServer(TriageConfig config, Database db) {
        this.config = config;
        this.db = db;
        this.users = new Users(db, config.bcryptCost());
        this.audit = new Audit(db);
        this.store = new TaskStore(db);
        this.hub = new EventHub(users::find);
        users.onChange(hub::userChanged);
        this.publisher = new TriageEventPublisher(config.bootstrapServers(), config.kafkaProperties(), db);
        this.jetty = new Server();
    }

    /** After a Task changed (ingest or action): tell the open event streams; send pending triage events. */
    private void changed(TaskStore.TaskChange change) {
        hub.publish(change);
        publisher.wake();
    }

    /** Migrates the database, starts the ingest, the triage-events publisher and the HTTP server. */
    public static TriageServer start(TriageConfig config) throws Exception {
        LOG.info("starting the triage service: {}", config);
        Database db = Database.open(config.jdbcUrl(), config.dbUser(), config.dbPassword(), 10);
        TriageServer server;
        try {
            server = new TriageServer(config, db);
        } catch (RuntimeException | Error e) {
            db.close();
            throw e;
        }
        try {
            server.startAll();
        } catch (Exception | Error e) {
            server.close();
            throw e;
        }
        LOG.info("triage service listening on {}", server.baseUrl());
        return server;
    }

    private void startAll() throws Exception {
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost(config.bindHost());
        connector.setPort(config.port());
        jetty.addConnector(connector);

        ServletContextHandler context = new ServletContextHandler(ServletContextHandler.SESSIONS);
        context.setContextPath("/");
        SessionHandler sessions = context.getSessionHandler();
        sessions.setSessionCookie("WARDSTREAM_SESSION");
        sessions.setHttpOnly(true);
        sessions.setSameSite(HttpCookie.SameSite.STRICT);
        sessions.setSecureCookies(config.secureCookies());
        sessions.setMaxInactiveInterval((int) config.sessionTimeout().toSeconds());
        sessions.addEventListener(hub); // a logout or timeout closes the event streams opened through the session

        context.setBaseResource(ResourceFactory.of(context).newClassLoaderResource(WEB_ROOT));
        ServletHolder statics = new ServletHolder("static", DefaultServlet.class);
        statics.setInitParameter("dirAllowed", "false");
        context.addServlet(statics, "/");

        LoginThrottle throttle = LoginThrottle.defaults();
        LoginServlet login = new LoginServlet(users, audit, throttle);
        for (String path : List.of("/login", "/logout", "/session")) context.addServlet(new ServletHolder(login), path);

        List<IResourceProvider> providers = new ArrayList<>();
        providers.add(new TaskProvider(store, audit, this::changed));
        providers.add(new ObservationProvider(store, audit));
        providers.add(new ProvenanceProvider(store, audit));
        FhirServlet fhir = new FhirServlet(providers);
        fhir.registerInterceptor(new ServerErrors());
        context.addServlet(new ServletHolder("fhir", fhir), "/fhir/*");
        ServletHolder api = new ServletHolder("api", new ApiServlet(store, audit, hub, this::changed));
        api.setAsyncSupported(true);
        context.addServlet(api, "/api/*");
        context.addServlet(new ServletHolder(new org.wardstream.triage.worklist.ResponseTargetsServlet(
                org.wardstream.rules.ResponseTargets.configured())), "/api/response-targets");

        // first: TRACE/TRACK and unserved methods are 405 (no header echo); uncaught exceptions a plain 500
        FilterHolder guard = new FilterHolder(new RequestGuard());
        guard.setAsyncSupported(true);
        context.addFilter(guard, "/*", EnumSet.of(DispatcherType.REQUEST));
        FilterHolder auth = new FilterHolder(new AuthFilter(users, audit, throttle));
        auth.setAsyncSupported(true);
        context.addFilter(auth, "/fhir/*", EnumSet.of(DispatcherType.REQUEST));
        context.addFilter(auth, "/api/*", EnumSet.of(DispatcherType.REQUEST));

        jetty.setHandler(context);
        jetty.setStopAtShutdown(false);
        jetty.start();
        publisher.start();
        ingest = new AlertIngest(config.bootstrapServers(), config.kafkaProperties(), config.groupId(), store,
                this::changed);
        ingest.start();
        if (config.metricsPort() >= 0) {
            metrics = MetricsEndpoint.start(config.metricsBind(), config.metricsPort(), metricsRegistry());
            LOG.info("metrics at {}", metricsUrl());
        }
    }

    /** {@code http://host:port/metrics} of the metrics endpoint, or null when none is served. */
    public String metricsUrl() {
        if (metrics == null) return null;
        String host = config.metricsBind();
        if (host.equals("0.0.0.0") || host.equals("::")) host = "localhost";
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + metrics.port() + "/metrics";
    }

    /** The counters the metrics endpoint serves, read at each scrape; RUNBOOK "Metrics" says what each means. */
    private PrometheusRegistry metricsRegistry() {
        PrometheusRegistry registry = new PrometheusRegistry();
        MetricsEndpoint.counter(registry, "wardstream_triage_ingest_rejected_total", "records of alerts or enrolments "
                        + "not applied and kept in ingest_reject (with the reason) by this process", "topic",
                new String[] {Topics.ALERTS, Topics.ENROLMENTS}, this::rejected);
        MetricsEndpoint.counter(registry, "wardstream_triage_alerts_ingested_total", "new alert messages stored by "
                + "this process (re-deliveries not counted)", this::alertsIngested);
        MetricsEndpoint.counter(registry, "wardstream_triage_events_sent_total", "triage-events records sent by this "
                + "process", this::triageEventsSent);
        return registry;
    }

    /** Records of {@code topic} this process kept in {@code ingest_reject} (alerts or enrolments). */
    public long rejected(String topic) {
        return ingest == null ? 0 : ingest.rejected(topic);
    }

    /** The port the HTTP server listens on (the configured one, or the free one picked for port 0). */
    public int port() {
        return ((ServerConnector) jetty.getConnectors()[0]).getLocalPort();
    }

    /** {@code http://host:port} without a trailing slash. */
    public String baseUrl() {
        String host = config.bindHost();
        if (host.equals("0.0.0.0") || host.equals("::")) host = "localhost";
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port();
    }

    public Users users() {
        return users;
    }

    public Audit audit() {
        return audit;
    }

    public Database database() {
        return db;
    }

    public TaskStore store() {
        return store;
    }

    /** Alert messages stored by this process so far (re-deliveries not counted). */
    public long alertsIngested() {
        return ingest == null ? 0 : ingest.ingested();
    }

    /** triage-events records sent by this process so far. */
    public long triageEventsSent() {
        return publisher.sent();
    }

    /** Stops the ingest, the HTTP server and the publisher (pending triage events stay in the outbox), then the pool. */
    @Override
    public void close() throws Exception {
        try (AutoCloseable pool = db; AutoCloseable pub = publisher; AutoCloseable events = hub) {
            if (ingest != null) ingest.close();
            if (metrics != null) metrics.close();
            if (jetty.isStarted()) jetty.stop();
        }
    }
}
