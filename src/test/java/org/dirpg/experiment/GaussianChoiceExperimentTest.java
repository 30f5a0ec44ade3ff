package org.dirpg.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fig. 2d: for eps < 0 the objective of eq. (11) ties between p = 0 and p = 1 (l = 0 at both, below 0 in between), so
 * the experiment must report a tie and not pick the first grid point; for eps > 0 the maximiser is interior.
 */
class GaussianChoiceExperimentTest {

    @Test
    void negativeEpsilonIsATieBetweenNeverAndAlways(@TempDir Path dir) {
        List<GaussianChoiceExperiment.Maximum> m = GaussianChoiceExperiment.run(new double[] {-2, -0.5, 0.5, 2}, 21, dir);
        for (GaussianChoiceExperiment.Maximum neg : m.subList(0, 2)) {
            assertTrue(neg.isTie(), neg.toString());
            assertEquals(List.of(0.0, 1.0), neg.argmax(), neg.toString());
            assertEquals(0.0, neg.value(), 1e-12);
            assertTrue(neg.describe().contains("tie") && neg.describe().contains("p = 0.00 and p = 1.00"), neg.describe());
        }
        for (GaussianChoiceExperiment.Maximum pos : m.subList(2, 4)) {
            assertFalse(pos.isTie(), pos.toString());
            double p = pos.argmax().get(0);
            assertTrue(p > 0 && p < 1, "interior maximiser for eps > 0: " + pos);
            assertTrue(pos.value() > 0, pos.toString());
            assertTrue(pos.describe().contains("argmax_p l(p, eps) = "), pos.describe());
        }
    }

    @Test
    void onlyValuesEqualToTheMaximumTie() {
        double[] p = {0, 0.5, 1};
        assertTrue(GaussianChoiceExperiment.maximum(-1, p, new double[] {0, -0.1, 0}).isTie());
        assertEquals(List.of(1.0), GaussianChoiceExperiment.maximum(-1, p, new double[] {-1e-9, -0.1, 0}).argmax());
        assertEquals(List.of(0.5), GaussianChoiceExperiment.maximum(1, p, new double[] {0, 0.2, 0}).argmax());
    }
}
