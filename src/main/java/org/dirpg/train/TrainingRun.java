package org.dirpg.train;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs a trainer for a number of updates, handing every update's metrics to a listener (CSV/JSONL writer, progress
 * bar, gRPC stream) and summarising the run.
 */
public final class TrainingRun {
    private TrainingRun() {
    }

    /** Performs {@code updates} updates; the listener sees each one's metrics in order. */
    public static RunSummary run(Trainer trainer, long updates, Consumer<UpdateMetrics> listener) {
        if (updates < 1) {
            throw new IllegalArgumentException("updates must be at least 1, got " + updates);
        }
        long start = System.nanoTime();
        List<Double> returns = new ArrayList<>();
        long interactions = 0;
        for (long u = 0; u < updates; u++) {
            UpdateMetrics m = trainer.update();
            returns.add(m.updateReturn());
            interactions = m.interactions();
            listener.accept(m);
        }
        int tenth = Math.max(1, returns.size() / 10);
        return new RunSummary(trainer.name(), updates, interactions, mean(returns.subList(0, tenth)),
                mean(returns.subList(returns.size() - tenth, returns.size())), (System.nanoTime() - start) / 1e9);
    }

    static double mean(List<Double> xs) {
        double s = 0;
        for (double x : xs) {
            s += x;
        }
        return s / xs.size();
    }
}
