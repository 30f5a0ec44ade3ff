package org.dirpg.train;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The learning algorithms a run can use, by their command-line names. */
public enum Algorithm {
    /** Direct policy gradient, Algorithm 1 with the search of Algorithm 2. */
    DIRPG("dirpg"),
    /** REINFORCE with the trajectory return minus the batch mean. */
    REINFORCE("reinforce"),
    /** REINFORCE with rewards-to-go minus their per-step batch mean (App. C.3). */
    REINFORCE_RTG("reinforce-rtg"),
    /** The cross-entropy method: best k of n trajectories (App. C.3). */
    CEM("cem"),
    /** UCB with semi-bandit feedback (per-edge rewards), spanning-tree bandit only (Sec. 6.1). */
    UCB_SEMI("ucb-semi"),
    /** UCB with full-bandit feedback (tree reward split evenly over its edges), spanning-tree bandit only. */
    UCB_FULL("ucb-full");

    private final String cliName;

    Algorithm(String cliName) {
        this.cliName = cliName;
    }

    public String cliName() {
        return cliName;
    }

    /** Parses a command-line name, with an error listing the valid ones. */
    public static Algorithm parse(String name) {
        for (Algorithm a : values()) {
            if (a.cliName.equals(name.toLowerCase(Locale.ROOT))) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown algorithm '" + name + "'; expected one of "
                + Arrays.stream(values()).map(Algorithm::cliName).collect(Collectors.joining(", ")));
    }
}
