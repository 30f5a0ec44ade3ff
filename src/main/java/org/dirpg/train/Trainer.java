package org.dirpg.train;

import org.dirpg.policy.Policy;

/**
 * A learning algorithm that improves a policy one update at a time.
 *
 * <p>Call order: construct with the environment, policy, settings and the run's seed; call {@link #update()} once per
 * update (DirPG: one search on a fresh episode and one Adam step; REINFORCE and CEM: a batch of rollouts and one
 * Adam step; UCB: one tree); read {@link #policy()} at any time between updates. Every random draw comes from the
 * seed given at construction, so two trainers built alike produce identical runs. Not thread-safe.
 */
public interface Trainer {

    /** Performs one update and reports what it measured. */
    UpdateMetrics update();

    /** The policy being trained, or null for policy-free baselines (UCB). */
    Policy policy();

    /** The optimiser, for checkpoints; null for policy-free baselines (UCB). */
    org.dirpg.policy.Adam adam();

    /** The algorithm's name as the CLI spells it. */
    String name();
}
