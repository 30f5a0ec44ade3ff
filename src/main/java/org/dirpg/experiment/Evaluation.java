package org.dirpg.experiment;

import java.util.SplittableRandom;
import org.dirpg.env.Environment;
import org.dirpg.env.State;
import org.dirpg.env.Transition;
import org.dirpg.gumbel.Gumbels;
import org.dirpg.policy.Policy;

/**
 * A policy judged on fresh episodes: the mean return with its standard error, the fraction of episodes that ended by
 * termination (for MultiRoom: the goal was reached) and the mean length. Actions are sampled from pi(. | s), as
 * the paper's curves are, or taken greedily (the most probable legal action). Episodes run until the environment
 * ends them (terminated or truncated) or {@code maxSteps} steps, whichever comes first.
 *
 * @param episodes   the number of episodes
 * @param mean       the mean return
 * @param stdError   its standard error
 * @param terminated the fraction of episodes that terminated (not truncated, not cut at maxSteps)
 * @param meanLength the mean number of steps
 */
public record Evaluation(int episodes, double mean, double stdError, double terminated, double meanLength) {

    /** Evaluates {@code policy} on {@code episodes} episodes whose seeds come from {@code seed}. */
    public static Evaluation run(Environment env, Policy policy, int episodes, long seed, boolean greedy, int maxSteps) {
        if (episodes < 2) {
            throw new IllegalArgumentException("episodes must be at least 2, got " + episodes);
        }
        SplittableRandom rng = new SplittableRandom(seed);
        int n = env.spec().numActions();
        double[] logp = new double[n];
        double sum = 0;
        double sq = 0;
        int ended = 0;
        long steps = 0;
        for (int e = 0; e < episodes; e++) {
            State s = env.reset(rng.nextLong());
            double ret = 0;
            boolean terminated = false;
            for (int t = 0; t < maxSteps && !s.isTerminal(); t++) {
                policy.logProbabilities(s, logp);
                int a = greedy ? argmax(logp) : Gumbels.sampleFromSubset(logp, s.legalActions(), rng);
                Transition tr = env.step(s, a);
                ret += tr.reward();
                terminated = tr.terminated();
                steps++;
                s = tr.next();
            }
            if (terminated) {
                ended++;
            }
            sum += ret;
            sq += ret * ret;
        }
        double mean = sum / episodes;
        double se = Math.sqrt(Math.max(0, sq / episodes - mean * mean) / (episodes - 1));
        return new Evaluation(episodes, mean, se, (double) ended / episodes, (double) steps / episodes);
    }

    private static int argmax(double[] logp) {
        int best = 0;
        for (int a = 1; a < logp.length; a++) {
            if (logp[a] > logp[best]) {
                best = a;
            }
        }
        return best;
    }
}
