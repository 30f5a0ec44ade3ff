package org.dirpg.policy;

import java.util.List;
import java.util.random.RandomGenerator;
import org.dirpg.env.State;
import org.dirpg.gumbel.Gumbels;

/**
 * A stochastic policy pi_theta(a | s) over discrete actions, masked to the legal actions of each state.
 *
 * <p>Call order: construct with its seed-derived initial parameters; then any number of
 * {@link #logProbabilities} calls (the search), {@link #addGradient} to get an update direction, and
 * {@link #parameters()} / {@link #setParameters} around an optimiser step (see {@link Adam}). To act with a trained
 * policy, {@link #sampleAction} draws a ~ pi(. | s) and {@link #greedyAction} takes the most probable action.
 *
 * <p>Threads: {@link #logProbabilities} (and so {@link #sampleAction} and {@link #greedyAction}) may be called from
 * several threads at once between parameter changes, since the DirPG trainer's K searches in flight share the policy;
 * {@link #addGradient} only where {@link #concurrentGradients()} says so; {@link #setParameters} never concurrently with
 * anything.
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

    /**
     * True when {@link #addGradient} may run on several threads at once, each into its own gradient array, between
     * parameter changes (as {@link #logProbabilities} always may). The DirPG trainer then computes each of K searches'
     * gradients on its search's thread. Default false: the trainer calls {@code addGradient} from one thread.
     */
    default boolean concurrentGradients() {
        return false;
    }

    /**
     * Samples an action a ~ pi(. | state) over the state's legal actions (Gumbel-argmax of log pi), every draw from
     * {@code rng}: one step of a trajectory of eq. (1).
     *
     * @throws IllegalArgumentException if the state is terminal
     */
    default int sampleAction(State state, RandomGenerator rng) {
        long legal = requireLegalActions(state);
        double[] logp = new double[numActions()];
        logProbabilities(state, logp);
        return Gumbels.sampleFromSubset(logp, legal, rng);
    }

    /**
     * The most probable legal action argmax_a pi(a | state), the lowest index on ties.
     *
     * @throws IllegalArgumentException if the state is terminal
     */
    default int greedyAction(State state) {
        long legal = requireLegalActions(state);
        double[] logp = new double[numActions()];
        logProbabilities(state, logp);
        int best = -1;
        for (int a = 0; a < numActions(); a++) {
            if ((legal & (1L << a)) != 0 && (best < 0 || logp[a] > logp[best])) {
                best = a;
            }
        }
        return best;
    }

    private static long requireLegalActions(State state) {
        long legal = state.legalActions();
        if (state.isTerminal() || legal == 0) {
            throw new IllegalArgumentException("cannot act in a terminal state (it has no legal actions); reset the "
                    + "environment for a new episode");
        }
        return legal;
    }

    /** A copy of theta as one flat vector. */
    double[] parameters();

    /** Replaces theta with a copy of {@code theta}. */
    void setParameters(double[] theta);
}
