package org.dirpg.experiment;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dirpg.train.ProgressSink;
import org.junit.jupiter.api.Test;

/**
 * Sec. 6.2 / Fig. 2c: the sign of eps picks the risk attitude. eps < 0 learns the safe LLLL; eps > 0 splits the mass
 * between LLLL and RRRR, which eq. (14) predicts: with both returns of mean 0, l = (eps / 2) p (1 - p) + O(eps^2) is
 * largest at p = 1/2 (the authors report P(RRRR) of 0.48-0.51).
 */
class DeepSeaRiskTest {

    @Test
    void negativeEpsilonLearnsTheSafePath() {
        for (long seed = 0; seed < 2; seed++) {
            DeepSeaExperiment.Point p = DeepSeaExperiment.train(-1.0, 1.0, seed, 20_000, 0.01, ProgressSink.NONE);
            assertTrue(p.pSafe() > 0.95 && p.pRisky() < 0.01, p.toString());
        }
    }

    @Test
    void positiveEpsilonSplitsMassBetweenSafeAndRisky() {
        for (long seed = 0; seed < 2; seed++) {
            DeepSeaExperiment.Point p = DeepSeaExperiment.train(1.0, 1.0, seed, 20_000, 0.01, ProgressSink.NONE);
            assertTrue(p.pRisky() > 0.35 && p.pSafe() > 0.35 && p.pRisky() + p.pSafe() > 0.9, p.toString());
        }
    }

    /**
     * Where training with sigma = 1 settles on LLLL for small eps > 0, the objective still prefers the split: by the
     * exact evaluator, l at P(RRRR) = 1/2 is close to eq. (14)'s (eps / 8) sigma^2 and above l(LLLL) = 0. The
     * settling is a matter of the dynamics, not of the objective.
     */
    @Test
    void theSplitMaximisesTheObjectiveEvenForSmallEps() {
        for (double sigma : new double[] {1, 10}) {
            org.dirpg.env.classic.DeepSea sea = new org.dirpg.env.classic.DeepSea(5, sigma, 40);
            double eps = 0.13;
            double split = org.dirpg.estimator.ExactEvaluator.evaluate(sea, mixture(0), eps).l();
            double safe = org.dirpg.estimator.ExactEvaluator.evaluate(sea, mixture(-30), eps).l();
            assertTrue(Math.abs(safe) < 1e-9, "l(LLLL) = " + safe);
            assertTrue(split > 0.8 * eps / 8 * sigma * sigma && split <= eps / 8 * sigma * sigma,
                    "sigma " + sigma + ": l(split) = " + split + " vs (eps/8) sigma^2 = " + eps / 8 * sigma * sigma);
        }
    }

    /** RIGHT on the diagonal below the root and LEFT elsewhere; at the root, R-logit minus L-logit = {@code root}. */
    private static org.dirpg.policy.LinearSoftmaxPolicy mixture(double root) {
        org.dirpg.policy.LinearSoftmaxPolicy p = new org.dirpg.policy.LinearSoftmaxPolicy(25, 2, 0, 0);
        double[] theta = p.parameters();
        for (int cell = 0; cell < 25; cell++) {
            theta[25 + cell] = cell / 5 == cell % 5 && cell > 0 ? 30 : -30;
        }
        theta[25] = root;
        p.setParameters(theta);
        return p;
    }
}
