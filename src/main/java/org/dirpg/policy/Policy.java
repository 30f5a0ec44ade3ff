package org.dirpg.policy;

import java.util.List;
import org.dirpg.env.State;

/**
 * A stochastic policy pi_theta(a | s) over discrete actions, masked to the legal actions of each state.
 *
 * <p>Call order: construct with its seed-derived initial parameters; then any number of
 * {@link #logProbabilities} calls (the search), {@link #addGradient} to get an update direction, and
 * {@link #parameters()} / {@link #setParameters} around an optimiser step (see {@link Adam}). Implementations are not
 * thread-safe unless they say so.
 */
public interface Policy {

    /** The number of actions, equal to the environment's. */
    int numActions();

    /** The length of the flat parameter vector theta. */
    int numParameters();

    /**
     * Writes {@code log pi(a | state)} for every action into {@code out}: normalised over the state's legal actions,
     * {@code -inf} for illegal ones, and exactly 0 where a single action is legal.
     */
    void logProbabilities(State state, double[] out);

    /** Batched {@link #logProbabilities(State, double[])}: row i for state i. Networks override this. */
    default void logProbabilities(List<State> states, double[][] out) {
        for (int i = 0; i < states.size(); i++) {
            logProbabilities(states.get(i), out[i]);
        }
    }

    /** Adds {@code sum_i w_i * grad_theta log pi(a_i | s_i)} to {@code gradient} (length {@link #numParameters()}). */
    void addGradient(List<WeightedStep> steps, double[] gradient);

    /** A copy of theta as one flat vector. */
    double[] parameters();

    /** Replaces theta with a copy of {@code theta}. */
    void setParameters(double[] theta);
}
