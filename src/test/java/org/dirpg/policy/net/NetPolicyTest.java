package org.dirpg.policy.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.dirpg.env.EnvironmentSpec;
import org.dirpg.env.Space;
import org.dirpg.env.State;
import org.dirpg.env.TensorSpec;
import org.dirpg.policy.Adam;
import org.dirpg.policy.MaskedLogSoftmax;
import org.dirpg.policy.WeightedStep;
import org.dirpg.policy.dl4j.NetGraphs;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * {@link NetPolicy} as a policy: masked and normalised log-probabilities, batched equal to unbatched, the cache
 * following theta, the surrogate gradient of eq. (10) equal to DL4J's back-propagation of the exact logit gradients,
 * grouping of repeated observations, thread-safety of concurrent calls, and clear errors.
 */
class NetPolicyTest {
    /** A multi-input spec: a small image, a Discrete(3) part and a scaled Box; 5 actions. */
    static final EnvironmentSpec SPEC = new EnvironmentSpec("Test-v0", 5, List.of(
            new TensorSpec("grid", new int[] {5, 5, 2}, "uint8", new Space.Box(new double[] {0}, new double[] {9},
                    Boolean.TRUE)),
            new TensorSpec("mode", new int[0], "int64", new Space.Discrete(3)),
            new TensorSpec("pos", new int[] {2}, "float32", Space.Box.uniform(-2, 2))), false, -1, 1);
    static final NetSpec NET = SpaceNets.build(SPEC, "auto", "16", "3x3:4");

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

    static double[] features(SplittableRandom r) {
        double[] f = new double[53];
        for (int i = 0; i < 50; i++) {
            f[i] = r.nextInt(10);
        }
        f[50] = r.nextInt(3);
        f[51] = r.nextDouble(-2, 2);
        f[52] = r.nextDouble(-2, 2);
        return f;
    }

