package org.dirpg.policy;

import java.util.List;
import java.util.SplittableRandom;
import org.dirpg.env.State;

/**
 * A linear softmax policy on plain arrays: {@code logits = W x + b}, {@code pi(a | s) = softmax(logits)} over the
 * legal actions of s only (App. C.2: a linear layer on the one-hot state for DeepSea). Zero features are skipped, so
 * a one-hot input costs O(numActions). theta is laid out as W row-major (numActions x featureSize) then b.
 *
 * <p>Gradient: {@code d log pi(a | s) / d logit_k = 1{k = a} - pi(k | s)} for legal k (0 for illegal k), so
 * {@code dW[k][j] = (1{k = a} - pi(k | s)) x_j} and {@code db[k] = 1{k = a} - pi(k | s)}; a state with one legal
 * action contributes nothing. Not thread-safe: it keeps one scratch row to avoid allocating per call.
 */
public final class LinearSoftmaxPolicy implements Policy {
    private final int featureSize;
    private final int numActions;
    private final double[] theta;
    private final double[] scratch;

    /** W entries drawn from N(0, initScale^2) with {@code seed}, b = 0. */
    public LinearSoftmaxPolicy(int featureSize, int numActions, double initScale, long seed) {
        if (featureSize < 1) {
            throw new IllegalArgumentException("featureSize must be >= 1, got " + featureSize);
        }
        if (numActions < 1 || numActions > 64) {
            throw new IllegalArgumentException("numActions must be in [1, 64], got " + numActions);
        }
        if (!(initScale >= 0) || Double.isInfinite(initScale)) {
            throw new IllegalArgumentException("initScale must be a finite number >= 0, got " + initScale);
        }
        this.featureSize = featureSize;
        this.numActions = numActions;
        this.theta = new double[numActions * featureSize + numActions];
        this.scratch = new double[numActions];
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = 0; i < numActions * featureSize; i++) {
            theta[i] = initScale * rng.nextGaussian();
        }
    }

    public int featureSize() {
        return featureSize;
    }

    @Override
    public int numActions() {
        return numActions;
    }

    @Override
    public int numParameters() {
        return theta.length;
    }

    @Override
    public void logProbabilities(State state, double[] out) {
        logProbabilities(state.features(), state.legalActions(), out);
    }

    /** {@link #logProbabilities(State, double[])} for a feature vector and legal mask. */
    public void logProbabilities(double[] x, long legal, double[] out) {
        if (x.length != featureSize) {
            throw new IllegalArgumentException("expected " + featureSize + " features, got " + x.length);
        }
        if (out.length < numActions) {
            throw new IllegalArgumentException("output has " + out.length + " entries for " + numActions + " actions");
        }
        long mask = legal & (numActions == 64 ? -1L : (1L << numActions) - 1);
        if (mask == 0) {
            throw new IllegalArgumentException("state has no legal action among the policy's " + numActions
                    + " (legal mask 0x" + Long.toHexString(legal) + "); terminal states have no policy");
        }
        if (Long.bitCount(mask) == 1) {
            int only = Long.numberOfTrailingZeros(mask);
            for (int a = 0; a < numActions; a++) {
                out[a] = a == only ? 0.0 : Double.NEGATIVE_INFINITY;
            }
            return;
        }
        int bias = numActions * featureSize;
        for (int a = 0; a < numActions; a++) {
            out[a] = theta[bias + a];
        }
        for (int j = 0; j < featureSize; j++) {
            double xj = x[j];
            if (xj != 0) {
                for (int a = 0; a < numActions; a++) {
                    out[a] += theta[a * featureSize + j] * xj;
                }
            }
        }
        double max = Double.NEGATIVE_INFINITY;
        for (int a = 0; a < numActions; a++) {
            if ((mask & (1L << a)) != 0) {
                max = Math.max(max, out[a]);
            }
        }
        double sum = 0;
        for (int a = 0; a < numActions; a++) {
            if ((mask & (1L << a)) != 0) {
                sum += Math.exp(out[a] - max);
            }
        }
        double logZ = max + Math.log(sum);
        for (int a = 0; a < numActions; a++) {
            out[a] = (mask & (1L << a)) != 0 ? out[a] - logZ : Double.NEGATIVE_INFINITY;
        }
    }

    @Override
    public void addGradient(List<WeightedStep> steps, double[] gradient) {
        if (gradient.length != theta.length) {
            throw new IllegalArgumentException("gradient has " + gradient.length + " entries, expected " + theta.length);
        }
        int bias = numActions * featureSize;
        for (WeightedStep step : steps) {
            State s = step.state();
            long legal = s.legalActions();
            int action = step.action();
            if (action < 0 || action >= numActions || (legal & (1L << action)) == 0) {
                throw new IllegalArgumentException("weighted step takes action " + action + ", which is not legal in " + s);
            }
            double[] x = s.features();
            logProbabilities(x, legal, scratch);
            double w = step.weight();
            for (int a = 0; a < numActions; a++) {
                double p = scratch[a] == Double.NEGATIVE_INFINITY ? 0.0 : Math.exp(scratch[a]);
                scratch[a] = w * ((a == action ? 1.0 : 0.0) - p);
            }
            for (int a = 0; a < numActions; a++) {
                double g = scratch[a];
                if (g == 0) {
                    continue;
                }
                gradient[bias + a] += g;
                int row = a * featureSize;
                for (int j = 0; j < featureSize; j++) {
                    if (x[j] != 0) {
                        gradient[row + j] += g * x[j];
                    }
                }
            }
        }
    }

    @Override
    public double[] parameters() {
        return theta.clone();
    }

    @Override
    public void setParameters(double[] values) {
        if (values.length != theta.length) {
            throw new IllegalArgumentException("expected " + theta.length + " parameters, got " + values.length);
        }
        System.arraycopy(values, 0, theta, 0, theta.length);
    }
}
