package org.dirpg.policy;

import java.util.List;
import org.dirpg.env.State;

/**
 * A policy shared by several threads: every call holds one lock, so searches running concurrently (each waiting on
 * its own environment round trips) can evaluate a policy that is not thread-safe itself, such as a DL4J network.
 */
public final class SynchronizedPolicy implements Policy {
    private final Policy inner;

    public SynchronizedPolicy(Policy inner) {
        this.inner = inner;
    }

    /** The wrapped policy. */
    public Policy inner() {
        return inner;
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
    public synchronized void logProbabilities(State state, double[] out) {
        inner.logProbabilities(state, out);
    }

    @Override
    public synchronized void logProbabilities(List<State> states, double[][] out) {
        inner.logProbabilities(states, out);
    }

    @Override
    public synchronized void addGradient(List<WeightedStep> steps, double[] gradient) {
        inner.addGradient(steps, gradient);
    }

    @Override
    public synchronized double[] parameters() {
        return inner.parameters();
    }

    @Override
    public synchronized void setParameters(double[] theta) {
        inner.setParameters(theta);
    }
}
