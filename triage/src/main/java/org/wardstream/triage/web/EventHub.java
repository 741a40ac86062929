package org.wardstream.triage.web;

import jakarta.servlet.AsyncContext;
import org.wardstream.triage.TriageUser;
import org.wardstream.triage.store.TaskStore;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Server-sent events: each open {@code /api/events} stream gets the Task changes its user may see. */
public final class EventHub implements AutoCloseable {
    private final Map<AsyncContext, TriageUser> streams = new ConcurrentHashMap<>();
    private final ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "triage-sse");
        t.setDaemon(true);
        return t;
    });

    public EventHub() {
        heartbeat.scheduleAtFixedRate(() -> streams.keySet().forEach(a -> write(a, ": keep-alive\n\n")), 20, 20,
                TimeUnit.SECONDS);
    }

    void add(AsyncContext stream, TriageUser user) {
        streams.put(stream, user);
        write(stream, "retry: 5000\n: connected\n\n");
    }

    /** Sends one Task change to every stream whose user may see it (on the hub's thread: callers never wait). */
    public void publish(TaskStore.TaskChange c) {
        heartbeat.execute(() -> send(c));
    }

    private void send(TaskStore.TaskChange c) {
        String data = "{\"id\":\"" + c.id() + "\",\"version\":" + c.version() + ",\"status\":\"" + c.status()
                + "\",\"priority\":" + quote(c.priority()) + ",\"programme\":" + quote(c.programme()) + ",\"flagged\":"
                + c.flagged() + ",\"lastUpdated\":\"" + c.lastUpdated() + "\"}";
        String event = "event: task\nid: " + c.id() + "/" + c.version() + "\ndata: " + data + "\n\n";
        streams.forEach((stream, user) -> {
            if (user.canSee(c.programme())) write(stream, event);
        });
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
                streams.remove(stream);
                try {
                    stream.complete();
                } catch (IllegalStateException ignored) {
                    // already completed
                }
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
