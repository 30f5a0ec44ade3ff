package org.dirpg.policy;

import org.dirpg.env.State;

/**
 * One term {@code weight * log pi(action | state)} of a surrogate objective whose gradient is an update direction:
 * DirPG's eq. (10) gives +1/eps to the steps of a_dir and -1/eps to those of a_opt, REINFORCE gives the
 * (baselined) return, the cross-entropy method 1/k to each elite step.
 */
public record WeightedStep(State state, int action, double weight) {
}
