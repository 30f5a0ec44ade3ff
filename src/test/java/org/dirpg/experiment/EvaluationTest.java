package org.dirpg.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.dirpg.env.State;
import org.dirpg.env.Transition;
import org.dirpg.env.classic.DeepSea;
import org.dirpg.policy.Policies;
import org.dirpg.policy.Policy;
import org.junit.jupiter.api.Test;

/** The lockstep evaluation on fixed reset seeds equals the episodes played one after another. */
class EvaluationTest {
    @Test
    void lockstepGreedyEpisodesEqualSequentialOnes() {
        DeepSea env = new DeepSea();
        Policy policy = Policies.create("linear", env.spec(), 1.0, 7);
        long[] seeds = {3, 1, 4, 1, 5, 9, 2, 6};
        double sum = 0;
        double sq = 0;
        long steps = 0;
        double[] logp = new double[env.spec().numActions()];
        for (long seed : seeds) {
            State s = env.reset(seed);
            double ret = 0;
            for (int t = 0; t < 3 && !s.isTerminal(); t++) { // cut at 3 steps: the cap applies per episode
                policy.logProbabilities(s, logp);
                int a = logp[1] > logp[0] ? 1 : 0;
                Transition tr = env.step(s, a);
                ret += tr.reward();
                steps++;
                s = tr.next();
            }
            sum += ret;
            sq += ret * ret;
        }
        Evaluation e = Evaluation.onSeeds(env, policy, seeds, true, 3, 0);
        double mean = sum / seeds.length;
        assertEquals(mean, e.mean(), 1e-12);
        assertEquals(Math.sqrt((sq / seeds.length - mean * mean) / (seeds.length - 1)), e.stdError(), 1e-12);
        assertEquals((double) steps / seeds.length, e.meanLength(), 1e-12);
    }
}
