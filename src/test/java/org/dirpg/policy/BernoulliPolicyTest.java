package org.dirpg.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.dirpg.env.State;
import org.dirpg.env.classic.SpanningTreeBandit;
import org.junit.jupiter.api.Test;

class BernoulliPolicyTest {

    private static List<WeightedStep> banditSteps(SpanningTreeBandit env, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<WeightedStep> steps = new ArrayList<>();
        for (int r = 0; r < 6; r++) {
            State s = env.reset(r);
            while (!s.isTerminal()) {
                int a = LinearSoftmaxPolicyTest.nthBit(s.legalActions(), rng.nextInt(Long.bitCount(s.legalActions())));
                steps.add(new WeightedStep(s, a, rng.nextDouble(-2, 2)));
                s = env.step(s, a).next();
            }
        }
        return steps;
    }

    @Test
    void gradientMatchesFiniteDifferencesOnBanditStatesWithMasks() {
        SpanningTreeBandit env = SpanningTreeBandit.complete(5, 1);
        BernoulliPolicy policy = new BernoulliPolicy(env.numEdges());
        SplittableRandom rng = new SplittableRandom(2);
        double[] theta = new double[env.numEdges()];
        for (int e = 0; e < theta.length; e++) {
            theta[e] = rng.nextGaussian() * 2;
        }
        policy.setParameters(theta);
        List<WeightedStep> steps = banditSteps(env, 4);
        assertTrue(steps.stream().anyMatch(s -> Long.bitCount(s.state().legalActions()) == 1), "masked decisions occur");
        LinearSoftmaxPolicyTest.checkGradient(policy, steps);
    }

    @Test
    void probabilitiesAreSigmoidOfThetaAndForcedDecisionsAreCertain() {
        SpanningTreeBandit env = SpanningTreeBandit.complete(4, 1);
        BernoulliPolicy policy = new BernoulliPolicy(env.numEdges());
        policy.setParameters(new double[] {1.5, -0.5, 0, 0, 0, 0});
        double[] lp = new double[2];
        State root = env.reset(0);
        policy.logProbabilities(root, lp);
        assertEquals(1 / (1 + Math.exp(-1.5)), Math.exp(lp[1]), 1e-12);
        assertEquals(1.0, Math.exp(lp[0]) + Math.exp(lp[1]), 1e-12);
        assertEquals(1 / (1 + Math.exp(-1.5)), policy.inclusionProbability(0), 1e-12);
        // Exclude the first three edges of K_4: the next decision must include.
        State s = root;
        for (int e = 0; e < 3; e++) {
            s = env.step(s, 0).next();
        }
        policy.logProbabilities(s, lp);
        assertEquals(0.0, lp[1], 0.0);
        assertEquals(Double.NEGATIVE_INFINITY, lp[0]);
        // Extreme logits stay finite.
        policy.setParameters(new double[] {800, -800, 0, 0, 0, 0});
        policy.logProbabilities(root, lp);
        assertEquals(0.0, lp[1], 1e-300);
        assertEquals(-800.0, lp[0], 1e-9);
    }

    /** Adam ascends sum_e [q_e log sigma(theta_e) + (1 - q_e) log(1 - sigma(theta_e))] to sigma(theta_e) = q_e. */
    @Test
    void adamAscendsToTheTargetInclusionProbabilities() {
        SpanningTreeBandit env = SpanningTreeBandit.complete(3, 1);
        BernoulliPolicy policy = new BernoulliPolicy(3);
        State root = env.reset(0);
        double q = 0.8;
        List<WeightedStep> steps = List.of(new WeightedStep(root, 1, q), new WeightedStep(root, 0, 1 - q));
        Adam adam = new Adam(0.05);
        for (int t = 0; t < 2000; t++) {
            double[] g = new double[3];
            policy.addGradient(steps, g);
            adam.ascend(policy, g);
        }
        assertEquals(q, policy.inclusionProbability(0), 1e-3);
        assertEquals(0.5, policy.inclusionProbability(1), 0.0, "untouched decisions stay at 1/2");
    }

    @Test
    void rejectsIndicesOutsideTheDecisions() {
        SpanningTreeBandit env = SpanningTreeBandit.complete(4, 1);
        BernoulliPolicy small = new BernoulliPolicy(2);
        State s = env.step(env.step(env.reset(0), 1).next(), 1).next();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> small.logProbabilities(s, new double[2]));
        assertTrue(e.getMessage().contains("decision index 2"), e.getMessage());
    }
}
