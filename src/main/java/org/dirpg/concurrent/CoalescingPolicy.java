package org.dirpg.concurrent;

import java.util.List;
import org.dirpg.env.State;
import org.dirpg.policy.Policy;
import org.dirpg.policy.WeightedStep;

/**
 * A policy shared by several search threads: their single-state {@link #logProbabilities(State, double[])} calls are
 * coalesced into batched calls of the wrapped policy on one dispatcher thread, so a network evaluates one batch instead
 * of K single states. {@link #addGradient}, {@link #parameters} and {@link #setParameters} go straight to the wrapped
 * policy and must not overlap evaluations (the DirPG trainer calls them between searches).
 */
public final class CoalescingPolicy implements Policy, AutoCloseable {
    private final Policy inner;
    private final Coalescer<State, double[]> evaluations;

    public CoalescingPolicy(Policy inner, int maxBatch) {
        this.inner = inner;
        this.evaluations = new Coalescer<>("dirpg-policy-coalescer", this::evaluateAll, maxBatch);
    }

    private List<double[]> evaluateAll(List<State> states) {
        double[][] out = new double[states.size()][inner.numActions()];
        inner.logProbabilities(states, out);
        return List.of(out);
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
        double[] row = evaluations.call(state);
        System.arraycopy(row, 0, out, 0, row.length);
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
