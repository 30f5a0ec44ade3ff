package org.dirpg.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.dirpg.env.EnvironmentSpec;
import org.dirpg.search.Priority;
import org.dirpg.search.SearchConfig;

/**
 * Notices a DirPG run that does not learn: when the gradient of eq. (10) has been exactly zero for its first
 * {@link #UPDATES} updates (no search found a trajectory whose D = G + eps R beats a_opt's, Algorithm 1 line 7), it
 * produces one warning naming the likely causes with the run's own numbers, then stays silent. The run goes on. A run
 * whose gradient has once been non-zero has learned: a later stretch of zero gradients is a policy that nothing in
 * reach improves on (e.g. DeepSea's converged LLLL), not a run that cannot learn, and gives no warning.
 *
 * <p>The causes it names: a budget that completes about one trajectory per search; eps too small against the spread
 * of the returns (D compares Gumbel-perturbed log-probabilities, differences of a few units, with eps times return
 * differences; REFERENCE.md "eps against the reward scale": a 0..1 reward needed eps = 20); no reward within reach
 * (every a_opt returned the same); no return-to-go bound for the A* priority or pruning to steer by.
 */
public final class ZeroGradientWatch {
    /** Consecutive updates with an exactly zero gradient after which the warning is given. */
    public static final int UPDATES = 100;

    private final EnvironmentSpec spec;
    private final SearchConfig config;
    private final int window;
    private int zeroRun;
    private boolean warned;
    private boolean moved;
    private final List<double[]> recent = new ArrayList<>();

    /** Watches a run on {@code spec} searching with {@code config}, warning after {@link #UPDATES} zero updates. */
    public ZeroGradientWatch(EnvironmentSpec spec, SearchConfig config) {
        this(spec, config, UPDATES);
    }

    ZeroGradientWatch(EnvironmentSpec spec, SearchConfig config, int window) {
        if (window < 1) {
            throw new IllegalArgumentException("window must be at least 1 update, got " + window);
        }
        this.spec = spec;
        this.config = config;
        this.window = window;
    }

    /**
     * Records one update; returns the warning the first time the gradient has been zero for the whole window.
     *
     * @param m          the update's metrics
     * @param searches   the searches it averaged (K)
     * @param aOptSteps  the mean length of its searches' a_opt
     */
    public Optional<String> observe(UpdateMetrics m, int searches, double aOptSteps) {
        if (m.gradientNorm() != 0.0) {
            moved = true;
            zeroRun = 0;
            recent.clear();
            return Optional.empty();
        }
        zeroRun++;
        recent.add(new double[] {(double) m.candidates() / searches, aOptSteps, m.updateReturn()});
        if (recent.size() > window) {
            recent.remove(0);
        }
        if (warned || moved || zeroRun < window) {
            return Optional.empty();
        }
        warned = true;
        return Optional.of(message());
    }

    private String message() {
        double candidates = 0;
        double steps = 0;
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double[] r : recent) {
            candidates += r[0] / recent.size();
            steps += r[1] / recent.size();
            lo = Math.min(lo, r[2]);
            hi = Math.max(hi, r[2]);
        }
        double eps = config.epsilon();
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "the DirPG gradient has been exactly zero for the last %d updates on %s: no search found a trajectory "
                        + "whose D = G + eps R beats a_opt's, so theta has not moved. Likely causes:", window, spec.id()));
        sb.append(String.format(Locale.ROOT, "%n  - budget: %d interactions per search completed %.2f trajectories "
                + "on average (a_opt alone took %.0f steps); give a larger --budget", config.budget(), candidates, steps));
        sb.append(String.format(Locale.ROOT, "%n  - eps %s against a_opt returns in [%s, %s]: eps times a return "
                + "difference must outweigh Gumbel differences of a few units; with returns of order 1 try --epsilon 20",
                num(eps), num(lo), num(hi)));
        if (lo == hi) {
            sb.append(String.format(Locale.ROOT, "%n  - no reward within reach: every a_opt of these updates returned %s,"
                    + " so the search may see no trajectory with another return; a longer search or a shaped reward",
                    num(lo)));
        }
        if (!spec.providesBound()) {
            sb.append(String.format(Locale.ROOT, "%n  - no bound: %s gives no return-to-go bound, so %s",
                    spec.id(), config.priority() == Priority.ASTAR || config.prune()
                            ? "the A* priority and pruning cannot steer the search toward reward"
                            : "only the Gumbel priority orders the search (a bound allows --priority astar --alpha and --prune)"));
        }
        sb.append(String.format(Locale.ROOT, "%n  The run goes on."));
        return sb.toString();
    }

    private static String num(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%.4g", v);
    }
}