    static List<State> states(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        List<State> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long legal = 1L + r.nextInt(31); // a non-empty subset of 5 actions
            out.add(new FixedState(features(r), legal));
        }
        return out;
    }

    @Test
    void sameSeedSameParametersOtherSeedOtherParameters() {
        assertArrayEquals(new NetPolicy(NET, 42).parameters(), new NetPolicy(NET, 42).parameters());
        assertFalse(java.util.Arrays.equals(new NetPolicy(NET, 42).parameters(), new NetPolicy(NET, 43).parameters()));
    }

    @Test
    void batchedEqualsUnbatchedAndIsNormalisedOverLegalActions() {
        NetPolicy p = new NetPolicy(NET, 3);
        List<State> states = states(1, 30);
        double[][] batch = new double[30][5];
        p.logProbabilities(states, batch);
        for (int i = 0; i < states.size(); i++) {
            double[] one = new double[5];
            p.logProbabilities(states.get(i), one);
            assertArrayEquals(batch[i], one);
            double sum = 0;
            long legal = states.get(i).legalActions();
            for (int a = 0; a < 5; a++) {
                if ((legal >> a & 1) == 0) {
                    assertEquals(Double.NEGATIVE_INFINITY, one[a]);
                } else {
                    sum += Math.exp(one[a]);
                }
            }
            assertEquals(1.0, sum, 1e-12);
            if (Long.bitCount(legal) == 1) {
                assertEquals(0.0, one[Long.numberOfTrailingZeros(legal)]);
            }
        }
    }

    @Test
    void cachedLogProbabilitiesEqualFreshOnesAndFollowTheta() {
        NetPolicy p = new NetPolicy(NET, 5);
        State s = states(2, 1).get(0);
        double[] first = new double[5];
        double[] again = new double[5];
        p.logProbabilities(s, first);
        p.logProbabilities(s, again);
        assertArrayEquals(first, again);
        assertEquals(1, p.cacheHits());
        double[] theta = p.parameters();
        theta[theta.length - 1] += 0.5; // the last logit's bias
        p.setParameters(theta);
        double[] moved = new double[5];
        p.logProbabilities(s, moved);
        assertFalse(java.util.Arrays.equals(first, moved), "the cache is cleared when theta changes");
        double[] fresh = new double[5];
        new NetPolicy(NET, theta).logProbabilities(s, fresh);
        assertArrayEquals(fresh, moved);
    }

    /** eq. (10)'s surrogate: sum_i w_i log pi(a_i | s_i); its gradient is DL4J's back-propagation of the exact logit gradients. */
    @Test
    void surrogateGradientEqualsDl4jsBackPropagationOfTheExactLogitGradients() {
        NetPolicy p = new NetPolicy(NET, 9);
        List<State> states = states(3, 12);
        SplittableRandom r = new SplittableRandom(4);
        List<WeightedStep> steps = new ArrayList<>();
        List<double[]> features = new ArrayList<>();
        double[][] dLogits = new double[states.size()][];
        var graph = NetGraphs.create(NET, p.parameters(), DataType.DOUBLE);
        double[][] logits = NetGraphs.logits(graph, NET, features(states));
        for (int i = 0; i < states.size(); i++) {
            State s = states.get(i);
            long legal = s.legalActions();
            int action = legalAt(legal, r.nextInt(Long.bitCount(legal)));
            double w = r.nextBoolean() ? 1.0 : -1.0;
            steps.add(new WeightedStep(s, action, w));
            features.add(s.features());
            dLogits[i] = new double[5];
            MaskedLogSoftmax.addLogProbabilityGradient(logits[i], legal, action, w, dLogits[i]);
        }
        double[] expected = NetGraphs.gradient(graph, NET, features, dLogits);
        double[] got = new double[p.numParameters()];
        p.addGradient(steps, got);
        double scale = 0;
        for (double v : expected) {
            scale = Math.max(scale, Math.abs(v));
        }
        assertTrue(scale > 0);
        for (int k = 0; k < got.length; k++) {
            assertEquals(expected[k], got[k], 2e-4 * scale, "coordinate " + k);
        }
    }

    @Test
    void repeatedObservationsAreGroupedWithoutChangingTheGradient() {
        NetPolicy p = new NetPolicy(NET, 11);
        State s = states(5, 1).get(0);
        int a = Long.numberOfTrailingZeros(s.legalActions());
        double[] twice = new double[p.numParameters()];
        p.addGradient(List.of(new WeightedStep(s, a, 1.0), new WeightedStep(s, a, 1.0)), twice);
        double[] once = new double[p.numParameters()];
        p.addGradient(List.of(new WeightedStep(s, a, 2.0)), once);
        for (int k = 0; k < once.length; k++) {
            assertEquals(once[k], twice[k], 1e-6 * (1 + Math.abs(once[k])));
        }
    }

    @Test
    void anAdamStepAlongTheGradientRaisesTheLogProbability() {
        NetPolicy p = new NetPolicy(NET, 13);
        State s = states(6, 1).get(0);
        int a = Long.numberOfTrailingZeros(s.legalActions());
        if (Long.bitCount(s.legalActions()) == 1) {
            s = new FixedState(s.features(), 0b11111);
        }
        double[] before = new double[5];
        p.logProbabilities(s, before);
        double[] g = new double[p.numParameters()];
        p.addGradient(List.of(new WeightedStep(s, a, 1.0)), g);
        double[] theta = p.parameters();
        new Adam(1e-2).ascend(theta, g);
        p.setParameters(theta);
        double[] after = new double[5];
        p.logProbabilities(s, after);
        assertTrue(after[a] > before[a], before[a] + " -> " + after[a]);
    }

    @Test
    void concurrentCallsGiveTheSingleThreadedResults() throws Exception {
        NetPolicy p = new NetPolicy(NET, 17);
        List<State> states = states(7, 200);
        double[][] expected = new double[states.size()][5];
        new NetPolicy(NET, p.parameters()).logProbabilities(states, expected);
        double[] expectedGradient = new double[p.numParameters()];
        List<WeightedStep> steps = new ArrayList<>();
        for (State s : states) {
            steps.add(new WeightedStep(s, Long.numberOfTrailingZeros(s.legalActions()), 0.5));
        }
        new NetPolicy(NET, p.parameters()).addGradient(steps, expectedGradient);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<double[]>> gradients = new ArrayList<>();
            List<Future<double[][]>> outs = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                outs.add(pool.submit(() -> {
                    double[][] out = new double[states.size()][5];
                    p.logProbabilities(states, out);
                    return out;
                }));
                gradients.add(pool.submit(() -> {
                    double[] g = new double[p.numParameters()];
                    p.addGradient(steps, g);
                    return g;
                }));
            }
            for (Future<double[][]> f : outs) {
                double[][] out = f.get();
                for (int i = 0; i < out.length; i++) {
                    assertArrayEquals(expected[i], out[i]);
                }
            }
            for (Future<double[]> f : gradients) {
                assertArrayEquals(expectedGradient, f.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertTrue(p.concurrentGradients());
    }

    @Test
    void badInputsAreRefusedWithAMessage() {
        NetPolicy p = new NetPolicy(NET, 1);
        double[] out = new double[5];
        String m = assertThrows(IllegalArgumentException.class,
                () -> p.logProbabilities(new FixedState(new double[3], 1), out)).getMessage();
        assertTrue(m.contains("observation has 3 features, the network reads 53"), m);
        double[] f = features(new SplittableRandom(1));
        f[50] = 3; // outside Discrete(3)
        m = assertThrows(IllegalArgumentException.class, () -> p.logProbabilities(new FixedState(f, 1), out)).getMessage();
        assertTrue(m.contains("observation part 'mode' has value 3.0 at element 0, outside its space (integers 0 .. 2)"), m);
        m = assertThrows(IllegalArgumentException.class, () -> p.setParameters(new double[3])).getMessage();
        assertTrue(m.contains("theta has length 3"), m);
        m = assertThrows(IllegalArgumentException.class,
                () -> p.logProbabilities(new FixedState(features(new SplittableRandom(2)), 0), out)).getMessage();
        assertTrue(m.contains("terminal"), m);
    }

    private static List<double[]> features(List<State> states) {
        List<double[]> out = new ArrayList<>();
        for (State s : states) {
            out.add(s.features());
        }
        return out;
    }

    private static int legalAt(long legal, int k) {
        for (int i = 0; i < k; i++) {
            legal &= legal - 1;
        }
        return Long.numberOfTrailingZeros(legal);
    }
}
