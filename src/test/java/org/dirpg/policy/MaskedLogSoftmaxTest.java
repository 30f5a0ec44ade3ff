package org.dirpg.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.dirpg.env.ActionSets;
import org.junit.jupiter.api.Test;

class MaskedLogSoftmaxTest {

    @Test
    void normalisesOverLegalActionsOnly() {
        double[] logits = {3.0, -1.0, 0.5, 700.0, 2.0};
        long legal = ActionSets.of(0, 2, 3);
        double[] out = new double[5];
        MaskedLogSoftmax.logSoftmax(logits, legal, out);
        assertEquals(Double.NEGATIVE_INFINITY, out[1]);
        assertEquals(Double.NEGATIVE_INFINITY, out[4]);
        double sum = Math.exp(out[0]) + Math.exp(out[2]) + Math.exp(out[3]);
        assertEquals(1.0, sum, 1e-15);
        assertEquals(logits[0] - logits[2], out[0] - out[2], 1e-12);
    }

    @Test
    void singleLegalActionHasLogProbabilityAndGradientExactlyZero() {
        double[] logits = {0.3, 5.0, -2.0};
        double[] out = new double[3];
        MaskedLogSoftmax.logSoftmax(logits, ActionSets.of(2), out);
        assertEquals(0.0, out[2]);
        double[] grad = new double[3];
        MaskedLogSoftmax.addLogProbabilityGradient(logits, ActionSets.of(2), 2, -7.5, grad);
        assertEquals(0.0, grad[0]);
        assertEquals(0.0, grad[1]);
        assertEquals(0.0, grad[2]);
    }

    @Test
    void gradientMatchesCentralDifferences() {
        SplittableRandom rng = new SplittableRandom(11);
        long legal = ActionSets.of(0, 1, 3, 5);
        double[] logits = new double[6];
        for (int a = 0; a < logits.length; a++) {
            logits[a] = rng.nextGaussian() * 2;
        }
        double weight = -1.7;
        int action = 3;
        double[] grad = new double[6];
        MaskedLogSoftmax.addLogProbabilityGradient(logits, legal, action, weight, grad);
        double h = 1e-6;
        double[] out = new double[6];
        for (int b = 0; b < logits.length; b++) {
            double[] plus = logits.clone();
            double[] minus = logits.clone();
            plus[b] += h;
            minus[b] -= h;
            MaskedLogSoftmax.logSoftmax(plus, legal, out);
            double fPlus = weight * out[action];
            MaskedLogSoftmax.logSoftmax(minus, legal, out);
            double fMinus = weight * out[action];
            double fd = (fPlus - fMinus) / (2 * h);
            // error of a central difference: O(h^2) truncation plus ~1e-16/h rounding
            assertEquals(fd, grad[b], 1e-8, "logit " + b);
        }
        assertEquals(0.0, grad[2]);
        assertEquals(0.0, grad[4]);
    }

    @Test
    void rejectsIllegalActionAndEmptySet() {
        double[] logits = new double[4];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MaskedLogSoftmax.addLogProbabilityGradient(logits, ActionSets.of(0, 1), 2, 1.0, new double[4]));
        assertTrue(e.getMessage().contains("action 2 is not among the legal actions {0, 1}"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> MaskedLogSoftmax.logSoftmax(logits, 0L, new double[4]));
        assertTrue(e.getMessage().contains("no legal actions"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> MaskedLogSoftmax.logSoftmax(logits, ActionSets.of(0, 5), new double[4]));
        assertTrue(e.getMessage().contains(">= 4"), e.getMessage());
    }
}
