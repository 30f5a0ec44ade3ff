package org.dirpg.policy.dl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.dirpg.env.ActionSets;
import org.dirpg.env.State;
import org.dirpg.policy.Adam;
import org.dirpg.policy.WeightedStep;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

class MiniGridConvPolicyTest {
    private static final long ALL = (1L << MiniGridNetwork.NUM_ACTIONS) - 1;
    /** Layer boundaries of the flat parameter vector: conv1 (3*32*9+32), conv2, conv3, logits (68*7+7). */
    private static final int[] LAYER_ENDS = {896, 896 + 13872, 896 + 13872 + 27712, 896 + 13872 + 27712 + 483};

    private static MiniGridConvPolicy doublePolicy;

    @BeforeAll
    static void setUp() {
        doublePolicy = new MiniGridConvPolicy(7, DataType.DOUBLE);
        // Move the biases off zero so the test is generic (no pre-activation sits at a ReLU kink by construction).
        SplittableRandom rng = new SplittableRandom(3);
        double[] theta = doublePolicy.parameters();
        for (int k = 0; k < theta.length; k++) {
            theta[k] += 0.05 * rng.nextGaussian();
        }
        doublePolicy.setParameters(theta);
    }

    @Test
    void architectureHasThePapersParameterCount() {
        assertEquals(LAYER_ENDS[3], doublePolicy.numParameters());
        assertEquals(7, doublePolicy.numActions());
    }

