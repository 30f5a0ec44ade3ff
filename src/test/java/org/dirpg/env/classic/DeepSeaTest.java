package org.dirpg.env.classic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.dirpg.env.Outcome;
import org.dirpg.env.State;
import org.dirpg.env.Transition;
import org.junit.jupiter.api.Test;

class DeepSeaTest {
    private final DeepSea env = new DeepSea();

    private double play(State root, int... actions) {
        double total = 0;
        State s = root;
        for (int a : actions) {
            Transition t = env.step(s, a);
            total += t.reward();
            s = t.next();
        }
        assertTrue(s.isTerminal(), "4 decisions end a 5x5 episode");
        return total;
    }

    @Test
    void llllReturnsZeroAndMixedPathsPayMinusOneThirdPerRight() {
        for (long seed = 0; seed < 20; seed++) {
            State root = env.reset(seed);
            assertEquals(0.0, play(root, 0, 0, 0, 0), 0.0);
            assertEquals(-1.0 / 3, play(root, 1, 0, 0, 0), 1e-15);
            assertEquals(-2.0 / 3, play(root, 1, 0, 1, 0), 1e-15);
            assertEquals(-1.0, play(root, 1, 1, 1, 0), 1e-15);
        }
    }

    /** RRRR = three payments of -1/3 and a N(1, sigma^2) draw: N(0, sigma^2). Kolmogorov-Smirnov at alpha = 0.001. */
    @Test
    void rrrrReturnIsStandardNormal() {
        int n = 3000;
        double[] returns = new double[n];
        for (int i = 0; i < n; i++) {
            returns[i] = play(env.reset(1000 + i), 1, 1, 1, 1);
        }
        Arrays.sort(returns);
        double d = 0;
        for (int i = 0; i < n; i++) {
            double cdf = normalCdf(returns[i]);
            d = Math.max(d, Math.max(cdf - (double) i / n, (i + 1.0) / n - cdf));
        }
        assertTrue(d < 1.95 / Math.sqrt(n), "KS distance " + d);
    }

    @Test
    void exactEnumerationGivesSixteenTrajectoriesWithRrrrAndLlllAtMeanZero() {
        List<double[]> moments = new ArrayList<>();
        enumerate(env.initialState(), 0, 0, moments);
        assertEquals(16, moments.size());
        // moments: {E[R], E[R^2]} per trajectory; RRRR is the last (all actions 1) and LLLL the first.
        assertEquals(0.0, moments.get(0)[0], 0.0);
        assertEquals(0.0, moments.get(15)[0], 1e-12);
        assertEquals(1.0, moments.get(15)[1], 1e-12, "Var[RRRR] = sigma^2 = 1");
        for (int i = 1; i < 15; i++) {
            assertTrue(moments.get(i)[0] < 0, "every other trajectory has negative expected return");
        }
    }

    private void enumerate(State s, double mean, double second, List<double[]> out) {
        if (s.isTerminal()) {
            out.add(new double[] {mean, second});
            return;
        }
        for (int a = 0; a < 2; a++) {
            List<Outcome> outcomes = env.outcomes(s, a);
            double m = 0;
            double m2 = 0;
            for (Outcome o : outcomes) {
                double r = o.transition().reward();
                m += o.probability() * r;
                m2 += o.probability() * (r * r + 2 * r * mean);
            }
            enumerate(outcomes.get(0).transition().next(), mean + m, second + m2, out);
        }
    }

    @Test
    void largerGridKeepsTheExpectedAllRightReturnAtZero() {
        DeepSea big = (DeepSea) Environments.make("DeepSea-v0", Map.of("size", "7", "sigma", "2"));
        assertEquals(-0.2, big.stepCost(), 1e-15);
        State s = big.initialState();
        double expected = 0;
        double variance = 0;
        while (!s.isTerminal()) {
            List<Outcome> outcomes = big.outcomes(s, DeepSea.RIGHT);
            double m = 0;
            double m2 = 0;
            for (Outcome o : outcomes) {
                m += o.probability() * o.transition().reward();
                m2 += o.probability() * o.transition().reward() * o.transition().reward();
            }
            expected += m;
            variance += m2 - m * m;
            s = outcomes.get(0).transition().next();
        }
        assertEquals(0.0, expected, 1e-12);
        assertEquals(4.0, variance, 1e-9);
    }

    @Test
    void sameNodeRepeatsItsDrawAndNewSeedsDrawAFreshTree() {
        State root = env.reset(42);
        assertEquals(play(root, 1, 1, 1, 1), play(root, 1, 1, 1, 1), 0.0);
        assertEquals(play(env.reset(42), 1, 1, 1, 1), play(root, 1, 1, 1, 1), 0.0);
        assertNotEquals(play(env.reset(43), 1, 1, 1, 1), play(root, 1, 1, 1, 1));
    }

    @Test
    void featuresAreTheOneHotOfTheCell() {
        State s = env.step(env.step(env.reset(1), 1).next(), 0).next();
        assertEquals(10, s.index(), "row 2, column 0");
        double[] expected = new double[25];
        expected[10] = 1;
        assertArrayEquals(expected, s.features());
        assertEquals(25, env.spec().featureSize());
    }

    @Test
    void tokensFromAnotherConfigurationAreRejected() {
        DeepSea other = new DeepSea(6, 1.0, 20);
        byte[] token = other.encode(other.reset(3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> env.decode(token));
        assertTrue(e.getMessage().contains("different configuration"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> env.step(other.reset(3), 0));
        byte[] gaussian = new GaussianChoice().encode(new GaussianChoice().reset(1));
        e = assertThrows(IllegalArgumentException.class, () -> env.decode(gaussian));
        assertTrue(e.getMessage().contains("GaussianChoice-v0"), e.getMessage());
    }

    @Test
    void rejectsBadArguments() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new DeepSea(2, 1, 20)).getMessage().contains("size"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new DeepSea(5, -1, 20)).getMessage().contains("sigma"));
    }

    static double normalCdf(double x) {
        return 0.5 * erfc(-x / Math.sqrt(2));
    }

    /** erfc with relative error below 1.2e-7 (Numerical Recipes' erfcc). */
    static double erfc(double x) {
        double z = Math.abs(x);
        double t = 1 / (1 + 0.5 * z);
        double ans = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? ans : 2 - ans;
    }
}
