package org.dirpg.env.minigrid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.SplittableRandom;
import org.dirpg.env.Environment;
import org.dirpg.env.State;
import org.dirpg.env.classic.Environments;
import org.dirpg.estimator.DirectPolicyGradient;
import org.dirpg.estimator.SearchResult;
import org.dirpg.search.Heuristic;
import org.dirpg.search.SearchConfig;
import org.junit.jupiter.api.Test;

/**
 * The A* stall on MultiRoom-N6 (REFERENCE.md) and its fix. With the valid, step-limited bound as U, the priority
 * G + eps (L + alpha U) of a popped region's special child falls as steps run out, shallow regions win and the search
 * completes (almost) nothing after a_opt within the paper's budget; with the authors' discounted heuristic, U barely
 * changes per step and the search completes trajectories. Also: the bounds' defining properties on real states.
 */
class AStarHeuristicTest {
    private static final Map<String, String> PAPER = Map.of("paperReward", "true", "actions", "0,1,2,5");

    private static double meanCandidates(Heuristic h) {
        Environment env = Environments.make("JavaMiniGrid-MultiRoom-N6-v0", PAPER);
        var policy = new org.dirpg.policy.net.NetPolicy(org.dirpg.policy.net.SpaceNets.paperNetwork(env.spec()), 4);
        DirectPolicyGradient dpg = new DirectPolicyGradient(SearchConfig.astar(1.0, 0.2, 3000, false).withHeuristic(h));
        SplittableRandom rng = new SplittableRandom(12);
        int maps = 8;
        double sum = 0;
        for (int m = 0; m < maps; m++) {
            SearchResult r = dpg.search(env, policy, env.reset(rng.nextLong()), rng.nextLong());
            sum += r.candidates();
        }
        return sum / maps;
    }

    @Test
    void theDiscountedHeuristicCompletesTrajectoriesWhereTheValidBoundStalls() {
        double valid = meanCandidates(Heuristic.VALID_BOUND);
        double discounted = meanCandidates(Heuristic.DISCOUNTED);
        assertTrue(discounted >= 2.0, "the discounted heuristic completes trajectories after a_opt: " + discounted);
        assertTrue(discounted > 2 * valid, "valid bound " + valid + " vs discounted " + discounted);
    }

    @Test
    void theUpperBoundHoldsAndTheHeuristicIsItsDiscountedShadow() {
        MultiRoomEnvironment env = (MultiRoomEnvironment) Environments.make("JavaMiniGrid-MultiRoom-N6-v0", PAPER);
        SplittableRandom rng = new SplittableRandom(3);
        int[] actions = {0, 1, 2, 5};
        for (int episode = 0; episode < 200; episode++) {
            State s = env.reset(rng.nextLong());
            java.util.List<State> path = new java.util.ArrayList<>();
            java.util.List<Double> rewards = new java.util.ArrayList<>();
            while (!s.isTerminal()) {
                path.add(s);
                // mostly forward and toggle so doors open and goals are reached now and then
                int a = rng.nextInt(10) < 6 ? (rng.nextBoolean() ? 2 : 5) : actions[rng.nextInt(4)];
                var t = env.step(s, a);
                rewards.add(t.reward());
                s = t.next();
            }
            assertEquals(0.0, s.returnToGoUpperBound());
            assertEquals(0.0, s.returnToGoHeuristic());
            double toGo = 0;
            for (int i = path.size() - 1; i >= 0; i--) {
                toGo += rewards.get(i);
                State p = path.get(i);
                assertTrue(p.returnToGoUpperBound() >= toGo, "U = " + p.returnToGoUpperBound() + " < realised " + toGo);
                assertTrue(p.returnToGoHeuristic() <= 100 + 30 * 5 && p.returnToGoHeuristic() > 0);
            }
        }
    }
}
