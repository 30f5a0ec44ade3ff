package org.dirpg.env.classic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.dirpg.env.Outcome;
import org.dirpg.env.State;
import org.junit.jupiter.api.Test;

class CoinTreeTest {

    /** max (min) over legal paths of the sum of the larger (smaller) outcome reward, by enumeration. */
    private static double[] extremes(CoinTree env, State s) {
        if (s.isTerminal()) {
            return new double[] {0, 0};
        }
        double best = Double.NEGATIVE_INFINITY;
        double worst = Double.POSITIVE_INFINITY;
        for (int a = 0; a < env.spec().numActions(); a++) {
            if ((s.legalActions() & (1L << a)) == 0) {
                continue;
            }
            List<Outcome> outcomes = env.outcomes(s, a);
            double hi = Double.NEGATIVE_INFINITY;
            double lo = Double.POSITIVE_INFINITY;
            for (Outcome o : outcomes) {
                hi = Math.max(hi, o.transition().reward());
                lo = Math.min(lo, o.transition().reward());
            }
            double[] below = extremes(env, outcomes.get(0).transition().next());
            best = Math.max(best, hi + below[0]);
            worst = Math.min(worst, lo + below[1]);
        }
        assertEquals(best, s.returnToGoUpperBound(), 1e-12, "U at node " + s.index());
        assertEquals(worst, s.returnToGoLowerBound(), 1e-12, "L at node " + s.index());
        return new double[] {best, worst};
    }

    @Test
    void boundsAreTheExactBestAndWorstReturnToGo() {
        for (long seed = 0; seed < 5; seed++) {
            CoinTree env = new CoinTree(3, 3, seed);
            extremes(env, env.initialState());
        }
    }

    @Test
    void masksIncludeSingleAndMultipleLegalActions() {
        CoinTree env = new CoinTree();
        int single = 0;
        int several = 0;
        List<State> frontier = new java.util.ArrayList<>(List.of(env.initialState()));
        while (!frontier.isEmpty()) {
            State s = frontier.remove(frontier.size() - 1);
            if (s.isTerminal()) {
                continue;
            }
            int k = Long.bitCount(s.legalActions());
            single += k == 1 ? 1 : 0;
            several += k > 1 ? 1 : 0;
            for (int a = 0; a < 3; a++) {
                if ((s.legalActions() & (1L << a)) != 0) {
                    frontier.add(env.step(s, a).next());
                }
            }
        }
        assertTrue(single > 0, "some node has exactly one legal action");
        assertTrue(several > 0, "some node has several legal actions");
    }

    @Test
    void structureDependsOnlyOnTheStructureSeed() {
        CoinTree a = new CoinTree(3, 3, 17);
        CoinTree b = new CoinTree(3, 3, 17);
        CoinTree c = new CoinTree(3, 3, 18);
        assertEquals(a.initialState().returnToGoUpperBound(), b.reset(5).returnToGoUpperBound(), 0.0);
        assertEquals(a.initialState().legalActions(), b.initialState().legalActions());
        assertNotEquals(a.initialState().returnToGoUpperBound(), c.initialState().returnToGoUpperBound());
        // Tokens carry the structure seed: another seed's env refuses them.
        byte[] token = a.encode(a.reset(1));
        assertEquals(a.reset(1), b.decode(token));
        assertThrows(IllegalArgumentException.class, () -> c.decode(token));
    }

    /** Chi-square over the high/low frequency at the root's first child: the coin matches its outcome probability. */
    @Test
    void coinFrequenciesMatchTheOutcomeProbabilities() {
        CoinTree env = new CoinTree();
        State root = env.initialState();
        int a = Long.numberOfTrailingZeros(root.legalActions());
        List<Outcome> outcomes = env.outcomes(root, a);
        int n = 5000;
        int high = 0;
        for (int i = 0; i < n; i++) {
            if (env.step(env.reset(i), a).reward() == outcomes.get(0).transition().reward()) {
                high++;
            }
        }
        double q = outcomes.get(0).probability();
        double chi2 = Math.pow(high - n * q, 2) / (n * q) + Math.pow(n - high - n * (1 - q), 2) / (n * (1 - q));
        assertTrue(chi2 < 10.83, "chi-square with 1 degree of freedom at alpha 0.001: " + chi2);
    }

    @Test
    void rejectsTreesThatAreTooLargeOrEmpty() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new CoinTree(20, 4, 0)).getMessage().contains("100000"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new CoinTree(0, 3, 0)).getMessage().contains("depth"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new CoinTree(2, 65, 0)).getMessage().contains("actions"));
    }
}
