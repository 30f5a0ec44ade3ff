package org.dirpg.train;

import java.util.Locale;
import org.dirpg.env.EnvironmentSpec;

/**
 * Refuses a DirPG search budget that cannot cover one episode. The budget counts interactions, a_opt's rollout
 * included (Algorithm 1, line 4; a_opt is always completed): when an episode runs longer than the budget, the search
 * spends the whole budget on a_opt, never completes a second trajectory, a_dir = a_opt and the gradient of eq. (10)
 * is exactly zero in every update. The episode's length is known from the spec
 * ({@link EnvironmentSpec#maxEpisodeSteps()}) or, when the spec does not say, from the first search's a_opt (which
 * {@link org.dirpg.search.SearchConfig#episodeCap()} ends at the cap). Both compare steps with interactions, one
 * interaction per step.
 */
public final class EpisodeLimits {
    private EpisodeLimits() {
    }

    /**
     * Refuses {@code budget} when the spec declares an episode limit longer than it.
     *
     * @throws IllegalArgumentException naming the budget, the limit and the fix
     */
    public static void requireBudgetCoversEpisode(EnvironmentSpec spec, long budget) {
        int limit = spec.maxEpisodeSteps();
        if (limit > 0 && budget < limit) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "budget: %d interactions is shorter than an episode of %s (its limit is %d steps), so every search "
                            + "spends it on a_opt and the gradient stays zero; give --budget %d or more (a few times %d "
                            + "lets the search compare several trajectories)",
                    budget, spec.id(), limit, limit, limit));
        }
    }

    /**
     * Refuses {@code budget} when the first search's a_opt alone took more steps than it (the check for environments
     * whose spec declares no episode limit).
     *
     * @param aOptSteps  the length of the first search's a_opt
     * @param episodeCap the cap that ends episodes of such environments (0 = none)
     * @throws IllegalArgumentException naming the budget, the episode's length and the fix
     */
    public static void requireBudgetCoversFirstRollout(EnvironmentSpec spec, long budget, int aOptSteps, int episodeCap) {
        if (aOptSteps > budget) {
            String cut = episodeCap > 0 && aOptSteps >= episodeCap
                    ? ", where --max-steps " + episodeCap + " cut it" : "";
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "budget: %d interactions is shorter than an episode of %s: it declares no episode limit and the "
                            + "first search's a_opt took %d steps%s, so every such search spends the budget on a_opt "
                            + "and the gradient stays zero; give --budget %d or more, or a smaller --max-steps",
                    budget, spec.id(), aOptSteps, cut, aOptSteps));
        }
    }
}
