package org.wardstream.triage.web;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wardstream.triage.TriageUser;
import org.wardstream.triage.store.TaskStore;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Server-sent events: each open {@code /api/events} stream gets the Task changes its user may see <em>now</em>.
 *
 * <p>A stream remembers who opened it (the user name, and the login session when it was opened through one), not
 * the user's rights. Every event is checked against the user's current rights, read through {@code lookup}
 * ({@code Users::find}: enabled users only) and kept for at most {@link #RIGHTS_TTL}. A change made through this
 * process's {@code Users} ({@link #userChanged}) drops the kept rights at once; a change made by another process
 * (the {@code triage users} command on the same database) is seen within {@link #RIGHTS_TTL}. A stream is closed
 * when its user is disabled or no longer exists, or when the login session it was opened through ends (logout,
 * timeout: {@link #sessionDestroyed}); this is checked at each event, at each user change and every
 * {@link #RIGHTS_TTL}; a session idle past its timeout ({@link SessionIdle}: the stream is not activity) is ended then
 * too. A user whose programmes changed keeps the stream and gets the new programmes' events only.
 *
 * <p>Everything but {@link #add} and the two notifications runs on the hub's one thread (callers never wait).
 */
public final class EventHub implements AutoCloseable, HttpSessionListener {
    /** How long a stream's user rights are kept before they are read again. */
    public static final Duration RIGHTS_TTL = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(EventHub.class);

    /** Who opened a stream: the user name, and the login session it came through (null: a header) and its id. */
    private record Subscriber(String username, HttpSession session, String sessionId) {
        /** Whether the login session (if any) is still valid and still this user's. */
        boolean sessionLive() {
            if (session == null) return true;
            try {
                return username.equals(session.getAttribute(AuthFilter.SESSION_USER));
            } catch (IllegalStateException invalidated) {
                return false;
            }
        }
    }

    /** A user's rights as read ({@code user} empty: disabled or gone), for a generation of the user changes. */
    private record Rights(Optional<TriageUser> user, long generation, long readAtNanos) {
    }

    private final Function<String, Optional<TriageUser>> lookup;
    private final Map<AsyncContext, Subscriber> streams = new ConcurrentHashMap<>();
    private final Map<String, Rights> rights = new ConcurrentHashMap<>();
    /** Counts user changes: rights read before the latest change are read again. */
    private final AtomicLong generation = new AtomicLong();
    private final ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "triage-sse");
        t.setDaemon(true);
        return t;
    });

    /** @param lookup the enabled user of a name, with its current role and programmes ({@code Users::find}) */
    public EventHub(Function<String, Optional<TriageUser>> lookup) {
        this.lookup = lookup;
        heartbeat.scheduleAtFixedRate(() -> streams.keySet().forEach(a -> write(a, ": keep-alive\n\n")), 20, 20,
                TimeUnit.SECONDS);
        long ttl = RIGHTS_TTL.toMillis();
        heartbeat.scheduleWithFixedDelay(this::revalidate, ttl, ttl, TimeUnit.MILLISECONDS);
    }

    /**
     * A new stream of a user {@link AuthFilter} let in. The stream is bound to the login session only when that is
     * what authenticated it (no {@code Authorization} header: the filter's rule).
     */
    void add(AsyncContext stream, TriageUser user) {
        HttpSession session = null;
        if (stream.getRequest() instanceof HttpServletRequest r && r.getHeader("Authorization") == null) {
            session = r.getSession(false);
        }
        streams.put(stream, new Subscriber(user.username(), session, session == null ? null : session.getId()));
        write(stream, "retry: 5000\n: connected\n\n");
        onHubThread(this::revalidate); // a change between the filter's look-up and now
    }

    /** Sends one Task change to every stream whose user may see it (on the hub's thread: callers never wait). */
    public void publish(TaskStore.TaskChange c) {
        onHubThread(() -> send(c));
    }

    /**
     * A user's role, programmes or password changed, or the user was disabled (after the commit): every stream is
     * checked again with freshly read rights (the streams of a disabled user are closed).
     */
    public void userChanged(String username) {
        generation.incrementAndGet();
        onHubThread(this::revalidate);
    }

    /** A login session ended (logout or timeout): the streams opened through it are closed. */
    @Override
    public void sessionDestroyed(HttpSessionEvent event) {
        String id = event.getSession().getId();
        onHubThread(() -> streams.forEach((stream, s) -> {
            if (id.equals(s.sessionId())) end(stream);
        }));
    }

    private void send(TaskStore.TaskChange c) {
        String data = "{\"id\":\"" + c.id() + "\",\"version\":" + c.version() + ",\"status\":\"" + c.status()
                + "\",\"priority\":" + quote(c.priority()) + ",\"programme\":" + quote(c.programme()) + ",\"flagged\":"
                + c.flagged() + ",\"lastUpdated\":\"" + c.lastUpdated() + "\"}";
        String event = "event: task\nid: " + c.id() + "/" + c.version() + "\ndata: " + data + "\n\n";
        streams.forEach((stream, s) -> {
            Optional<TriageUser> user = s.sessionLive() ? current(s.username()) : Optional.empty();
            if (user.isEmpty()) {
                end(stream);
            } else if (user.get().canSee(c.programme())) {
                write(stream, event);
            }
        });
    }

    /**
     * Closes the streams whose user is disabled or gone, or whose login session ended; forgets the rights of users
     * without a stream.
     */
    private void revalidate() {
        try {
            streams.forEach((stream, s) -> {
                // a session idle past its timeout is ended here: an open stream alone never keeps it alive
                if ((s.session() != null && SessionIdle.endIfIdle(s.session())) || !s.sessionLive()
                        || current(s.username()).isEmpty()) {
                    end(stream);
                }
            });
            rights.keySet().removeIf(name -> streams.values().stream().noneMatch(s -> s.username().equals(name)));
        } catch (RuntimeException e) {
            LOG.warn("event streams: checking the users' rights failed: {}", e.toString()); // next round in RIGHTS_TTL
        }
    }

    /**
     * The user's current rights: kept ones when read after the latest user change and within {@link #RIGHTS_TTL},
     * else read again. A failed read counts as no rights (the stream is closed; the page reconnects and catches up).
     */
    private Optional<TriageUser> current(String username) {
        long gen = generation.get();
        long now = System.nanoTime();
        Rights kept = rights.get(username);
        if (kept != null && kept.generation() == gen && now - kept.readAtNanos() < RIGHTS_TTL.toNanos()) {
            return kept.user();
        }
        Optional<TriageUser> user;
        try {
            user = lookup.apply(username);
        } catch (RuntimeException e) {
            LOG.warn("event streams: could not read user '{}' ({}); closing its streams", username, e.toString());
            rights.remove(username);
            return Optional.empty();
        }
        rights.put(username, new Rights(user, gen, now));
        return user;
    }

    /** Runs the task on the hub's thread (nothing once the hub is closed: no stream is left then). */
    private void onHubThread(Runnable task) {
        try {
            heartbeat.execute(task);
        } catch (RejectedExecutionException closed) {
            // closed: every stream was completed
        }
    }

    private static String quote(String s) {
        return s == null ? "null" : "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private void write(AsyncContext stream, String text) {
        synchronized (stream) {
            try {
                var out = stream.getResponse().getOutputStream();
                out.write(text.getBytes(StandardCharsets.UTF_8));
                out.flush();
            } catch (IOException | IllegalStateException e) {
                end(stream);
            }
        }
    }

    /** Forgets the stream and ends its response (the client sees the end of the stream). */
    private void end(AsyncContext stream) {
        synchronized (stream) {
            if (streams.remove(stream) == null) return;
            try {
                stream.complete();
            } catch (IllegalStateException ignored) {
                // already completed
            }
        }
    }

    @Override
    public void close() {
        heartbeat.shutdownNow();
        streams.keySet().forEach(a -> {
            try {
                a.complete();
            } catch (IllegalStateException ignored) {
                // already completed
            }
        });
        streams.clear();
    }
}
