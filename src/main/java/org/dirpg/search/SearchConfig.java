package org.dirpg.search;

/**
 * Settings of one DirPG search (Algorithms 1 and 2).
 *
 * @param epsilon    eps of eq. (6): sign and size of the pull towards high (eps > 0) or low (eps < 0) return;
 *                   non-zero and finite
 * @param priority   the queue order after a_opt
 * @param alpha      the weight of the return-to-go bound in the A* priority, in [0, 1]
 * @param budget     the interaction budget, the a_opt rollout included (REFERENCE.md); a_opt is always completed
 * @param earlyStop  stop at the first candidate that strictly improves on D(a_opt) (Algorithm 1, line 9)
 * @param prune      discard regions whose bound G + eps (L + U) cannot beat the best D found (needs bounds)
 * @param expansionsPerRound after a_opt, regions expanded together in one policy batch and one environment batch
 *                   (1 = strict best-first order, the paper's setting; more fills batches for remote environments)
 * @param heuristic  the U of the A* priority (pruning always uses the valid bound)
 * @param episodeCap a trajectory still running after this many steps is cut there and yielded as complete, as
 *                   Gymnasium's TimeLimit truncates an episode (0 = no cap): what ends the search's rollouts on an
 *                   environment that declares no episode limit
 */
public record SearchConfig(double epsilon, Priority priority, double alpha, long budget, boolean earlyStop,
                           boolean prune, int expansionsPerRound, Heuristic heuristic, int episodeCap) {
    public SearchConfig {
        if (epsilon == 0 || !Double.isFinite(epsilon)) {
            throw new IllegalArgumentException("epsilon must be a non-zero finite number (eq. 10 divides by it), got " + epsilon);
        }
        if (priority == null) {
            throw new IllegalArgumentException("priority must be GUMBEL or ASTAR");
        }
        if (!(alpha >= 0 && alpha <= 1)) {
            throw new IllegalArgumentException("alpha must be in [0, 1], got " + alpha);
        }
        if (budget < 1) {
            throw new IllegalArgumentException("budget must be at least 1 interaction, got " + budget);
        }
        if (expansionsPerRound < 1 || expansionsPerRound > 4096) {
            throw new IllegalArgumentException("expansions_per_round must be in [1, 4096], got " + expansionsPerRound);
        }
        if (heuristic == null) {
            throw new IllegalArgumentException("heuristic must be VALID_BOUND or DISCOUNTED");
        }
        if (episodeCap < 0) {
            throw new IllegalArgumentException("episode cap must be >= 0 steps (0 = none), got " + episodeCap);
        }
    }

    /** No episode cap. */
    public SearchConfig(double epsilon, Priority priority, double alpha, long budget, boolean earlyStop,
                        boolean prune, int expansionsPerRound, Heuristic heuristic) {
        this(epsilon, priority, alpha, budget, earlyStop, prune, expansionsPerRound, heuristic, 0);
    }

    /** With the valid bound as the A* heuristic. */
    public SearchConfig(double epsilon, Priority priority, double alpha, long budget, boolean earlyStop,
                        boolean prune, int expansionsPerRound) {
        this(epsilon, priority, alpha, budget, earlyStop, prune, expansionsPerRound, Heuristic.VALID_BOUND);
    }

    /** Strict best-first expansion, one region at a time. */
    public SearchConfig(double epsilon, Priority priority, double alpha, long budget, boolean earlyStop, boolean prune) {
        this(epsilon, priority, alpha, budget, earlyStop, prune, 1);
    }

    /** The same search, expanding {@code n} regions per round after a_opt. */
    public SearchConfig withExpansionsPerRound(int n) {
        return new SearchConfig(epsilon, priority, alpha, budget, earlyStop, prune, n, heuristic, episodeCap);
    }

    /** The same search with {@code h} as the A* priority's U. */
    public SearchConfig withHeuristic(Heuristic h) {
        return new SearchConfig(epsilon, priority, alpha, budget, earlyStop, prune, expansionsPerRound, h, episodeCap);
    }

    /** The same search, cutting trajectories at {@code steps} steps (0 = no cap). */
    public SearchConfig withEpisodeCap(int steps) {
        return new SearchConfig(epsilon, priority, alpha, budget, earlyStop, prune, expansionsPerRound, heuristic, steps);
    }

    /** Gumbel-only priority, no pruning. */
    public static SearchConfig gumbel(double epsilon, long budget, boolean earlyStop) {
        return new SearchConfig(epsilon, Priority.GUMBEL, 0.0, budget, earlyStop, false);
    }

    /** The A* sampling priority with pruning. */
    public static SearchConfig astar(double epsilon, double alpha, long budget, boolean earlyStop) {
        return new SearchConfig(epsilon, Priority.ASTAR, alpha, budget, earlyStop, true);
    }
}
