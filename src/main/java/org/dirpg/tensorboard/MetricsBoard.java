package org.dirpg.tensorboard;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.dirpg.train.UpdateMetrics;

/**
 * A run's update metrics as TensorBoard scalars, at step = the update's index (from 0, as in metrics.csv), under
 * {@code <prefix>/}: {@code return}, {@code dir_return}, {@code d_opt}, {@code d_dir}, {@code candidates},
 * {@code search_interactions}, {@code first_improvement}, {@code gradient_norm} and {@code interactions} (cumulative)
 * as the metrics.csv columns of the same names, only the ones the trainer measured (absent values are not written);
 * and {@code interactions_per_second}, the interactions of the updates since the last such value over the wall time
 * they took, written at the first update at least a second after the last one.
 */
public final class MetricsBoard implements Consumer<UpdateMetrics>, AutoCloseable {
    private static final long RATE_NANOS = 1_000_000_000L;

    private final EventFileWriter events;
    private final String prefix;
    private long windowStartNanos = System.nanoTime();
    private long windowInteractions;

    /** Writes to {@code events} under the tag prefix {@code prefix} (e.g. "train"). */
    public MetricsBoard(EventFileWriter events, String prefix) {
        this.events = events;
        this.prefix = prefix + "/";
    }

    /** A board in a new event file in {@code directory}. */
    public static MetricsBoard in(Path directory, String prefix) {
        return new MetricsBoard(EventFileWriter.create(directory), prefix);
    }

    /** The event file. */
    public EventFileWriter events() {
        return events;
    }

    @Override
    public synchronized void accept(UpdateMetrics m) {
        Map<String, Double> v = new LinkedHashMap<>();
        v.put(prefix + "return", m.updateReturn());
        v.put(prefix + "dir_return", m.dirReturn());
        v.put(prefix + "d_opt", m.dOpt());
        v.put(prefix + "d_dir", m.dDir());
        if (m.candidates() >= 0) {
            v.put(prefix + "candidates", (double) m.candidates());
        }
        v.put(prefix + "search_interactions", (double) m.searchInteractions());
        if (m.firstImprovement() >= 0) {
            v.put(prefix + "first_improvement", (double) m.firstImprovement());
        }
        v.put(prefix + "gradient_norm", m.gradientNorm());
        v.put(prefix + "interactions", (double) m.interactions());
        windowInteractions += m.searchInteractions();
        long now = System.nanoTime();
        if (now - windowStartNanos >= RATE_NANOS) {
            v.put(prefix + "interactions_per_second", windowInteractions / ((now - windowStartNanos) / 1e9));
            windowStartNanos = now;
            windowInteractions = 0;
        }
        events.scalars(m.update(), v);
    }

    /** Other values of the run at {@code step}, by their full tags (e.g. held-out evaluations as eval/*). */
    public void scalars(long step, Map<String, Double> values) {
        events.scalars(step, values);
    }

    @Override
    public void close() {
        events.close();
    }
}
