package org.dirpg.env;

import java.util.List;

/**
 * What an environment is: its id, its action count, its observation tensors, whether its states carry a
 * return-to-go bound, and its per-step reward range.
 */
public record EnvironmentSpec(String id, int numActions, List<TensorSpec> observation, boolean providesBound,
                              double minReward, double maxReward) {
    /** The most actions a bit-mask action set can hold. */
    public static final int MAX_ACTIONS = 64;

    public EnvironmentSpec {
        if (numActions < 1 || numActions > MAX_ACTIONS) {
            throw new IllegalArgumentException("numActions must be in [1, " + MAX_ACTIONS + "], got " + numActions);
        }
        observation = List.copyOf(observation);
        if (minReward > maxReward) {
            throw new IllegalArgumentException("reward range is empty: [" + minReward + ", " + maxReward + "]");
        }
    }

    /** The length of {@link State#features()}. */
    public int featureSize() {
        int n = 0;
        for (TensorSpec t : observation) {
            n += t.size();
        }
        return n;
    }

    /** The mask with every action set. */
    public long allActions() {
        return numActions == 64 ? -1L : (1L << numActions) - 1;
    }
}
