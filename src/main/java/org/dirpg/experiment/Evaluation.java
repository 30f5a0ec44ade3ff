package org.dirpg.experiment;

import java.util.ArrayList;
import java.util.List;
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
        return run(env, policy, episodes, seed, greedy, maxSteps, org.dirpg.train.ProgressSink.NONE);
    }

    /**
     * As {@link #run(Environment, Policy, int, long, boolean, int)}, reporting each episode to {@code progress} as
     * one item with its steps as interactions and its return.
     */
    public static Evaluation run(Environment env, Policy policy, int episodes, long seed, boolean greedy, int maxSteps,
                                 org.dirpg.train.ProgressSink progress) {
        if (episodes < 2) {
            throw new IllegalArgumentException("episodes must be at least 2, got " + episodes);
        }
        SplittableRandom rng = new SplittableRandom(seed);
        Tally tally = new Tally();
        for (int e = 0; e < episodes; e++) {
            long before = tally.steps;
            double ret = tally.episode(env, policy, rng.nextLong(), greedy, maxSteps, rng);
            progress.add(1, tally.steps - before, ret);
        }
        return tally.result(episodes);
    }

    /**
     * Evaluates {@code policy} on one episode per reset seed in {@code resetSeeds}: the fixed episodes every method of
     * an experiment is judged on, whichever language it runs in (a Python evaluator resets with the same seeds). The
     * episodes run in lockstep, one {@link Environment#stepBatch} per time step (one call to a remote env server);
     * sampled actions draw, step by step and in the order of the seeds, from a generator seeded with
     * {@code actionSeed}.
     */
    public static Evaluation onSeeds(Environment env, Policy policy, long[] resetSeeds, boolean greedy, int maxSteps,
                                     long actionSeed) {
        int n = resetSeeds.length;
        if (n < 2) {
            throw new IllegalArgumentException("episodes must be at least 2, got " + n);
        }
        SplittableRandom rng = new SplittableRandom(actionSeed);
        double[] logp = new double[env.spec().numActions()];
        State[] states = new State[n];
        double[] returns = new double[n];
        boolean[] terminated = new boolean[n];
        long steps = 0;
        for (int e = 0; e < n; e++) {
            states[e] = env.reset(resetSeeds[e]);
        }
        for (int t = 0; t < maxSteps; t++) {
            List<Integer> live = new ArrayList<>();
            List<State> batch = new ArrayList<>();
            for (int e = 0; e < n; e++) {
                if (!states[e].isTerminal()) {
                    live.add(e);
                    batch.add(states[e]);
                }
            }
            if (live.isEmpty()) {
                break;
            }
            int[] actions = new int[live.size()];
            for (int i = 0; i < actions.length; i++) {
                policy.logProbabilities(batch.get(i), logp);
                actions[i] = greedy ? argmax(logp) : Gumbels.sampleFromSubset(logp, batch.get(i).legalActions(), rng);
            }
            List<Transition> out = env.stepBatch(batch, actions);
            for (int i = 0; i < actions.length; i++) {
                int e = live.get(i);
                Transition tr = out.get(i);
                returns[e] += tr.reward();
                terminated[e] = tr.terminated();
                states[e] = tr.next();
                steps++;
            }
        }
        double sum = 0;
        double sq = 0;
        int ended = 0;
        for (int e = 0; e < n; e++) {
            sum += returns[e];
            sq += returns[e] * returns[e];
            ended += terminated[e] ? 1 : 0;
        }
        return of(n, sum, sq, ended, steps);
    }

    private static Evaluation of(int episodes, double sum, double sq, int ended, long steps) {
        double mean = sum / episodes;
        double se = Math.sqrt(Math.max(0, sq / episodes - mean * mean) / (episodes - 1));
        return new Evaluation(episodes, mean, se, (double) ended / episodes, (double) steps / episodes);
    }

    /** Sums over episodes. */
    private static final class Tally {
        private double sum;
        private double sq;
        private int ended;
        private long steps;
        private double[] logp;

        /** Plays one episode into the sums; returns its return. */
        double episode(Environment env, Policy policy, long resetSeed, boolean greedy, int maxSteps, SplittableRandom rng) {
            if (logp == null) {
                logp = new double[env.spec().numActions()];
            }
            State s = env.reset(resetSeed);
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
            return ret;
        }

        Evaluation result(int episodes) {
            return of(episodes, sum, sq, ended, steps);
        }
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