    @Test
    void sameSeedSameParametersOtherSeedOtherParameters() {
        double[] a = new MiniGridConvPolicy(42).parameters();
        double[] b = new MiniGridConvPolicy(42).parameters();
        double[] c = new MiniGridConvPolicy(43).parameters();
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c));
        // U(-1/sqrt(fanIn), 1/sqrt(fanIn)) weights: conv1 has fanIn 27; biases start at 0
        double bound = 1 / Math.sqrt(27);
        for (int k = 0; k < 896; k++) {
            assertTrue(Math.abs(a[k]) <= bound + 1e-7, "conv1 parameter " + k + " = " + a[k]);
        }
    }

    private static List<WeightedStep> mixedSteps(SplittableRandom rng) {
        List<WeightedStep> steps = new ArrayList<>();
        long[] legalSets = {ALL, ActionSets.of(0, 1, 2, 5), ActionSets.of(2, 5), ActionSets.of(4), ALL, ActionSets.of(1, 3, 6)};
        double[] weights = {1.0, -1.0, 0.7, -2.0, -0.4, 1.3};
        for (int i = 0; i < legalSets.length; i++) {
            State s = MiniGridTestStates.random(rng, legalSets[i]);
            int[] legal = legalIndices(legalSets[i]);
            steps.add(new WeightedStep(s, legal[rng.nextInt(legal.length)], weights[i]));
        }
        // the same state twice with different actions and signs: contributions must add up
        WeightedStep first = steps.get(0);
        steps.add(new WeightedStep(first.state(), (first.action() + 3) % 7, -0.9));
        return steps;
    }

    private static int[] legalIndices(long set) {
        return java.util.stream.IntStream.range(0, 64).filter(a -> ActionSets.contains(set, a)).toArray();
    }

    private static double surrogate(MiniGridConvPolicy policy, List<WeightedStep> steps) {
        List<State> states = steps.stream().map(WeightedStep::state).toList();
        double[][] out = new double[steps.size()][7];
        policy.logProbabilities(states, out);
        double j = 0;
        for (int i = 0; i < steps.size(); i++) {
            j += steps.get(i).weight() * out[i][steps.get(i).action()];
        }
        return j;
    }

    @Test
    void addGradientMatchesCentralFiniteDifferences() {
        SplittableRandom rng = new SplittableRandom(5);
        List<WeightedStep> steps = mixedSteps(rng);
        double[] grad = new double[doublePolicy.numParameters()];
        Arrays.fill(grad, 0.25);
        doublePolicy.addGradient(steps, grad);
        for (int k = 0; k < grad.length; k++) {
            grad[k] -= 0.25; // addGradient adds to what is there
        }
        double[] theta = doublePolicy.parameters();
        double h = 1e-5;
        // central difference error: truncation ~h^2 |f'''| / 6 plus rounding ~1e-16 |J| / h (~1e-11 here);
        // 1000 h^2 leaves two to three orders of headroom over the ~2e-10 observed, and a wrong mask or sign
        // gives errors of order 1
        double tolerance = 1e3 * h * h;
        double maxErr = 0;
        int start = 0;
        for (int layer = 0; layer < LAYER_ENDS.length; layer++) {
            for (int n = 0; n < 25; n++) {
                int k = start + rng.nextInt(LAYER_ENDS[layer] - start);
                double fd = directional(theta, h, k, null, steps);
                double err = Math.abs(fd - grad[k]);
                maxErr = Math.max(maxErr, err);
                assertTrue(err <= tolerance * Math.max(1, Math.abs(fd)),
                        "parameter " + k + " (layer " + layer + "): finite difference " + fd + ", addGradient " + grad[k]);
            }
            start = LAYER_ENDS[layer];
        }
        // directional derivatives along random directions cover every parameter at once
        for (int n = 0; n < 3; n++) {
            double[] v = new double[theta.length];
            double dot = 0;
            for (int k = 0; k < v.length; k++) {
                v[k] = rng.nextGaussian() / Math.sqrt(v.length);
                dot += v[k] * grad[k];
            }
            double fd = directional(theta, h, -1, v, steps);
            assertEquals(fd, dot, tolerance * Math.max(1, Math.abs(fd)), "direction " + n);
        }
        doublePolicy.setParameters(theta);
        assertTrue(maxErr < tolerance);
    }

    private static double directional(double[] theta, double h, int k, double[] v, List<WeightedStep> steps) {
        double[] plus = theta.clone();
        double[] minus = theta.clone();
        if (v == null) {
            plus[k] += h;
            minus[k] -= h;
        } else {
            for (int i = 0; i < theta.length; i++) {
                plus[i] += h * v[i];
                minus[i] -= h * v[i];
            }
        }
        doublePolicy.setParameters(plus);
        double fPlus = surrogate(doublePolicy, steps);
        doublePolicy.setParameters(minus);
        double fMinus = surrogate(doublePolicy, steps);
        doublePolicy.setParameters(theta);
        return (fPlus - fMinus) / (2 * h);
    }

    @Test
    void singlePrecisionGradientAgreesWithDoublePrecision() {
        List<WeightedStep> steps = mixedSteps(new SplittableRandom(13));
        MiniGridConvPolicy single = new MiniGridConvPolicy(7, DataType.FLOAT);
        single.setParameters(doublePolicy.parameters());
        double[] g64 = new double[doublePolicy.numParameters()];
        double[] g32 = new double[single.numParameters()];
        doublePolicy.addGradient(steps, g64);
        single.addGradient(steps, g32);
        double diff = 0;
        double norm = 0;
        for (int k = 0; k < g64.length; k++) {
            diff += (g32[k] - g64[k]) * (g32[k] - g64[k]);
            norm += g64[k] * g64[k];
        }
        // float rounding (~6e-8 per operation) through three convolutions: relative error well below 1e-4
        assertTrue(Math.sqrt(diff / norm) < 1e-4, "relative difference " + Math.sqrt(diff / norm));
    }

    @Test
    void batchedEqualsUnbatchedAndIsNormalisedOverLegalActions() {
        MiniGridConvPolicy policy = new MiniGridConvPolicy(9);
        SplittableRandom rng = new SplittableRandom(17);
        long[] legalSets = {ALL, ActionSets.of(0, 1, 2, 5), ActionSets.of(3), ActionSets.of(2, 6)};
        List<State> states = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            states.add(MiniGridTestStates.random(rng, legalSets[i % legalSets.length]));
        }
        double[][] batched = new double[states.size()][7];
        policy.logProbabilities(states, batched);
        double[] single = new double[7];
        for (int i = 0; i < states.size(); i++) {
            long legal = states.get(i).legalActions();
            policy.logProbabilities(states.get(i), single);
            double sum = 0;
            for (int a = 0; a < 7; a++) {
                if (ActionSets.contains(legal, a)) {
                    // float network: batched and single convolutions may sum in another order (~1e-7 relative)
                    assertEquals(single[a], batched[i][a], 1e-5, "state " + i + " action " + a);
                    sum += Math.exp(batched[i][a]);
                } else {
                    assertEquals(Double.NEGATIVE_INFINITY, batched[i][a]);
                    assertEquals(Double.NEGATIVE_INFINITY, single[a]);
                }
            }
            assertEquals(1.0, sum, 1e-12, "state " + i);
            if (ActionSets.size(legal) == 1) {
                assertEquals(0.0, batched[i][Long.numberOfTrailingZeros(legal)]);
            }
        }
    }

    @Test
    void adamStepAlongTheGradientIncreasesLogProbability() {
        MiniGridConvPolicy policy = new MiniGridConvPolicy(21, DataType.DOUBLE);
        State s = MiniGridTestStates.random(new SplittableRandom(23), ActionSets.of(0, 1, 2, 5));
        double[] before = new double[7];
        policy.logProbabilities(s, before);
        for (double sign : new double[] {1.0, -1.0}) {
            MiniGridConvPolicy p = new MiniGridConvPolicy(21, DataType.DOUBLE);
            double[] grad = new double[p.numParameters()];
            p.addGradient(List.of(new WeightedStep(s, 5, sign)), grad);
            new Adam(1e-3).ascend(p, grad);
            double[] after = new double[7];
            p.logProbabilities(s, after);
            if (sign > 0) {
                assertTrue(after[5] > before[5] + 1e-3, "log pi(5|s) " + before[5] + " -> " + after[5]);
            } else {
                assertTrue(after[5] < before[5] - 1e-3, "log pi(5|s) " + before[5] + " -> " + after[5]);
            }
        }
    }

    @Test
    void checkpointRoundTripKeepsParametersAndOutputs(@TempDir Path dir) throws IOException {
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            MiniGridConvPolicy policy = new MiniGridConvPolicy(31, type);
            double[] theta = policy.parameters();
            theta[0] += 0.5; // a trained (non-initial) parameter vector
            policy.setParameters(theta);
            Path file = dir.resolve("policy-" + type + ".zip");
            policy.save(file);
            MiniGridConvPolicy loaded = MiniGridConvPolicy.load(file);
            assertEquals(type, loaded.dataType());
            assertArrayEquals(policy.parameters(), loaded.parameters());
            State s = MiniGridTestStates.random(new SplittableRandom(37), ALL);
            double[] a = new double[7];
            double[] b = new double[7];
            policy.logProbabilities(s, a);
            loaded.logProbabilities(s, b);
            assertArrayEquals(a, b);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MiniGridConvPolicy.load(dir.resolve("missing.zip")));
        assertTrue(e.getMessage().contains("no policy checkpoint at"), e.getMessage());
    }

    @Test
    void rejectsBadArguments() {
        MiniGridConvPolicy policy = new MiniGridConvPolicy(1);
        State s = MiniGridTestStates.random(new SplittableRandom(2), ActionSets.of(0, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> policy.addGradient(List.of(new WeightedStep(s, 4, 1.0)), new double[policy.numParameters()]));
        assertTrue(e.getMessage().contains("action 4 is not among the legal actions {0, 1}"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> policy.addGradient(List.of(new WeightedStep(s, 0, 1.0)), new double[3]));
        assertTrue(e.getMessage().contains("gradient has length 3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> policy.setParameters(new double[5]));
        assertTrue(e.getMessage().contains("theta has length 5"), e.getMessage());
        State terminal = MiniGridTestStates.random(new SplittableRandom(2), 0L);
        e = assertThrows(IllegalArgumentException.class, () -> policy.logProbabilities(terminal, new double[7]));
        assertTrue(e.getMessage().contains("terminal"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new MiniGridConvPolicy(1, DataType.HALF));
    }
}
