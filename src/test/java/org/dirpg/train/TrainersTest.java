package org.dirpg.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.dirpg.env.State;
import org.dirpg.env.classic.DeepSea;
import org.dirpg.env.classic.SpanningTreeBandit;
import org.dirpg.estimator.ExactEvaluator;
import org.dirpg.policy.BernoulliPolicy;
import org.dirpg.policy.LinearSoftmaxPolicy;
import org.dirpg.policy.Policy;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** Every trainer raises the exact expected return in a short seeded run, and a seed fixes the whole run. */
class TrainersTest {

    private static TrainSettings settings(Algorithm algorithm, long seed) {
        return TrainSettings.builder().envId(DeepSea.ID).algorithm(algorithm).seed(seed).learningRate(0.05)
                .budget(Long.MAX_VALUE).earlyStop(false).rollouts(16).elites(4).updates(300).build();
    }

    private static List<UpdateMetrics> run(TrainSettings s, Policy[] out) {
        DeepSea sea = new DeepSea();
        Policy policy = TrainerFactory.policy(s, sea);
        Trainer trainer = TrainerFactory.trainer(s, sea, policy);
        List<UpdateMetrics> metrics = new ArrayList<>();
        TrainingRun.run(trainer, s.updates(), metrics::add);
        out[0] = policy;
        return metrics;
    }

    @ParameterizedTest
    @EnumSource(value = Algorithm.class, names = {"DIRPG", "REINFORCE", "REINFORCE_RTG", "CEM"})
    void trainerRaisesExactExpectedReturnOnDeepSea(Algorithm algorithm) {
        DeepSea sea = new DeepSea();
        double before = ExactEvaluator.evaluate(sea, new LinearSoftmaxPolicy(sea.spec().featureSize(), 2, 0, 0), 1.0).expectedReturn();
        Policy[] trained = new Policy[1];
        run(settings(algorithm, 1), trained);
        double after = ExactEvaluator.evaluate(sea, trained[0], 1.0).expectedReturn();
        assertTrue(before < -0.3, "the uniform policy pays for its RIGHT steps: " + before);
        assertTrue(after > before + 0.2, algorithm + ": expected return " + before + " -> " + after);
    }

    @ParameterizedTest
    @EnumSource(value = Algorithm.class, names = {"DIRPG", "REINFORCE", "REINFORCE_RTG", "CEM"})
    void sameSeedSameRun(Algorithm algorithm) {
        Policy[] a = new Policy[1];
        Policy[] b = new Policy[1];
        TrainSettings s = settings(algorithm, 7).toBuilder().updates(50).build();
        assertEquals(run(s, a), run(s, b));
        assertEquals(java.util.Arrays.toString(a[0].parameters()), java.util.Arrays.toString(b[0].parameters()));
        Policy[] c = new Policy[1];
        run(settings(algorithm, 8).toBuilder().updates(50).build(), c);
        assertTrue(!java.util.Arrays.equals(a[0].parameters(), c[0].parameters()), "another seed, another run");
    }

    /** Expected reward of the tree a Bernoulli policy picks greedily (the most likely decision at each step). */
    private static double greedyTreeReward(SpanningTreeBandit env, BernoulliPolicy policy) {
        State s = env.reset(0);
        double[] logp = new double[2];
        while (!s.isTerminal()) {
            policy.logProbabilities(s, logp);
            s = env.step(s, logp[1] > logp[0] ? 1 : 0).next();
        }
        return s.isFeasible() ? env.expectedReward(env.chosenEdges(s)) : 0;
    }

    @Test
    void dirpgAndUcbLearnTheBandit() {
        SpanningTreeBandit env = SpanningTreeBandit.complete(5, 3);
        double best = env.expectedReward(env.maximumSpanningTree(env.mu()));
        double mean = 0;
        for (int e = 0; e < env.numEdges(); e++) {
            mean += env.mu()[e] * (env.numNodes() - 1.0) / env.numEdges();
        }
        TrainSettings s = TrainSettings.builder().envId(SpanningTreeBandit.ID).algorithm(Algorithm.DIRPG).learningRate(0.05)
                .budget(100).earlyStop(true).updates(400).seed(2).build();
        BernoulliPolicy policy = new BernoulliPolicy(env.numEdges());
        TrainingRun.run(TrainerFactory.trainer(s, env, policy), 400, m -> { });
        double dirpg = greedyTreeReward(env, policy);
        assertTrue(dirpg > mean + 0.6 * (best - mean), "DirPG's tree " + dirpg + ", best " + best + ", random " + mean);
        for (Algorithm ucb : new Algorithm[] {Algorithm.UCB_SEMI, Algorithm.UCB_FULL}) {
            UcbTrainer t = (UcbTrainer) TrainerFactory.trainer(s.toBuilder().algorithm(ucb).build(), env, null);
            TrainingRun.run(t, 2000, m -> { });
            double r = t.greedyExpectedReward();
            assertTrue(r > mean + 0.6 * (best - mean), ucb + ": tree " + r + ", best " + best + ", random " + mean);
        }
    }

    @Test
    void ucbRefusesOtherEnvironments() {
        TrainSettings s = TrainSettings.builder().algorithm(Algorithm.UCB_SEMI).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrainerFactory.trainer(s, new DeepSea(), null));
        assertTrue(e.getMessage().contains("SpanningTreeBandit-v0"), e.getMessage());
    }

    @Test
    void settingsNameTheFieldThatIsWrong() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TrainSettings.builder().epsilon(0).build())
                .getMessage().startsWith("epsilon"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TrainSettings.builder().alpha(1.5).build())
                .getMessage().startsWith("alpha"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TrainSettings.builder().budget(-1).build())
                .getMessage().startsWith("budget"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TrainSettings.builder().elites(40).build())
                .getMessage().startsWith("elites"));
    }
}
