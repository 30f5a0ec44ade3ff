package org.dirpg.estimator;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dirpg.env.State;
import org.dirpg.env.classic.CoinTree;
import org.dirpg.policy.LinearSoftmaxPolicy;
import org.dirpg.search.SearchConfig;
import org.junit.jupiter.api.Test;

/**
 * App. A.2, Lemma 1, on bandits with rewards fixed by the realised S: with the same Gumbels, the first-improvement
 * answer lies between a_opt and the exact a_dir in reward, R(i_opt) <= R(i_approx) <= R(i_dir), on every draw.
 */
class ApproximateMaxTest {

    @Test
    void firstImprovementLiesBetweenOptAndDirOnEveryDraw() {
        CoinTree bandit = new CoinTree(1, 12, 4L);
        LinearSoftmaxPolicy policy = new LinearSoftmaxPolicy(bandit.spec().featureSize(), 12, 1.0, 3L);
        int strict = 0;
        for (double eps : new double[] {0.3, 1.0, 4.0}) {
            DirectPolicyGradient approx = new DirectPolicyGradient(SearchConfig.gumbel(eps, Long.MAX_VALUE, true));
            DirectPolicyGradient exact = new DirectPolicyGradient(SearchConfig.gumbel(eps, Long.MAX_VALUE, false));
            for (long seed = 0; seed < 3000; seed++) {
                State root = bandit.reset(seed);
                SearchResult a = approx.search(bandit, policy, root, seed);
                SearchResult d = exact.search(bandit, policy, root, seed);
                double rOpt = a.aOpt().ret();
                double rApprox = a.aDir().ret();
                double rDir = d.aDir().ret();
                assertTrue(rOpt <= rApprox && rApprox <= rDir,
                        "seed " + seed + ", eps " + eps + ": R(opt) " + rOpt + ", R(approx) " + rApprox + ", R(dir) " + rDir);
                if (rApprox < rDir) {
                    strict++;
                }
            }
        }
        assertTrue(strict > 0, "the first improvement should sometimes stop short of the exact a_dir");
    }
}
