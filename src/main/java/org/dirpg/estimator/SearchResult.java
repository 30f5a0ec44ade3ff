package org.dirpg.estimator;

import org.dirpg.search.Candidate;

/**
 * What one run of Algorithm 1 found.
 *
 * @param aOpt         the first yield: a_opt = a*(0), a sample from Pi_theta(. | S)
 * @param aDir         the best candidate by D found within the budget; equal to aOpt when nothing improved
 * @param candidates   the number of complete trajectories the search yielded (a_opt included)
 * @param interactions environment interactions spent, the a_opt rollout included
 * @param expansions   regions split by the search
 * @param firstImprovementInteractions interactions spent when a_dir was found (-1 if nothing improved): Fig. 2b
 */
public record SearchResult(Candidate aOpt, Candidate aDir, int candidates, long interactions, long expansions,
                           long firstImprovementInteractions) {

    /** True when the search found a candidate with strictly larger D than a_opt (the gradient is non-zero). */
    public boolean improved() {
        return aDir != aOpt;
    }
}
