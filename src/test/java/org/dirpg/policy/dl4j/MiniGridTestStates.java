package org.dirpg.policy.dl4j;

import java.util.SplittableRandom;
import org.dirpg.env.State;

/** Random MiniGrid observations for the tests: a fixed feature vector and legal-action set, nothing else. */
final class MiniGridTestStates {
    private MiniGridTestStates() {
    }

    /** A non-terminal state with the given features and legal actions. */
    record FixedState(double[] features, long legalActions) implements State {
        @Override
        public boolean isTerminal() {
            return legalActions == 0;
        }

        @Override
        public double[] features() {
            return features.clone();
        }
    }

    /**
     * A random observation in MiniGrid's value ranges (object 1..10, colour 0..5, door state 0..2, direction 0..3).
     * Objects start at 1 (not "unseen" = 0) so no 3x3 patch is all zeros and no ReLU sits exactly at its kink.
     */
    static double[] randomFeatures(SplittableRandom rng) {
        double[] f = new double[MiniGridObservation.FEATURE_LENGTH];
        for (int x = 0; x < MiniGridObservation.VIEW_SIZE; x++) {
            for (int y = 0; y < MiniGridObservation.VIEW_SIZE; y++) {
                f[MiniGridObservation.featureIndex(x, y, 0)] = 1 + rng.nextInt(10);
                f[MiniGridObservation.featureIndex(x, y, 1)] = rng.nextInt(6);
                f[MiniGridObservation.featureIndex(x, y, 2)] = rng.nextInt(3);
            }
        }
        f[MiniGridObservation.IMAGE_LENGTH] = rng.nextInt(MiniGridObservation.NUM_DIRECTIONS);
        return f;
    }

    static State random(SplittableRandom rng, long legalActions) {
        return new FixedState(randomFeatures(rng), legalActions);
    }
}
