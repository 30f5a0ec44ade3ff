package org.dirpg.env.classic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.dirpg.env.State;
import org.dirpg.env.Transition;
import org.junit.jupiter.api.Test;

class GaussianChoiceTest {

    @Test
    void atEpsilonZeroTheObjectiveIsTheExpectedReturn() {
        assertEquals(0.0, GaussianChoice.objective(0.3, 0.0), 0.0);
        assertEquals(0.3 * 2.0, GaussianChoice.objective(0.3, 0.0, 2.0, 1.0, 20), 1e-15);
        // As eps -> 0 the quadrature value tends to p * mean too.
        assertEquals(0.3 * 2.0, GaussianChoice.objective(0.3, 1e-6, 2.0, 1.0, 40), 1e-5);
    }

    /**
     * Eq. (14): l = E[R] + eps/2 E_S[var_a R] + O(eps^2); for X ~ N(0, 1), E[R] = 0 and var_a R = p (1 - p) X^2, so
     * l ~= eps p (1 - p) / 2. Odd moments of X vanish, so the remainder is c3 eps^3 + O(eps^5), where expanding
     * log(1 + p (e^{eps X} - 1)) with E[e^{k eps X}] = e^{k^2 eps^2 / 2} gives
     * c3 = p/8 - 7p^2/8 + 3p^3/2 - 3p^4/4.
     */
    @Test
    void smallEpsilonMatchesTheTaylorExpansionOfEquation14() {
        for (double p : new double[] {0.1, 0.5, 0.8}) {
            double c3 = p / 8 - 7 * p * p / 8 + 1.5 * p * p * p - 0.75 * p * p * p * p;
            for (double eps : new double[] {0.2, 0.1, 0.05, 0.025, -0.025, -0.1}) {
                double taylor = eps * p * (1 - p) / 2;
                double l = GaussianChoice.objective(p, eps);
                assertTrue(Math.abs(l - taylor) < Math.abs(eps * eps * eps), "p=" + p + " eps=" + eps + " l=" + l);
                double e5 = Math.pow(Math.abs(eps), 5);
                assertEquals(c3 * eps * eps * eps, l - taylor, e5, "p=" + p + " eps=" + eps);
            }
        }
    }

    /** Fig. 2d: eps > 0 prefers controllable risk (an interior p); eps < 0 prefers a deterministic choice. */
    @Test
    void riskSeekingPrefersMixingAndRiskAversePrefersCommitting() {
        assertTrue(GaussianChoice.objective(0.5, 1.0) > GaussianChoice.objective(0.1, 1.0));
        assertTrue(GaussianChoice.objective(0.5, 1.0) > GaussianChoice.objective(0.9, 1.0));
        assertTrue(GaussianChoice.objective(0.5, 1.0) > GaussianChoice.objective(1.0, 1.0));
        assertTrue(GaussianChoice.objective(0.5, -1.0) < GaussianChoice.objective(0.0, -1.0));
        assertTrue(GaussianChoice.objective(0.5, -1.0) < GaussianChoice.objective(1.0, -1.0));
    }

    /** The quadrature agrees with Simpson's rule on [-12, 12] against the normal density. */
    @Test
    void quadratureAgreesWithSimpsonIntegration() {
        for (double eps : new double[] {-3, -0.5, 0.7, 2.5}) {
            double p = 0.3;
            int m = 20000;
            double h = 24.0 / m;
            double total = 0;
            for (int i = 0; i <= m; i++) {
                double x = -12 + i * h;
                double f = Math.log(p * Math.exp(eps * x) + 1 - p) / eps * Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI);
                total += f * (i == 0 || i == m ? 1 : i % 2 == 1 ? 4 : 2);
            }
            assertEquals(total * h / 3, GaussianChoice.objective(p, eps), 1e-6, "eps=" + eps);
        }
    }

    /** The objective over the environment's own draws: a Monte Carlo estimate within 4 standard errors of quadrature. */
    @Test
    void monteCarloOverTheEnvironmentMatchesQuadrature() {
        GaussianChoice env = new GaussianChoice();
        double p = 0.4;
        double eps = 1.5;
        int n = 20000;
        double sum = 0;
        double sum2 = 0;
        for (int i = 0; i < n; i++) {
            double x = env.step(env.reset(i), GaussianChoice.GAUSSIAN).reward();
            double v = Math.log(p * Math.exp(eps * x) + 1 - p) / eps;
            sum += v;
            sum2 += v * v;
        }
        double mean = sum / n;
        double se = Math.sqrt((sum2 / n - mean * mean) / n);
        assertEquals(GaussianChoice.objective(p, eps), mean, 4 * se);
    }

    @Test
    void rewardsAreZeroOrNormalWithTheConfiguredMeanAndSd() {
        GaussianChoice env = new GaussianChoice(1.0, 2.0, 20);
        int n = 3000;
        double[] z = new double[n];
        for (int i = 0; i < n; i++) {
            State root = env.reset(i);
            Transition nothing = env.step(root, GaussianChoice.NOTHING);
            assertEquals(0.0, nothing.reward(), 0.0);
            assertTrue(nothing.terminated());
            z[i] = (env.step(root, GaussianChoice.GAUSSIAN).reward() - 1.0) / 2.0;
        }
        Arrays.sort(z);
        double d = 0;
        for (int i = 0; i < n; i++) {
            double cdf = DeepSeaTest.normalCdf(z[i]);
            d = Math.max(d, Math.max(cdf - (double) i / n, (i + 1.0) / n - cdf));
        }
        assertTrue(d < 1.95 / Math.sqrt(n), "KS distance " + d);
    }

    @Test
    void rejectsBadArguments() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> GaussianChoice.objective(1.5, 1.0)).getMessage().contains("[0, 1]"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new GaussianChoice(0, -1, 20)).getMessage().contains("sd"));
    }
}
