package org.dirpg.policy.dl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.dirpg.env.State;
import org.dirpg.env.classic.Environments;
import org.dirpg.env.Environment;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/** The plain-array forward pass and the observation cache against the DL4J graph they stand in for. */
class ConvInferenceTest {

    private static List<State> states(int n) {
        SplittableRandom rng = new SplittableRandom(11);
        List<State> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(MiniGridTestStates.random(rng, (1L << 7) - 1));
        }
        // and real MultiRoom observations from the twin (sparse: walls, empty, doors, unseen)
        Environment twin = Environments.make("JavaMiniGrid-MultiRoom-N6-v0");
        State s = twin.reset(5);
        for (int i = 0; i < n; i++) {
            out.add(s);
            s = twin.step(s, rng.nextInt(7)).next();
            if (s.isTerminal()) {
                s = twin.reset(6 + i);
            }
        }
        return out;
    }

    @Test
    void logitsEqualTheGraphsInFloat() {
        MiniGridConvPolicy policy = new MiniGridConvPolicy(3, DataType.FLOAT);
        double[] theta = policy.parameters();
        SplittableRandom rng = new SplittableRandom(4);
        for (int k = 0; k < theta.length; k++) {
            theta[k] += 0.05 * rng.nextGaussian(); // non-zero biases, generic weights
        }
        policy.setParameters(theta);
        List<State> states = states(200);
        double[][] graph = policy.graphLogits(states);
        double[] fast = new double[7];
        ConvInference net = new ConvInference(policyGraph(policy));
        double worst = 0;
        for (int i = 0; i < states.size(); i++) {
            net.logits(states.get(i).features(), fast);
            for (int a = 0; a < 7; a++) {
                double scale = Math.max(1, Math.abs(graph[i][a]));
                worst = Math.max(worst, Math.abs(fast[a] - graph[i][a]) / scale);
            }
        }
        // Both sum ~500 float products per logit in different orders: a few float ulps of the partial sums.
        assertTrue(worst < 2e-5, "worst relative logit difference " + worst);
    }

    @Test
    void cachedLogProbabilitiesEqualFreshOnesAndFollowTheta() {
        MiniGridConvPolicy policy = new MiniGridConvPolicy(8, DataType.FLOAT);
        List<State> states = states(50);
        double[][] first = new double[states.size()][7];
        policy.logProbabilities(states, first);
        long misses = policy.cacheMisses();
        double[][] again = new double[states.size()][7];
        policy.logProbabilities(states, again);
        for (int i = 0; i < states.size(); i++) {
            assertArrayEquals(first[i], again[i], 0.0);
        }
        assertEquals(misses, policy.cacheMisses(), "the second pass is served from the cache");
        assertTrue(policy.cacheHits() >= states.size());
        double[] theta = policy.parameters();
        theta[theta.length - 1] += 1.0; // the last logit's bias
        policy.setParameters(theta);
        double[] moved = new double[7];
        policy.logProbabilities(states.get(0), moved);
        assertTrue(moved[6] > first[0][6], "a new theta is not served stale logits");
    }

    private static org.deeplearning4j.nn.graph.ComputationGraph policyGraph(MiniGridConvPolicy p) {
        try {
            java.lang.reflect.Field f = MiniGridConvPolicy.class.getDeclaredField("graph");
            f.setAccessible(true);
            return (org.deeplearning4j.nn.graph.ComputationGraph) f.get(p);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
