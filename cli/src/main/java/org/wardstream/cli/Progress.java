package org.wardstream.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.time.temporal.ChronoUnit;

import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The progress of one phase of a run (me.tongfei:progressbar): on a terminal one live line with the phase,
 * percentage, count, rate, elapsed time and ETA; otherwise (a log file, CI, a test) the same line printed every
 * {@link #PLAIN_INTERVAL}, never carriage returns.
 */
final class Progress implements AutoCloseable {
    static final Duration PLAIN_INTERVAL = Duration.ofSeconds(10);

    private final ProgressBar bar;

    private Progress(ProgressBar bar) {
        this.bar = bar;
    }

    /** Whether a person watches: standard error is not redirected (the JVM has a console). */
    static boolean terminal() {
        return System.console() != null;
    }

    /** A phase counting {@code unit}s towards {@code expected} (an estimate; see {@link #expect}). */
    static Progress start(String phase, long expected, String unit, PrintStream err) {
        ProgressBarBuilder b = ProgressBar.builder().setTaskName(phase).setInitialMax(expected)
                .setUnit(" " + unit, 1).showSpeed().setSpeedUnit(ChronoUnit.SECONDS);
        if (terminal()) {
            b.setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK).setUpdateIntervalMillis(500);
        } else {
            b.setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis((int) PLAIN_INTERVAL.toMillis())
                    .setConsumer(new DelegatingProgressBarConsumer(line -> err.println("  " + line.strip()), 110));
        }
        return new Progress(b.build());
    }

    void update(long done) {
        bar.stepTo(done);
    }

    /** The expected total, once known exactly. */
    void expect(long total) {
        bar.maxHint(total);
    }

    @Override
    public void close() {
        bar.close();
    }
}
