package org.dirpg.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.dirpg.train.ProgressSink;

/**
 * The progress of a long command. On a terminal it is a progress bar; on a pipe or log file (no console), where a
 * bar would flood the log, it is one line on stderr at a steady interval and one at the end:
 * <pre>progress deepsea: updates 1,200,000/3,200,000 (37.5%), interactions 24,000,000, recent mean return -0.0123,
 * 31,000 updates/s, elapsed 38 s, ETA 1 min 04 s</pre>
 * (one line in the output). The interval is 10 s, or the seconds in the system property {@code dirpg.progress.seconds}.
 * The total is counted either in updates or, where updates vary in cost (DirPG on the bandit), in interactions.
 *
 * <p>Use: {@code try (Progress p = Progress.start("name", total, Basis.UPDATES)) { ... p.add(metrics); ... }}.
 * Thread-safe.
 */
public final class Progress implements ProgressSink, AutoCloseable {
    /** What the total counts. */
    public enum Basis { UPDATES, INTERACTIONS }

    private static final long EXTRA_MESSAGE_NANOS = 500_000_000L;

    private final String name;
    private final long total;
    private final Basis basis;
    private final long startNanos = System.nanoTime();
    private final ProgressBar bar;
    private final PrintStream out;
    private final ScheduledExecutorService ticker;
    private long updates;
    private long interactions;
    private double recentSum;
    private long recentCount;
    private long lastMessageNanos;
    private boolean closed;

    private Progress(String name, long total, Basis basis, ProgressBar bar, PrintStream out, double intervalSeconds) {
        if (total < 1) {
            throw new IllegalArgumentException("progress total must be at least 1, got " + total);
        }
        this.name = name;
        this.total = total;
        this.basis = basis;
        this.bar = bar;
        this.out = out;
        if (out != null) {
            long millis = Math.max(1, Math.round(intervalSeconds * 1000));
            ticker = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "progress-" + name);
                t.setDaemon(true);
                return t;
            });
            ticker.scheduleAtFixedRate(this::printLine, millis, millis, TimeUnit.MILLISECONDS);
        } else {
            ticker = null;
        }
    }

    /** A bar on a terminal, lines on the current {@code System.err} otherwise. */
    public static Progress start(String name, long total, Basis basis) {
        if (System.console() != null) {
            ProgressBar bar = new ProgressBarBuilder().setTaskName(name).setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
                    .setUpdateIntervalMillis(500).continuousUpdate().showSpeed().build();
            return new Progress(name, total, basis, bar, null, 0);
        }
        return lines(name, total, basis, System.err, intervalSeconds());
    }

    /** Lines on {@code out} every {@code intervalSeconds}, and one at {@link #close()}. */
    static Progress lines(String name, long total, Basis basis, PrintStream out, double intervalSeconds) {
        if (!(intervalSeconds > 0) || Double.isInfinite(intervalSeconds)) {
            throw new IllegalArgumentException("dirpg.progress.seconds: must be a positive number, got " + intervalSeconds);
        }
        return new Progress(name, total, basis, null, out, intervalSeconds);
    }

    private static double intervalSeconds() {
        String s = System.getProperty("dirpg.progress.seconds", "10");
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("dirpg.progress.seconds: must be a number, got '" + s + "'");
        }
    }

    @Override
    public synchronized void add(long moreUpdates, long moreInteractions, double returnSum) {
        updates += moreUpdates;
        interactions += moreInteractions;
        if (Double.isFinite(returnSum)) {
            recentSum += returnSum;
            recentCount += moreUpdates;
        }
        if (bar != null) {
            bar.stepTo(Math.min(total, done()));
            long now = System.nanoTime();
            if (now - lastMessageNanos > EXTRA_MESSAGE_NANOS) {
                lastMessageNanos = now;
                bar.setExtraMessage(String.format(Locale.ROOT, "interactions %,d, return %s", interactions, recentReturn()));
            }
        }
    }

    private long done() {
        return basis == Basis.UPDATES ? updates : interactions;
    }

    /** The mean return since the last line, and starts a new window. */
    private String recentReturn() {
        String s = recentCount == 0 ? "n/a" : String.format(Locale.ROOT, "%.4f", recentSum / recentCount);
        recentSum = 0;
        recentCount = 0;
        return s;
    }

    /** The line a pipe sees (package-private for tests). */
    synchronized String line(boolean finished) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        long done = done();
        double rate = seconds > 0 ? done / seconds : 0;
        String unit = basis == Basis.UPDATES ? "updates" : "interactions";
        String counted = String.format(Locale.ROOT, "%,d/%,d (%.1f%%)", done, total, 100.0 * done / total);
        String u = basis == Basis.UPDATES ? counted : String.format(Locale.ROOT, "%,d", updates);
        String i = basis == Basis.INTERACTIONS ? counted : String.format(Locale.ROOT, "%,d", interactions);
        String eta = finished ? "done" : rate > 0 ? "ETA " + duration(Math.max(0, total - done) / rate) : "ETA n/a";
        return String.format(Locale.ROOT, "progress %s: updates %s, interactions %s, recent mean return %s, %,.0f %s/s, elapsed %s, %s",
                name, u, i, recentReturn(), rate, unit, duration(seconds), eta);
    }

    private synchronized void printLine() {
        if (!closed) {
            out.println(line(false));
        }
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%d h %02d min", s / 3600, (s % 3600) / 60);
    }

    @Override
    public void close() {
        if (ticker != null) {
            ticker.shutdownNow();
        }
        synchronized (this) {
            if (closed) {
                return;
            }
            if (bar != null) {
                bar.close();
            } else {
                out.println(line(true));
            }
            closed = true;
        }
    }
}
