package org.dirpg.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.dirpg.env.ActionSets;
import org.dirpg.env.State;
import org.dirpg.env.classic.CoinTree;
import org.dirpg.policy.LinearSoftmaxPolicy;
import org.dirpg.testing.Stats;
import org.dirpg.testing.Trajectories;
import org.junit.jupiter.api.Test;

/** Algorithm 2: the first yield is a sample from Pi, the stream is an exact enumeration in non-increasing G. */
class TrajectoryGeneratorTest {
    private final CoinTree env = new CoinTree(3, 3, 7L);
    private final LinearSoftmaxPolicy policy = new LinearSoftmaxPolicy(env.spec().featureSize(), 3, 1.0, 11L);

    private static final SearchConfig EXHAUSTIVE = SearchConfig.gumbel(1.0, Long.MAX_VALUE, false);

    @Test
    void firstYieldIsDistributedAsPi() {
        State root = env.reset(3L);
        List<Trajectories.Path> paths = Trajectories.enumerate(env, policy, root);
        Map<String, Integer> index = new HashMap<>();
        double[] p = new double[paths.size()];
        for (int i = 0; i < paths.size(); i++) {
            index.put(paths.get(i).key(), i);
            p[i] = Math.exp(paths.get(i).logPi());
        }
        assertEquals(1.0, Arrays.stream(p).sum(), 1e-12);
        long[] counts = new long[paths.size()];
        int n = 40_000;
        for (int seed = 0; seed < n; seed++) {
            Candidate first = new TrajectoryGenerator(env, policy, EXHAUSTIVE, root, seed).next();
            counts[index.get(Arrays.toString(first.actions()))]++;
        }
        double stat = Stats.chiSquare(counts, p);
        double critical = Stats.chiSquareCritical(paths.size() - 1, 3.09);
        assertTrue(stat < critical, "chi-square " + stat + " >= critical " + critical + " (p = 0.001, df = " + (paths.size() - 1) + ")");
    }

    @Test
    void unlimitedBudgetEnumeratesEveryTrajectoryOnceInNonIncreasingG() {
        for (long seed = 0; seed < 50; seed++) {
            State root = env.reset(seed);
            List<Trajectories.Path> paths = Trajectories.enumerate(env, policy, root);
            TrajectoryGenerator gen = new TrajectoryGenerator(env, policy, EXHAUSTIVE, root, seed * 31 + 1);
            Set<String> seen = new HashSet<>();
            double previous = Double.POSITIVE_INFINITY;
            Candidate c;
            Map<String, Double> returns = new HashMap<>();
            for (Trajectories.Path path : paths) {
                returns.put(path.key(), path.ret());
            }
            while ((c = gen.next()) != null) {
                assertTrue(seen.add(Arrays.toString(c.actions())), "trajectory yielded twice: " + Arrays.toString(c.actions()));
                assertTrue(c.g() <= previous, "G increased from " + previous + " to " + c.g());
                previous = c.g();
                assertEquals(returns.get(Arrays.toString(c.actions())), c.ret(), 1e-12);
                assertEquals(c.g() + c.ret(), c.d(), 1e-12);
            }
            assertEquals(paths.size(), seen.size(), "every trajectory of S is yielded");
        }
    }

    /** Consistency of the Gumbel process (App. B, property 3): G(R) is the max of G over R's trajectories. */
    @Test
    void regionGumbelsAreTheMaxOverTheirTrajectories() {
        State root = env.reset(5L);
        record Created(int[] prefix, long allowed, double g) {
        }
        List<Created> regions = new ArrayList<>();
        TrajectoryGenerator gen = new TrajectoryGenerator(env, policy, EXHAUSTIVE, root, 99L,
                (node, allowed, g) -> regions.add(new Created(node.actions(), allowed, g)));
        List<Candidate> all = new ArrayList<>();
        Candidate c;
        while ((c = gen.next()) != null) {
            all.add(c);
        }
        assertTrue(regions.size() > all.size());
        for (Created r : regions) {
            double max = Double.NEGATIVE_INFINITY;
            for (Candidate t : all) {
                int[] a = t.actions();
                if (a.length > r.prefix.length && Arrays.equals(Arrays.copyOf(a, r.prefix.length), r.prefix)
                        && ActionSets.contains(r.allowed, a[r.prefix.length])) {
                    max = Math.max(max, t.g());
                }
            }
            assertEquals(r.g, max, 0.0, "region " + Arrays.toString(r.prefix) + " " + ActionSets.toString(r.allowed));
        }
    }

