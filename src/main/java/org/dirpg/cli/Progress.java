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
 * The total is counted either in the work's items (updates, episodes, figures...) or, where updates vary in cost
 * (DirPG on the bandit), in interactions.
 *
 * <p>Every figure in a line is measured: interactions appear only for work that reports them, the recent mean
 * return only when the window since the last line saw a finite return. The last line ends with {@code done} only
 * when the work called {@link #done()}; a run that failed (closed without it) ends with {@code failed}.
 *
 * <p>Use: {@code try (Progress p = Progress.start("name", total, Basis.UPDATES)) { ... p.add(metrics); ...
 * p.done(); }}. Thread-safe.
 */
public final class Progress implements ProgressSink, AutoCloseable {
    /** What the total counts: the items of the work, or the interactions they spend. */
    public enum Basis { UPDATES, INTERACTIONS }

    private static final long EXTRA_MESSAGE_NANOS = 500_000_000L;

    private final String name;
    private final long total;
    private final Basis basis;
    private final String unit;
    private final boolean showsInteractions;
    private final long startNanos = System.nanoTime();
    private final ProgressBar bar;
    private final PrintStream out;
    private final ScheduledExecutorService ticker;
    private long updates;
    private long interactions;
    private double recentSum;
    private long recentCount;
    private long lastMessageNanos;
    private boolean succeeded;
    private boolean closed;

    private Progress(String name, long total, Basis basis, String unit, boolean showsInteractions, ProgressBar bar,
                     PrintStream out, double intervalSeconds) {
        if (total < 1) {
            throw new IllegalArgumentException("progress total must be at least 1, got " + total);
        }
        this.name = name;
        this.total = total;
        this.basis = basis;
        this.unit = unit;
        this.showsInteractions = showsInteractions || basis == Basis.INTERACTIONS;
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

    /** Progress of training-like work: updates (or interactions) with their interactions and returns. */
    public static Progress start(String name, long total, Basis basis) {
        return start(name, total, basis, "updates", true);
    }

    /**
     * Progress of {@code total} items named {@code unit} (episodes, epsilons, figures); {@code interactions} says
     * whether the work reports the environment interactions it spends.
     */
    public static Progress start(String name, long total, String unit, boolean interactions) {
        return start(name, total, Basis.UPDATES, unit, interactions);
    }

    private static Progress start(String name, long total, Basis basis, String unit, boolean interactions) {
        if (System.console() != null) {
            ProgressBar bar = new ProgressBarBuilder().setTaskName(name).setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
                    .setUpdateIntervalMillis(500).continuousUpdate().showSpeed().build();
            return new Progress(name, total, basis, unit, interactions, bar, null, 0);
        }
        return lines(name, total, basis, unit, interactions, System.err, intervalSeconds());
    }

    /** No bar and no lines ({@code --no-progress}); counts are still kept. */
    public static Progress off() {
        return new Progress("off", 1, Basis.UPDATES, "updates", false, null, null, 0);
    }

    /** Lines on {@code out} every {@code intervalSeconds}, and one at {@link #close()}. */
    static Progress lines(String name, long total, Basis basis, PrintStream out, double intervalSeconds) {
        return lines(name, total, basis, "updates", true, out, intervalSeconds);
    }

    /** Lines of {@code unit} items on {@code out} every {@code intervalSeconds}, and one at {@link #close()}. */
    static Progress lines(String name, long total, Basis basis, String unit, boolean interactions, PrintStream out,
                          double intervalSeconds) {
        if (!(intervalSeconds > 0) || Double.isInfinite(intervalSeconds)) {
            throw new IllegalArgumentException("dirpg.progress.seconds: must be a positive number, got " + intervalSeconds);
        }
        return new Progress(name, total, basis, unit, interactions, null, out, intervalSeconds);
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
            bar.stepTo(Math.min(total, count()));
            long now = System.nanoTime();
            if (now - lastMessageNanos > EXTRA_MESSAGE_NANOS) {
                lastMessageNanos = now;
                bar.setExtraMessage(join(interactionsFigure(String.format(Locale.ROOT, "%,d", interactions)),
                        recentReturn("return ")));
            }
        }
    }

    /** The non-empty figures, comma-separated. */
    private static String join(String... figures) {
        return String.join(", ", java.util.Arrays.stream(figures).filter(f -> !f.isEmpty()).toList());
    }

    /** Marks the work as finished: the last line says {@code done}. */
    public synchronized void done() {
        succeeded = true;
    }

    private long count() {
        return basis == Basis.UPDATES ? updates : interactions;
    }

    private String interactionsFigure(String value) {
        return showsInteractions ? "interactions " + value : "";
    }

    /** "label mean" of the returns since the last line ("" when there were none), and starts a new window. */
    private String recentReturn(String label) {
        String s = recentCount == 0 ? "" : String.format(Locale.ROOT, "%s%.4f", label, recentSum / recentCount);
        recentSum = 0;
        recentCount = 0;
        return s;
    }

    /** The line a pipe sees (package-private for tests); {@code last} for the line at close. */
    synchronized String line(boolean last) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        long done = count();
        double rate = seconds > 0 ? done / seconds : 0;
        String rateUnit = basis == Basis.UPDATES ? unit : "interactions";
        String counted = String.format(Locale.ROOT, "%,d/%,d (%.1f%%)", done, total, 100.0 * done / total);
        StringBuilder b = new StringBuilder("progress ").append(name).append(": ").append(unit).append(' ')
                .append(basis == Basis.UPDATES ? counted : String.format(Locale.ROOT, "%,d", updates));
        String figures = join(interactionsFigure(basis == Basis.INTERACTIONS ? counted
                : String.format(Locale.ROOT, "%,d", interactions)), recentReturn("recent mean return "));
        if (!figures.isEmpty()) {
            b.append(", ").append(figures);
        }
        String end = last ? (succeeded ? "done" : "failed")
                : rate > 0 ? "ETA " + duration(Math.max(0, total - done) / rate) : "";
        b.append(", ").append(rate(rate)).append(' ').append(rateUnit).append("/s, elapsed ").append(duration(seconds));
        if (!end.isEmpty()) {
            b.append(", ").append(end);
        }
        return b.toString();
    }

    private synchronized void printLine() {
        if (!closed) {
            out.println(line(false));
        }
    }

    /** A rate with the digits it needs: 31,000 or 12.5 or 0.46 (slow items, e.g. curves, are not rounded to 0). */
    static String rate(double perSecond) {
        return String.format(Locale.ROOT, perSecond >= 100 ? "%,.0f" : perSecond >= 1 ? "%.1f" : "%.2f", perSecond);
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
            } else if (out != null) {
                out.println(line(true));
            }
            closed = true;
        }
    }
}
