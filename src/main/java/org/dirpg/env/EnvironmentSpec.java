package org.dirpg.env;

import java.util.List;

/**
 * What an environment is: its id, its action count, its observation tensors (each with its Gymnasium space), whether
 * its states carry a return-to-go bound, its per-step reward range and its episode limit.
 *
 * @param maxEpisodeSteps every episode ends within this many steps (Gymnasium's {@code spec.max_episode_steps}); 0
 *                        when not known
 */
public record EnvironmentSpec(String id, int numActions, List<TensorSpec> observation, boolean providesBound,
                              double minReward, double maxReward, int maxEpisodeSteps) {
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
        if (maxEpisodeSteps < 0) {
            throw new IllegalArgumentException("maxEpisodeSteps must be >= 0 (0 = not known), got " + maxEpisodeSteps);
        }
    }

    /** A spec whose episode limit is not known. */
    public EnvironmentSpec(String id, int numActions, List<TensorSpec> observation, boolean providesBound,
                           double minReward, double maxReward) {
        this(id, numActions, observation, providesBound, minReward, maxReward, 0);
    }

    /** This spec with episode limit {@code steps} (0 = not known). */
    public EnvironmentSpec withMaxEpisodeSteps(int steps) {
        return new EnvironmentSpec(id, numActions, observation, providesBound, minReward, maxReward, steps);
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
