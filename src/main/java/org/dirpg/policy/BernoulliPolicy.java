package org.dirpg.policy;

import java.util.List;
import org.dirpg.env.State;

/**
 * The spanning-tree bandit's policy (Sec. 6.1): one logit theta_e per decision e = {@link State#index()}, with
 * {@code P(action 1) = sigmoid(theta_e)} and {@code P(action 0) = 1 - sigmoid(theta_e)}. Masked as App. C.1 says:
 * when only one action is legal it is taken with probability 1 (log-probability 0) and contributes no gradient.
 *
 * <p>Gradient: {@code d log sigmoid(theta) = 1 - sigmoid(theta)} and {@code d log(1 - sigmoid(theta)) = -sigmoid(theta)}.
 */
public final class BernoulliPolicy implements Policy {
    private final double[] theta;

    /** theta = 0: every free decision starts at probability 1/2. */
    public BernoulliPolicy(int numDecisions) {
        if (numDecisions < 1) {
            throw new IllegalArgumentException("numDecisions must be >= 1, got " + numDecisions);
        }
        theta = new double[numDecisions];
    }

    @Override
    public int numActions() {
        return 2;
    }

    @Override
    public int numParameters() {
        return theta.length;
    }

    /** P(action 1) at decision e, ignoring masks. */
    public double inclusionProbability(int e) {
        return 1.0 / (1.0 + Math.exp(-theta[decision(e)]));
    }

    @Override
    public void logProbabilities(State state, double[] out) {
        long legal = state.legalActions() & 0b11L;
        if (legal == 0) {
            throw new IllegalArgumentException("state " + state + " has no legal action among {0, 1}; terminal states have no policy");
        }
        if (legal != 0b11L) {
            out[0] = legal == 0b01L ? 0.0 : Double.NEGATIVE_INFINITY;
            out[1] = legal == 0b10L ? 0.0 : Double.NEGATIVE_INFINITY;
            return;
        }
        double t = theta[decision(state.index())];
        out[0] = -softplus(t);
        out[1] = -softplus(-t);
    }

    @Override
    public void addGradient(List<WeightedStep> steps, double[] gradient) {
        if (gradient.length != theta.length) {
            throw new IllegalArgumentException("gradient has " + gradient.length + " entries, expected " + theta.length);
        }
        for (WeightedStep step : steps) {
            long legal = step.state().legalActions() & 0b11L;
            int action = step.action();
            if (action < 0 || action > 1 || (legal & (1L << action)) == 0) {
                throw new IllegalArgumentException("weighted step takes action " + action + ", which is not legal in " + step.state());
            }
            if (legal != 0b11L) {
                continue;
            }
            int e = decision(step.state().index());
            double p1 = 1.0 / (1.0 + Math.exp(-theta[e]));
            gradient[e] += step.weight() * (action == 1 ? 1.0 - p1 : -p1);
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

    private int decision(int e) {
        if (e < 0 || e >= theta.length) {
            throw new IllegalArgumentException("decision index " + e + " is outside [0, " + theta.length + ")");
        }
        return e;
    }

    /** log(1 + e^x) without overflow. */
    private static double softplus(double x) {
        return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
    }
}
