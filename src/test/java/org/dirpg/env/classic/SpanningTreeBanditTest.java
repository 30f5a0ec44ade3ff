package org.dirpg.env.classic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.dirpg.env.State;
import org.dirpg.env.Transition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SpanningTreeBanditTest {

    /** A finished trajectory: its terminal, its total reward and interactions, and the U of every state on it. */
    private record Leaf(State terminal, double reward, int interactions, boolean[] edges) {
    }

    private static void enumerate(SpanningTreeBandit env, State s, double reward, int interactions, List<Leaf> out,
                                  List<double[]> boundChecks) {
        if (s.isTerminal()) {
            out.add(new Leaf(s, reward, interactions, env.chosenEdges(s)));
            return;
        }
        List<Leaf> below = new ArrayList<>();
        for (int a = 0; a < 2; a++) {
            if ((s.legalActions() & (1L << a)) != 0) {
                Transition t = env.step(s, a);
                if (!t.next().isTerminal()) {
                    assertEquals(0.0, t.reward(), 0.0, "intermediate decisions pay nothing");
                    assertEquals(0, t.interactions(), "intermediate decisions cost no interaction");
                }
                enumerate(env, t.next(), reward + t.reward(), interactions + t.interactions(), below, boundChecks);
            }
        }
        double best = 0;
        for (Leaf leaf : below) {
            best = Math.max(best, leaf.terminal().isFeasible() ? maxReward(env, leaf.edges()) : 0);
        }
        boundChecks.add(new double[] {s.returnToGoUpperBound(), best});
        out.addAll(below);
    }

    private static double maxReward(SpanningTreeBandit env, boolean[] tree) {
        return 2 * env.expectedReward(tree);
    }

    private static boolean isSpanningTree(SpanningTreeBandit env, boolean[] tree) {
        int n = env.numNodes();
        int[] parent = new int[n];
        for (int v = 0; v < n; v++) {
            parent[v] = v;
        }
        int count = 0;
        for (int e = 0; e < tree.length; e++) {
            if (tree[e]) {
                count++;
                int a = root(parent, env.edge(e)[0]);
                int b = root(parent, env.edge(e)[1]);
                if (a == b) {
                    return false;
                }
                parent[a] = b;
            }
        }
        return count == n - 1;
    }

    private static int root(int[] parent, int v) {
        while (parent[v] != v) {
            v = parent[v];
        }
        return v;
    }

    /**
     * Every spanning tree of K_n is reachable exactly once (Cayley: n^(n-2) of them), every feasible terminal is a
     * spanning tree whose reward is the sum of the episode's r_e and costs one interaction, and invalid edge sets
     * occur, pay 0 and cost nothing.
     */
    @ParameterizedTest
    @ValueSource(ints = {3, 4, 5, 6})
    void feasibleTerminalsAreExactlyTheSpanningTrees(int n) {
        SpanningTreeBandit env = SpanningTreeBandit.complete(n, 11);
        State root = env.reset(99);
        double[] r = env.edgeRewards(root);
        List<Leaf> leaves = new ArrayList<>();
        List<double[]> bounds = new ArrayList<>();
        enumerate(env, root, 0, 0, leaves, bounds);
        Set<String> trees = new HashSet<>();
        int infeasible = 0;
        for (Leaf leaf : leaves) {
            if (leaf.terminal().isFeasible()) {
                assertTrue(isSpanningTree(env, leaf.edges()), Arrays.toString(leaf.edges()));
                assertTrue(trees.add(Arrays.toString(leaf.edges())), "each tree is reached once");
                double expected = 0;
                for (int e = 0; e < r.length; e++) {
                    expected += leaf.edges()[e] ? r[e] : 0;
                }
                assertEquals(expected, leaf.reward(), 1e-12);
                assertEquals(1, leaf.interactions());
            } else {
                infeasible++;
                assertEquals(0.0, leaf.reward(), 0.0);
                assertEquals(0, leaf.interactions());
            }
        }
        assertEquals((int) Math.pow(n, n - 2), trees.size());
        if (n >= 4) {
            assertTrue(infeasible > 0, "App. C.1's rules still allow invalid trees");
        }
        for (double[] b : bounds) {
            assertTrue(b[0] >= b[1] - 1e-12, "U = " + b[0] + " below the best reachable sum of 2 mu_e " + b[1]);
        }
    }

    /** At the root no edge is chosen or blocked, so U is the sum of the n - 1 largest 2 mu_e, at least the best tree's. */
    @Test
    void theRootBoundIsTheSumOfTheLargestTwoMu() {
        SpanningTreeBandit env = SpanningTreeBandit.complete(6, 5);
        double[] twoMu = env.mu();
        for (int e = 0; e < twoMu.length; e++) {
            twoMu[e] *= 2;
        }
        boolean[] best = env.maximumSpanningTree(twoMu);
        double treeValue = 0;
        for (int e = 0; e < best.length; e++) {
            treeValue += best[e] ? twoMu[e] : 0;
        }
        double[] sorted = twoMu.clone();
        Arrays.sort(sorted);
        double topFive = 0;
        for (int i = 0; i < 5; i++) {
            topFive += sorted[sorted.length - 1 - i];
        }
        State root = env.reset(0);
        assertEquals(topFive, root.returnToGoUpperBound(), 1e-12);
        assertTrue(root.returnToGoUpperBound() >= treeValue - 1e-12);
        assertEquals(treeValue, env.spec().maxReward(), 1e-12);
        assertEquals(0.0, root.returnToGoLowerBound(), 0.0);
    }

    /** App. C.1's example of both rules: in K_4, excluding (0,1), (0,2), (0,3) forces (1,2), (1,3), then (2,3) closes a cycle. */
    @Test
    void bothRulesApplyingLeavesOnlyExcludeAndAnInvalidTree() {
        SpanningTreeBandit env = SpanningTreeBandit.complete(4, 1);
        State s = env.reset(5);
        for (int e = 0; e < 3; e++) {
            assertEquals(0b11L, s.legalActions(), "decision " + e + " is free");
            s = env.step(s, 0).next();
        }
        assertEquals(0b10L, s.legalActions(), "3 decisions left and 0 edges: must include (1,2)");
        s = env.step(s, 1).next();
        assertEquals(0b10L, s.legalActions(), "must include (1,3)");
        s = env.step(s, 1).next();
        assertEquals(0b01L, s.legalActions(), "(2,3) closes the cycle 1-2-3: only exclude");
        Transition end = env.step(s, 0);
        assertTrue(end.terminated());
        assertFalse(end.next().isFeasible());
        assertEquals(0, end.interactions());
    }

    @Test
    void perEdgeRewardsAreUniformOnZeroToTwoMuAndSharedWithinAnEpisode() {
        SpanningTreeBandit env = SpanningTreeBandit.complete(5, 3);
        double[] mu = env.mu();
        int n = 4000;
        double[] sum = new double[mu.length];
        double[] firstEdge = new double[n];
        for (int i = 0; i < n; i++) {
            double[] r = env.edgeRewards((long) i);
            assertArrayEquals(r, env.edgeRewards(env.reset(i)), "the same episode gives the same draws");
            for (int e = 0; e < mu.length; e++) {
                assertTrue(r[e] >= 0 && r[e] <= 2 * mu[e]);
                sum[e] += r[e];
            }
            firstEdge[i] = r[0] / (2 * mu[0]);
        }
        for (int e = 0; e < mu.length; e++) {
            double se = 2 * mu[e] / Math.sqrt(12.0 * n);
            assertEquals(mu[e], sum[e] / n, 4 * se, "mean of r_" + e);
        }
        Arrays.sort(firstEdge);
        double d = 0;
        for (int i = 0; i < n; i++) {
            d = Math.max(d, Math.max(firstEdge[i] - (double) i / n, (i + 1.0) / n - firstEdge[i]));
        }
        assertTrue(d < 1.95 / Math.sqrt(n), "KS distance from Uniform " + d);
    }

    @Test
    void kruskalMatchesBruteForceOverAllSpanningTrees() {
        SpanningTreeBandit env = SpanningTreeBandit.complete(5, 8);
        SplittableRandom rng = new SplittableRandom(4);
        List<Leaf> leaves = new ArrayList<>();
        enumerate(env, env.reset(0), 0, 0, leaves, new ArrayList<>());
        for (int trial = 0; trial < 20; trial++) {
            double[] w = new double[env.numEdges()];
            for (int e = 0; e < w.length; e++) {
                w[e] = rng.nextDouble(-1, 1);
            }
            double brute = Double.NEGATIVE_INFINITY;
            for (Leaf leaf : leaves) {
                if (leaf.terminal().isFeasible()) {
                    double v = 0;
                    for (int e = 0; e < w.length; e++) {
                        v += leaf.edges()[e] ? w[e] : 0;
                    }
                    brute = Math.max(brute, v);
                }
            }
            boolean[] tree = env.maximumSpanningTree(w);
            assertTrue(isSpanningTree(env, tree));
            double v = 0;
            State s = env.reset(trial);
            for (int e = 0; e < w.length; e++) {
                v += tree[e] ? w[e] : 0;
                s = env.step(s, tree[e] ? 1 : 0).next();
            }
            assertEquals(brute, v, 1e-12);
            assertTrue(s.isFeasible(), "following a spanning tree's actions is legal and feasible");
        }
    }

    @Test
    void featuresAreTheOneHotOfTheDecision() {
        SpanningTreeBandit env = SpanningTreeBandit.complete(6, 0);
        assertEquals(15, env.spec().featureSize());
        State s = env.step(env.step(env.reset(0), 1).next(), 1).next();
        assertEquals(2, s.index());
        double[] expected = new double[15];
        expected[2] = 1;
        assertArrayEquals(expected, s.features());
    }

    @Test
    void rejectsInvalidGraphs() {
        double[] mu = {1, 1, 1};
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new SpanningTreeBandit(4, new int[][] {{0, 1}, {1, 0}, {2, 3}}, mu)).getMessage().contains("both join"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new SpanningTreeBandit(4, new int[][] {{0, 1}, {1, 2}, {2, 2}}, mu)).getMessage().contains("two different nodes"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new SpanningTreeBandit(4, new int[][] {{0, 1}, {1, 2}, {2, 4}}, mu)).getMessage().contains("[0, 4)"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new SpanningTreeBandit(4, new int[][] {{0, 1}, {1, 2}, {0, 2}}, mu)).getMessage().contains("not connected"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new SpanningTreeBandit(3, new int[][] {{0, 1}, {1, 2}}, new double[] {1, -1})).getMessage().contains("mu"));
    }

    @Test
    void decodeRejectsUnreachableTokens() {
        SpanningTreeBandit env = SpanningTreeBandit.complete(4, 1);
        byte[] good = env.encode(env.reset(1));
        // Patch the chosen-edge mask (after the 4-byte decision field) to include edges (0,1), (0,2), (1,2): a cycle.
        byte[] cyclic = good.clone();
        int decisionAt = good.length - 8 - 8 - 4;
        cyclic[decisionAt + 3] = 4;
        cyclic[decisionAt + 4 + 7] = 0b1011;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> env.decode(cyclic));
        assertTrue(e.getMessage().contains("unreachable"), e.getMessage());
    }
}
