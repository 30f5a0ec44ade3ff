package org.dirpg.env;

import java.util.ArrayList;
import java.util.List;

/**
 * An episodic environment with discrete actions whose states are immutable snapshots.
 *
 * <p>Call order: {@link #spec()} any time; per episode, {@link #reset(long)} once with that episode's seed, which
 * draws a fresh state-reward tree S (Sec. 3); then {@link #step} (or {@link #stepBatch}) on any state reached so far,
 * any number of times and in any order. Stepping is a pure function of (state, action): within one episode the same
 * node of S always yields the same reward draw and child, so S is realised lazily and kept for the whole search;
 * a new seed gives a new S. Finally {@link #close()} once.
 *
 * <p>Implementations never use a global random generator: all randomness of an episode derives from its seed.
 */
public interface Environment extends AutoCloseable {

    /** The environment's id, action count, observation layout and bound. */
    EnvironmentSpec spec();

    /** Starts an episode: the root s0 of a fresh state-reward tree drawn from {@code seed}. */
    State reset(long seed);

    /**
     * Realises the child of {@code state} under {@code action}.
     *
     * @throws IllegalArgumentException if the state is terminal, was made by another environment, or the action is
     *                                  not legal there
     */
    Transition step(State state, int action);

    /**
     * Steps several (state, action) pairs at once; item i of the result is {@code step(states.get(i), actions[i])}.
     * Remote environments override this to cross the network once.
     */
    default List<Transition> stepBatch(List<State> states, int[] actions) {
        if (states.size() != actions.length) {
            throw new IllegalArgumentException("stepBatch got " + states.size() + " states and " + actions.length + " actions");
        }
        List<Transition> out = new ArrayList<>(states.size());
        for (int i = 0; i < actions.length; i++) {
            out.add(step(states.get(i), actions[i]));
        }
        return out;
    }

    /**
     * True when every call crosses a network (an environment served by env servers): then batching saves round trips
     * and the DirPG trainer coalesces the steps of K searches in flight into one {@link #stepBatch}. False (the
     * default) for an in-process environment, whose K searches run on K threads each stepping it directly, so
     * {@link #reset} and {@link #step} must be safe to call from several threads at once (they are pure functions of
     * their arguments; a shared cache must be thread-safe).
     */
    default boolean isRemote() {
        return false;
    }

    @Override
    default void close() {
    }

    /** Checks that {@code action} is legal in {@code state}, with a message naming both. */
    static void requireLegal(EnvironmentSpec spec, State state, int action) {
        if (state.isTerminal()) {
            throw new IllegalArgumentException(spec.id() + ": cannot step a terminal state");
        }
        if (action < 0 || action >= spec.numActions()) {
            throw new IllegalArgumentException(spec.id() + ": action " + action + " is outside [0, " + spec.numActions() + ")");
        }
        if ((state.legalActions() & (1L << action)) == 0) {
            throw new IllegalArgumentException(spec.id() + ": action " + action + " is not legal here; legal actions are "
                    + ActionSets.toString(state.legalActions()));
        }
    }
}
