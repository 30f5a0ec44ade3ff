package org.dirpg.train;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.dirpg.env.Environment;
import org.dirpg.env.State;
import org.dirpg.env.Transition;
import org.dirpg.gumbel.Gumbels;
import org.dirpg.policy.Policy;

/**
 * One trajectory sampled from pi_theta on an episode's tree (eq. 1), with its rewards and the interactions it cost.
 * A trajectory that reaches {@code maxSteps} steps without ending is truncated there, as Gymnasium's TimeLimit does:
 * its final state is not terminal and {@link #truncated()} is true.
 *
 * @param states       s_0 .. s_{T-1}, the states actions were taken in
 * @param actions      a_0 .. a_{T-1}
 * @param rewards      r_0 .. r_{T-1}
 * @param finalState   s_T (not terminal when the rollout was truncated)
 * @param interactions interactions spent
 * @param terminated   the last step terminated the episode (Gymnasium's {@code terminated}: the goal, a hole), as
 *                     opposed to a truncation by the environment's step limit or by {@code maxSteps}
 */
public record Rollout(List<State> states, int[] actions, double[] rewards, State finalState, long interactions,
                      boolean terminated) {

    /** The return R = sum_t r_t. */
    public double totalReturn() {
        double r = 0;
        for (double x : rewards) {
            r += x;
        }
        return r;
    }

    /** Rewards-to-go: G_t = sum_{t' >= t} r_t'. */
    public double[] rewardsToGo() {
        return rewardsToGo(1.0);
    }

    /** Discounted rewards-to-go: G_t = sum_{t' >= t} gamma^(t' - t) r_t'; G_0 is the discounted return. */
    public double[] rewardsToGo(double gamma) {
        double[] g = new double[rewards.length];
        double acc = 0;
        for (int t = rewards.length - 1; t >= 0; t--) {
            acc = rewards[t] + gamma * acc;
            g[t] = acc;
        }
        return g;
    }

    /** True when the episode did not end within maxSteps and the rollout was cut there (Gymnasium's truncation). */
    public boolean truncated() {
        return !finalState.isTerminal();
    }

    /**
     * Samples until the trajectory ends in a feasible terminal (rejection sampling from Pi restricted to feasible
     * trajectories, the same distribution as the search's a_opt); interactions of rejected tries are counted.
     */
    public static Rollout sampleFeasible(Environment env, Policy policy, State start, RandomGenerator rng, int maxSteps) {
        long spent = 0;
        for (int attempt = 0; attempt < 10_000; attempt++) {
            Rollout r = sample(env, policy, start, rng, maxSteps);
            spent += r.interactions();
            if (r.finalState().isFeasible()) {
                return new Rollout(r.states(), r.actions(), r.rewards(), r.finalState(), spent, r.terminated());
            }
        }
        throw new IllegalStateException(env.spec().id() + ": 10000 sampled trajectories in a row were infeasible");
    }

    /** {@code n} feasible trajectories sampled from {@code start}, each with its own draws from {@code rng}. */
    public static List<Rollout> batch(Environment env, Policy policy, State start, int n, RandomGenerator rng, int maxSteps) {
        List<Rollout> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(sampleFeasible(env, policy, start, rng, maxSteps));
        }
        return out;
    }

    /** The interactions a batch of rollouts spent. */
    public static long interactions(List<Rollout> batch) {
        long spent = 0;
        for (Rollout r : batch) {
            spent += r.interactions();
        }
        return spent;
    }

    /**
     * Samples a trajectory from {@code start} with actions a_t ~ pi(. | s_t) until the episode ends or
     * {@code maxSteps} steps were taken, whichever comes first (then the rollout is {@link #truncated()}).
     */
    public static Rollout sample(Environment env, Policy policy, State start, RandomGenerator rng, int maxSteps) {
        if (maxSteps < 1) {
            throw new IllegalArgumentException("max_steps: must be at least 1, got " + maxSteps);
        }
        List<State> states = new ArrayList<>();
        List<Integer> actions = new ArrayList<>();
        List<Double> rewards = new ArrayList<>();
        double[] logp = new double[policy.numActions()];
        long spent = 0;
        boolean terminated = false;
        State s = start;
        while (!s.isTerminal() && states.size() < maxSteps) {
            policy.logProbabilities(s, logp);
            int a = Gumbels.sampleFromSubset(logp, s.legalActions(), rng);
            Transition t = env.step(s, a);
            states.add(s);
            actions.add(a);
            rewards.add(t.reward());
            spent += t.interactions();
            terminated = t.terminated();
            s = t.next();
        }
        return new Rollout(List.copyOf(states), actions.stream().mapToInt(Integer::intValue).toArray(),
                rewards.stream().mapToDouble(Double::doubleValue).toArray(), s, spent, terminated);
    }
}
