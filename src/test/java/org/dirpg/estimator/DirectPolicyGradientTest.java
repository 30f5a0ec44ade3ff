package org.dirpg.estimator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.dirpg.env.State;
import org.dirpg.env.classic.CoinTree;
import org.dirpg.policy.LinearSoftmaxPolicy;
import org.dirpg.policy.WeightedStep;
import org.dirpg.search.Candidate;
import org.dirpg.search.SearchConfig;
import org.dirpg.search.TrajectoryGenerator;
import org.dirpg.testing.Stats;
import org.dirpg.testing.Trajectories;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Algorithm 1 against exact enumeration: unbiased for grad l(theta, eps) (eq. 12-13), exact argmax, zero when no gain. */
class DirectPolicyGradientTest {
    private final CoinTree env = new CoinTree(2, 3, 17L);

    private LinearSoftmaxPolicy policy() {
        return new LinearSoftmaxPolicy(env.spec().featureSize(), 3, 0.7, 5L);
    }

    /** The mean of eq. (10) over S and Gamma equals grad l of eq. (12), within 4.5 standard errors per coordinate. */
    @ParameterizedTest
    @ValueSource(doubles = {1.0, -1.0, 2.5})
    void averagedEstimateMatchesExactGradientOfL(double eps) {
        LinearSoftmaxPolicy policy = policy();
        ExactEvaluator.Result exact = ExactEvaluator.evaluate(env, policy, eps);
        DirectPolicyGradient dirpg = new DirectPolicyGradient(SearchConfig.gumbel(eps, Long.MAX_VALUE, false));
        Stats.Moments m = new Stats.Moments(policy.numParameters());
        int n = 60_000;
        for (int i = 0; i < n; i++) {
            State root = env.reset(1_000_003L * i + 17);
            m.add(dirpg.gradient(dirpg.search(env, policy, root, 31L * i + 7), policy));
        }
        int checked = 0;
        for (int k = 0; k < policy.numParameters(); k++) {
            double se = m.standardError(k);
            if (se == 0) {
                assertEquals(exact.gradL()[k], 0.0, 1e-12, "coordinate " + k + " never moves, so grad l must be 0 there");
                continue;
            }
            checked++;
            assertEquals(exact.gradL()[k], m.mean(k), 4.5 * se, "coordinate " + k + " (eps = " + eps + ")");
        }
        assertTrue(checked > 5, "only " + checked + " coordinates had variance");
    }

    /** With no early stop and an unlimited budget, a_dir is the exact argmax of D over all trajectories (eq. 8). */
    @Test
    void exhaustiveSearchFindsTheExactArgmaxOfD() {
        LinearSoftmaxPolicy policy = policy();
        SearchConfig config = SearchConfig.gumbel(1.5, Long.MAX_VALUE, false);
        for (long seed = 0; seed < 200; seed++) {
            State root = env.reset(seed);
            TrajectoryGenerator all = new TrajectoryGenerator(env, policy, config, root, seed + 5);
            Candidate best = null;
            Candidate c;
            while ((c = all.next()) != null) {
                if (best == null || c.d() > best.d()) {
                    best = c;
                }
            }
            SearchResult r = new DirectPolicyGradient(config).search(env, policy, root, seed + 5);
            assertArrayEquals(best.actions(), r.aDir().actions());
            assertEquals(Trajectories.enumerate(env, policy, root).size(), r.candidates());
        }
    }

    /** A* with a valid bound and pruning finds the same a_dir with fewer interactions (Sec. 5). */
    @ParameterizedTest
    @ValueSource(doubles = {1.0, -1.0})
    void aStarWithValidBoundFindsTheSameADirWithFewerInteractions(double eps) {
        CoinTree deep = new CoinTree(4, 3, 9L);
        LinearSoftmaxPolicy policy = new LinearSoftmaxPolicy(deep.spec().featureSize(), 3, 0.5, 2L);
        DirectPolicyGradient exhaustive = new DirectPolicyGradient(SearchConfig.gumbel(eps, Long.MAX_VALUE, false));
        DirectPolicyGradient astar = new DirectPolicyGradient(SearchConfig.astar(eps, 1.0, Long.MAX_VALUE, false));
        long exhaustiveSteps = 0;
        long astarSteps = 0;
        for (long seed = 0; seed < 100; seed++) {
            State root = deep.reset(seed);
            SearchResult a = exhaustive.search(deep, policy, root, seed);
            SearchResult b = astar.search(deep, policy, root, seed);
            assertArrayEquals(a.aOpt().actions(), b.aOpt().actions());
            assertArrayEquals(a.aDir().actions(), b.aDir().actions(), "seed " + seed);
            assertEquals(a.aDir().d(), b.aDir().d(), 0.0);
            assertTrue(b.interactions() <= a.interactions());
            exhaustiveSteps += a.interactions();
            astarSteps += b.interactions();
        }
        assertTrue(astarSteps < exhaustiveSteps * 0.8, "A* used " + astarSteps + " interactions, exhaustive " + exhaustiveSteps);
    }

    @Test
    void noImprovementGivesExactlyZeroGradient() {
        LinearSoftmaxPolicy policy = policy();
        DirectPolicyGradient dirpg = new DirectPolicyGradient(SearchConfig.gumbel(1.0, 1, false));
        int zero = 0;
        for (long seed = 0; seed < 100; seed++) {
            SearchResult r = dirpg.search(env, policy, env.reset(seed), seed);
            double[] g = dirpg.gradient(r, policy);
            if (!r.improved()) {
                zero++;
                assertEquals(r.aOpt(), r.aDir());
                assertTrue(Arrays.stream(g).allMatch(x -> x == 0.0));
                assertEquals(List.of(), dirpg.update(r));
            }
        }
        assertTrue(zero > 0);
    }

    /** Line 14: +1/eps on a_dir's steps, -1/eps on a_opt's, the shared prefix cancelled. */
    @Test
    void updateWeighsADirUpAndAOptDownWithSharedPrefixCancelled() {
        LinearSoftmaxPolicy policy = policy();
        double eps = 0.5;
        DirectPolicyGradient dirpg = new DirectPolicyGradient(SearchConfig.gumbel(eps, Long.MAX_VALUE, false));
        int seen = 0;
        for (long seed = 0; seed < 300 && seen < 20; seed++) {
            SearchResult r = dirpg.search(env, policy, env.reset(seed), seed);
            if (!r.improved()) {
                continue;
            }
            seen++;
            int[] opt = r.aOpt().actions();
            int[] dir = r.aDir().actions();
            int shared = 0;
            while (shared < opt.length && shared < dir.length && opt[shared] == dir[shared]) {
                shared++;
            }
            List<WeightedStep> steps = dirpg.update(r);
            assertEquals(opt.length - shared + dir.length - shared, steps.size());
            assertEquals(dir.length - shared, steps.stream().filter(s -> s.weight() == 1 / eps).count());
            assertEquals(opt.length - shared, steps.stream().filter(s -> s.weight() == -1 / eps).count());
            assertTrue(r.aDir().d() > r.aOpt().d());
        }
        assertTrue(seen >= 20);
    }
}