    @Test
    void budgetCountsInteractionsAndAlwaysCompletesAOpt() {
        State root = env.reset(1L);
        TrajectoryGenerator gen = new TrajectoryGenerator(env, policy, SearchConfig.gumbel(1.0, 1, false), root, 4L);
        Candidate first = gen.next();
        assertEquals(3, first.actions().length);
        assertEquals(3, gen.interactions(), "a_opt's rollout is completed and counted even past the budget");
        assertEquals(null, gen.next(), "no candidate after the budget is spent");
    }

    /** The realised Gumbel process does not depend on the expansion order: A* sees the same G per trajectory. */
    @Test
    void gumbelOfATrajectoryIsIndependentOfThePriority() {
        State root = env.reset(8L);
        Map<String, Double> gumbel = new HashMap<>();
        TrajectoryGenerator a = new TrajectoryGenerator(env, policy, EXHAUSTIVE, root, 77L);
        Candidate c;
        while ((c = a.next()) != null) {
            gumbel.put(Arrays.toString(c.actions()), c.g());
        }
        TrajectoryGenerator b = new TrajectoryGenerator(env, policy,
                new SearchConfig(1.0, Priority.ASTAR, 0.5, Long.MAX_VALUE, false, false), root, 77L);
        int n = 0;
        while ((c = b.next()) != null) {
            assertEquals(gumbel.get(Arrays.toString(c.actions())), c.g(), 0.0);
            n++;
        }
        assertEquals(gumbel.size(), n);
        assertArrayEquals(new int[0], new int[0]);
    }

    /**
     * Batched rounds expand several regions per policy and environment batch; the keyed draws make them realise the
     * same Gumbel process, so with an unlimited budget they yield every trajectory once with the same G, and never
     * spend more than the budget once a_opt is complete.
     */
    @Test
    void batchedRoundsRealiseTheSameGumbelProcessWithinTheBudget() {
        CoinTree deep = new CoinTree(5, 3, 2L);
        LinearSoftmaxPolicy p = new LinearSoftmaxPolicy(deep.spec().featureSize(), 3, 0.5, 1L);
        for (long seed = 0; seed < 20; seed++) {
            State root = deep.reset(seed);
            Map<String, Double> single = new HashMap<>();
            TrajectoryGenerator one = new TrajectoryGenerator(deep, p, EXHAUSTIVE, root, seed);
            Candidate c;
            while ((c = one.next()) != null) {
                single.put(Arrays.toString(c.actions()), c.g());
            }
            TrajectoryGenerator batched = new TrajectoryGenerator(deep, p, EXHAUSTIVE.withExpansionsPerRound(8), root, seed);
            Set<String> seen = new HashSet<>();
            while ((c = batched.next()) != null) {
                String key = Arrays.toString(c.actions());
                assertTrue(seen.add(key), "yielded twice: " + key);
                assertEquals(single.get(key), c.g(), 0.0, key);
            }
            assertEquals(single.keySet(), seen);
            assertEquals(one.interactions(), batched.interactions(), "both step every node of S once");

            SearchConfig budgeted = new SearchConfig(1.0, Priority.ASTAR, 0.3, 40, false, true).withExpansionsPerRound(16);
            TrajectoryGenerator limited = new TrajectoryGenerator(deep, p, budgeted, root, seed);
            Candidate first = limited.next();
            long afterOpt = limited.interactions();
            while (limited.next() != null) {
                assertTrue(limited.interactions() <= Math.max(40, afterOpt), "spent " + limited.interactions());
            }
            assertEquals(5, first.actions().length);
        }
    }
}
