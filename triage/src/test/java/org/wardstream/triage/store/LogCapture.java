package org.wardstream.triage.store;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Every log event of the service (the root logger and {@code org.wardstream.triage}) while open, as
 * "logger: message", for tests that assert what a record can and cannot write into the log. Each event once: the
 * appender is on the root logger, which an event of {@code org.wardstream.triage} reaches too while that logger is
 * additive (the test configuration's); only a non-additive {@code org.wardstream.triage} gets the appender as well.
 * (Until session 20 it was on both, so each event of the service was recorded twice.)
 */
public final class LogCapture implements AutoCloseable {
    private static final String SERVICE = "org.wardstream.triage";
    private final String name;
    private final List<String> events = new CopyOnWriteArrayList<>();

    private LogCapture(String name) {
        this.name = name;
    }

    public static LogCapture start(String name) {
        LogCapture capture = new LogCapture(name);
        AbstractAppender appender = new AbstractAppender(name, null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                capture.events.add(event.getLoggerName() + ": " + event.getMessage().getFormattedMessage());
            }
        };
        appender.start();
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        LoggerConfig root = ctx.getConfiguration().getRootLogger();
        root.addAppender(appender, null, null);
        LoggerConfig service = ctx.getConfiguration().getLoggerConfig(SERVICE);
        if (service != root && !service.isAdditive()) service.addAppender(appender, null, null);
        ctx.updateLoggers();
        return capture;
    }

    /** The events so far (a live view). */
    public List<String> events() {
        return events;
    }

    @Override
    public void close() {
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        ctx.getConfiguration().getRootLogger().removeAppender(name);
        ctx.getConfiguration().getLoggerConfig(SERVICE).removeAppender(name);
        ctx.updateLoggers();
    }
}
