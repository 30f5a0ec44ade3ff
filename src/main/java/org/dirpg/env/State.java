package org.dirpg.env;

/**
 * One node of the state-reward tree S (Sec. 3): an immutable snapshot of an environment that
 * {@link Environment#step} can step any number of times, which is the paper's "reset the environment to a
 * previously visited state". A state carries the noise key of its subtree, so stepping the same state with the
 * same action always realises the same child of S.
 */
public interface State {

    /** True when the episode has ended here (terminated or truncated); a terminal state has no legal actions. */
    boolean isTerminal();

    /**
     * The legal actions as a bit mask (bit a set = action a legal). Non-empty at every non-terminal state,
     * zero at terminal states.
     */
    long legalActions();

    /** The observation as a flat feature vector, laid out as the spec's observation tensors in order. */
    double[] features();

    /** A discrete index of this state for tabular policies, or -1 when the environment has none. */
    default int index() {
        return -1;
    }

    /**
     * An upper bound U on the return-to-go of every trajectory through this state (Sec. 5, "A* sampling");
     * 0 at terminal states; {@code +inf} when the environment provides none.
     */
    default double returnToGoUpperBound() {
        return isTerminal() ? 0.0 : Double.POSITIVE_INFINITY;
    }

    /**
     * A heuristic estimate of the return-to-go for the A* priority G + eps (L + alpha U) of Sec. 5, which need not be
     * a bound (the paper's alpha < 1 already gives up validity): e.g. the authors' discounted MultiRoom heuristic,
     * which has no step limit. Pruning never uses it. 0 at terminal states; defaults to the upper bound.
     */
    default double returnToGoHeuristic() {
        return returnToGoUpperBound();
    }

    /** A lower bound on the return-to-go, used for pruning when epsilon < 0; {@code -inf} when none. */
    default double returnToGoLowerBound() {
        return isTerminal() ? 0.0 : Double.NEGATIVE_INFINITY;
    }

    /**
     * False for a terminal state that is outside the support of the task (an invalid spanning tree in the
     * combinatorial bandit, App. C.1): the search never yields it and keeps searching in descending G.
     */
    default boolean isFeasible() {
        return true;
    }
}
