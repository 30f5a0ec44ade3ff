package org.dirpg.concurrent;

import java.util.List;
import org.dirpg.env.State;
import org.dirpg.policy.Policy;
import org.dirpg.policy.WeightedStep;

/**
 * A policy shared by several search threads: their single-state and batched {@code logProbabilities} calls are
 * coalesced into batched calls of the wrapped policy on one dispatcher thread, so a network evaluates one batch instead
 * of K single states. {@link #addGradient}, {@link #parameters} and {@link #setParameters} go straight to the wrapped
 * policy and must not overlap evaluations (the DirPG trainer calls them between searches).
 */
public final class CoalescingPolicy implements Policy, AutoCloseable {
    private final Policy inner;
    private final Coalescer<List<State>, double[][]> evaluations;

    public CoalescingPolicy(Policy inner, int maxBatch) {
        this.inner = inner;
        this.evaluations = new Coalescer<>("dirpg-policy-coalescer", this::evaluateAll, maxBatch);
    }

    private List<double[][]> evaluateAll(List<List<State>> requests) {
        List<State> all = new java.util.ArrayList<>();
        for (List<State> r : requests) {
            all.addAll(r);
        }
        double[][] rows = new double[all.size()][inner.numActions()];
        inner.logProbabilities(all, rows);
        List<double[][]> out = new java.util.ArrayList<>(requests.size());
        int k = 0;
        for (List<State> r : requests) {
            out.add(java.util.Arrays.copyOfRange(rows, k, k + r.size()));
            k += r.size();
        }
        return out;
    }

    @Override
    public int numActions() {
        return inner.numActions();
    }

    @Override
    public int numParameters() {
        return inner.numParameters();
    }

    @Override
    public void logProbabilities(State state, double[] out) {
        double[] row = evaluations.call(List.of(state))[0];
        System.arraycopy(row, 0, out, 0, row.length);
    }

    @Override
    public void logProbabilities(List<State> states, double[][] out) {
        double[][] rows = evaluations.call(List.copyOf(states));
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, out[i], 0, rows[i].length);
        }
    }

    @Override
    public void addGradient(List<WeightedStep> steps, double[] gradient) {
        inner.addGradient(steps, gradient);
    }

    @Override
    public double[] parameters() {
        return inner.parameters();
    }

    @Override
    public void setParameters(double[] theta) {
        inner.setParameters(theta);
    }

    /** The mean number of states per batched evaluation so far. */
    public double meanBatchSize() {
        return evaluations.meanBatchSize();
    }

    @Override
    public void close() {
        evaluations.close();
    }
}
