package org.wardstream.triage.store;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.wardstream.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A database server that stops answering without closing the connection (its host frozen, a failover behind the same
 * address, a firewall dropping the connection's state): a statement waiting for its answer fails after the pool's socket
 * timeout as a passing failure ({@link Database#transientFailure}), which the alert ingest retries on a new connection.
 * Before, with no socket timeout, it waited for ever and the ingest with it (probe 19b D4: still waiting after 2 min).
 *
 * <p>Real parts: the embedded PostgreSQL behind a TCP relay in this test; "frozen" relays nothing more on the
 * connections open at that moment (bytes are held, sockets stay open), while connections opened after it work (the new
 * primary).
 */
class DatabaseSilentServerTest {
    static EmbeddedPostgres pg;
    static Relay relay;

    @BeforeAll
    static void start() throws Exception {
        pg = EmbeddedPostgres.start();
        URI u = URI.create(pg.jdbcUrl().substring("jdbc:".length()));
        relay = new Relay(u.getPort());
    }

    @AfterAll
    static void stop() throws Exception {
        relay.close();
        pg.close();
    }

    /** A TCP relay to PostgreSQL whose open connections can be frozen. */
    static final class Relay implements AutoCloseable {
        final ServerSocket server;
        final List<Socket[]> open = new CopyOnWriteArrayList<>();
        final List<Socket[]> frozen = new CopyOnWriteArrayList<>();

        Relay(int pgPort) throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread accept = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket client = server.accept();
                        Socket db = new Socket(InetAddress.getLoopbackAddress(), pgPort);
                        Socket[] pair = {client, db};
                        open.add(pair);
                        pump(pair, client, db);
                        pump(pair, db, client);
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "relay-accept");
            accept.setDaemon(true);
            accept.start();
        }

        private void pump(Socket[] pair, Socket from, Socket to) {
            Thread t = new Thread(() -> {
                byte[] buf = new byte[8192];
                try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                    for (int n; (n = in.read(buf)) >= 0; ) {
                        synchronized (pair) {
                            while (frozen.contains(pair)) pair.wait(); // hold the bytes: the peer hears nothing
                        }
                        out.write(buf, 0, n);
                        out.flush();
                    }
                } catch (IOException | InterruptedException e) {
                    // the connection ended
                }
            }, "relay-pump");
            t.setDaemon(true);
            t.start();
        }

        void freezeOpenConnections() {
            frozen.addAll(open);
        }

        String jdbcUrl() {
            return "jdbc:postgresql://127.0.0.1:" + server.getLocalPort() + "/postgres";
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket[] p : open) {
                p[0].close();
                p[1].close();
            }
        }
    }

    private static boolean sleepRunning() throws Exception {
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), null);
             PreparedStatement ps = c.prepareStatement(
                     "select count(*) from pg_stat_activity where state = 'active' and query like 'select pg_sleep(3)%'");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1) > 0;
        }
    }

    @Test
    void thePoolHasASocketTimeoutUnlessTheUrlSetsOne() {
        try (Database db = Database.open(pg.jdbcUrl(), pg.user(), null, 1)) {
            assertThat(((com.zaxxer.hikari.HikariDataSource) db.dataSource()).getDataSourceProperties())
                    .containsEntry("socketTimeout", Long.toString(Database.SOCKET_TIMEOUT.toSeconds()))
                    .containsEntry("tcpKeepAlive", "true");
        }
        try (Database db = Database.open(pg.jdbcUrl() + "?socketTimeout=300", pg.user(), null, 1)) {
            assertThat(((com.zaxxer.hikari.HikariDataSource) db.dataSource()).getDataSourceProperties())
                    .doesNotContainKey("socketTimeout");
        }
    }

    @Test
    void aTransactionWhoseServerStopsAnsweringFailsSoItsCallerCanRetry() throws Exception {
        try (Database db = Database.open(relay.jdbcUrl(), pg.user(), null, 2, java.time.Duration.ofSeconds(3))) {
            CompletableFuture<Object> tx = CompletableFuture.supplyAsync(() -> db.tx(c -> {
                try (PreparedStatement ps = c.prepareStatement("select pg_sleep(3)")) {
                    ps.execute();
                }
                return "answered";
            }));
            while (!sleepRunning()) Thread.onSpinWait(); // the statement is with the server
            relay.freezeOpenConnections(); // its answer will never come (host frozen; a new primary takes new connections)

            Object outcome;
            try {
                outcome = tx.get(2, TimeUnit.MINUTES);
            } catch (ExecutionException e) {
                outcome = e.getCause();
            } catch (TimeoutException e) {
                outcome = "still waiting after 2 min";
            }
            assertThat(outcome).as("the transaction on a connection whose server stopped answering")
                    .isInstanceOf(RuntimeException.class)
                    .matches(e -> Database.transientFailure((Throwable) e), "a passing failure the ingest retries");
            int next = db.tx(c -> {
                try (PreparedStatement ps = c.prepareStatement("select 1"); ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            });
            assertThat(next).as("the next transaction, on a new connection").isEqualTo(1);
        }
    }
}
