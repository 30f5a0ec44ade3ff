package org.dirpg.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.dirpg.env.State;
import org.dirpg.env.classic.CoinTree;
import org.junit.jupiter.api.Test;

class LinearSoftmaxPolicyTest {

    /** A plain value state with dense features and a mask, to exercise non-one-hot inputs. */
    private record Dense(double[] features, long legalActions) implements State {
        @Override
        public boolean isTerminal() {
            return legalActions == 0;
        }

        @Override
        public double[] features() {
            return features.clone();
        }
    }

    static double objective(Policy policy, List<WeightedStep> steps) {
        double[] lp = new double[policy.numActions()];
        double total = 0;
        for (WeightedStep s : steps) {
            policy.logProbabilities(s.state(), lp);
            total += s.weight() * lp[s.action()];
        }
        return total;
    }

    /** addGradient equals the central finite difference of sum_i w_i log pi(a_i | s_i), entry by entry. */
    static void checkGradient(Policy policy, List<WeightedStep> steps) {
        double[] grad = new double[policy.numParameters()];
        policy.addGradient(steps, grad);
        double[] theta = policy.parameters();
        double h = 1e-6;
        for (int i = 0; i < theta.length; i++) {
            double[] plus = theta.clone();
            plus[i] += h;
            policy.setParameters(plus);
            double up = objective(policy, steps);
            double[] minus = theta.clone();
            minus[i] -= h;
            policy.setParameters(minus);
            double down = objective(policy, steps);
            assertEquals((up - down) / (2 * h), grad[i], 1e-6 * (1 + Math.abs(grad[i])), "parameter " + i);
        }
        policy.setParameters(theta);
    }

    @Test
    void gradientMatchesFiniteDifferencesOnDenseMaskedStates() {
        SplittableRandom rng = new SplittableRandom(3);
        LinearSoftmaxPolicy policy = new LinearSoftmaxPolicy(6, 4, 0.7, 11);
        double[] theta = policy.parameters();
        for (int i = 24; i < 28; i++) {
            theta[i] = rng.nextGaussian();
        }
        policy.setParameters(theta);
        List<WeightedStep> steps = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            double[] x = new double[6];
            for (int j = 0; j < 6; j++) {
                x[j] = rng.nextInt(3) == 0 ? 0.0 : rng.nextGaussian();
            }
            // Every fourth state has a single legal action; the others a random non-empty subset of the 4.
            long mask = i % 4 == 0 ? 1L << rng.nextInt(4) : rng.nextInt(1, 16);
            int action = nthBit(mask, rng.nextInt(Long.bitCount(mask)));
            steps.add(new WeightedStep(new Dense(x, mask), action, rng.nextDouble(-2, 2)));
        }
        checkGradient(policy, steps);
    }

    @Test
    void gradientMatchesFiniteDifferencesOnCoinTreeStates() {
        CoinTree env = new CoinTree();
        LinearSoftmaxPolicy policy = new LinearSoftmaxPolicy(env.spec().featureSize(), 3, 1.0, 5);
        SplittableRandom rng = new SplittableRandom(9);
        List<WeightedStep> steps = new ArrayList<>();
        for (int r = 0; r < 4; r++) {
            State s = env.reset(r);
            while (!s.isTerminal()) {
                int a = nthBit(s.legalActions(), rng.nextInt(Long.bitCount(s.legalActions())));
                steps.add(new WeightedStep(s, a, rng.nextDouble(-1, 1)));
                s = env.step(s, a).next();
            }
        }
        checkGradient(policy, steps);
    }

    @Test
    void probabilitiesAreNormalisedOverLegalActionsAndExactWhenForced() {
        LinearSoftmaxPolicy policy = new LinearSoftmaxPolicy(3, 5, 2.0, 1);
        double[] lp = new double[5];
        double[] x = {0.5, -1, 2};
        policy.logProbabilities(new Dense(x, 0b10110), lp);
        double total = 0;
        for (int a = 0; a < 5; a++) {
            if ((0b10110 & (1 << a)) != 0) {
                total += Math.exp(lp[a]);
            } else {
                assertEquals(Double.NEGATIVE_INFINITY, lp[a]);
            }
        }
        assertEquals(1.0, total, 1e-12);
        policy.logProbabilities(new Dense(x, 0b01000), lp);
        assertEquals(0.0, lp[3], 0.0, "a single legal action has log-probability exactly 0");
        double[] grad = new double[policy.numParameters()];
        policy.addGradient(List.of(new WeightedStep(new Dense(x, 0b01000), 3, 5.0)), grad);
        for (double g : grad) {
            assertEquals(0.0, g, 0.0);
        }
    }

    /** Adam ascends J = sum_a q(a) log pi(a | s), concave in the logits, to its maximum pi = q on the legal set. */
    @Test
    void adamAscendsToTheTargetDistribution() {
        LinearSoftmaxPolicy policy = new LinearSoftmaxPolicy(2, 3, 0.1, 2);
        State s1 = new Dense(new double[] {1, 0}, 0b111);
        State s2 = new Dense(new double[] {0, 1}, 0b101);
        double[] q1 = {0.2, 0.5, 0.3};
        double[] q2 = {0.9, 0, 0.1};
        List<WeightedStep> steps = new ArrayList<>();
        for (int a = 0; a < 3; a++) {
            steps.add(new WeightedStep(s1, a, q1[a]));
            if (q2[a] > 0) {
                steps.add(new WeightedStep(s2, a, q2[a]));
            }
        }
        Adam adam = new Adam(0.05);
        double start = objective(policy, steps);
        for (int t = 0; t < 3000; t++) {
            double[] g = new double[policy.numParameters()];
            policy.addGradient(steps, g);
            adam.ascend(policy, g);
        }
        assertTrue(objective(policy, steps) > start);
        double[] lp = new double[3];
        policy.logProbabilities(s1, lp);
        for (int a = 0; a < 3; a++) {
            assertEquals(q1[a], Math.exp(lp[a]), 2e-3);
        }
        policy.logProbabilities(s2, lp);
        assertEquals(0.9, Math.exp(lp[0]), 2e-3);
        assertEquals(0.1, Math.exp(lp[2]), 2e-3);
    }

    @Test
    void rejectsBadInputs() {
        LinearSoftmaxPolicy policy = new LinearSoftmaxPolicy(3, 2, 1.0, 0);
        double[] lp = new double[2];
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> policy.logProbabilities(new Dense(new double[4], 0b11), lp)).getMessage().contains("expected 3 features"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> policy.logProbabilities(new Dense(new double[3], 0), lp)).getMessage().contains("no legal action"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> policy.addGradient(
                List.of(new WeightedStep(new Dense(new double[3], 0b01), 1, 1)), new double[8])).getMessage().contains("action 1"));
        assertThrows(IllegalArgumentException.class, () -> policy.setParameters(new double[3]));
    }

    static int nthBit(long mask, int n) {
        long bits = mask;
        for (int i = 0; i < n; i++) {
            bits &= bits - 1;
        }
        return Long.numberOfTrailingZeros(bits);
    }
}
