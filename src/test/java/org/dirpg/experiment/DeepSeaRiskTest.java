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
}
