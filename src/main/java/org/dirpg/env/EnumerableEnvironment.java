package org.dirpg.env;

import java.util.List;

/**
 * An environment small enough to enumerate: every step's distribution over (reward, next state) is a finite list of
 * outcomes whose probabilities sum to 1 (a continuous reward is given by quadrature nodes and weights). The exact
 * evaluator uses it to compute l(theta, eps) of eq. (11) and the exact policy gradient by enumeration.
 */
public interface EnumerableEnvironment extends Environment {

    /** The root s0 of the tree, which must be the same for every seed. */
    State initialState();

    /** The distribution of {@code step(state, action)} over the state-reward tree's draws. */
    List<Outcome> outcomes(State state, int action);
}
