package org.cbd4j.train;

import java.time.Duration;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress with ETA for a long loop. On a terminal it is a live bar on stderr (stdout stays for
 * results); elsewhere (CI, redirected output, a listener that is not a terminal) it sends one line
 * at most every 10 % to {@link Messages}, so logs stay readable and a silent listener hears nothing.
 */
public final class Progress implements AutoCloseable {

    private final ProgressBar bar;
    private final String task;
    private final long total;
    private final long start = System.nanoTime();
    private long done;
    private int lastDecile;
    private String extra = "";

    /** Starts a progress display for {@code total} steps. */
    public Progress(String task, long total) {
        this.task = task;
        this.total = total;
        boolean quiet = Boolean.getBoolean("cbd4j.quiet");
        if (System.console() != null && Messages.terminal() && !quiet) {
            bar = new ProgressBarBuilder()
                    .setTaskName(task)
                    .setInitialMax(total)
                    .setStyle(ProgressBarStyle.ASCII)
                    .setConsumer(new ConsoleProgressBarConsumer(System.err))
                    .setUpdateIntervalMillis(500)
                    .showSpeed()
                    .build();
        } else {
            bar = null;
            lastDecile = quiet ? Integer.MAX_VALUE : 0;
        }
    }

    /** Advances by {@code n} steps and shows {@code message} next to the bar. */
    public void step(long n, String message) {
        done += n;
        extra = message;
        if (bar != null) {
            bar.stepBy(n);
            bar.setExtraMessage(" " + message);
            return;
        }
        int decile = (int) (10 * done / Math.max(1, total));
        if (decile > lastDecile && decile < 10) {
            lastDecile = decile;
            double secs = (System.nanoTime() - start) / 1e9;
            long eta = (long) (secs / done * (total - done));
            Messages.sayf("%s %d%% (%d/%d) %s ETA %s", task, decile * 10, done, total, message, fmt(eta));
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }

    static String fmt(long seconds) {
        Duration d = Duration.ofSeconds(seconds);
        return String.format("%d:%02d", d.toMinutes(), d.toSecondsPart());
    }
}
