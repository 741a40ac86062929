package org.wardstream.triage.store;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Every log event of the service (the root logger and {@code org.wardstream.triage}) while open, as
 * "logger: message", for tests that assert what a record can and cannot write into the log.
 */
public final class LogCapture implements AutoCloseable {
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
        ctx.getConfiguration().getRootLogger().addAppender(appender, null, null);
        ctx.getConfiguration().getLoggerConfig("org.wardstream.triage").addAppender(appender, null, null);
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
        ctx.getConfiguration().getLoggerConfig("org.wardstream.triage").removeAppender(name);
        ctx.updateLoggers();
    }
}
