package org.dirpg.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.dirpg.env.classic.SpanningTreeBandit;
import org.dirpg.train.ProgressSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fig. 2a/2b bookkeeping: reproducible runs, paired mu, and Fig. 2b's split adding up to the paper's quantity. */
class BanditExperimentTest {
    private static final BanditSetting SMALL = new BanditSetting(5, 1.0, MuDistribution.UNIFORM, 0.2, 40, 3000, 500, 3);

    @Test
    void runsAreReproducibleAndDoNotDependOnThreads(@TempDir Path dir) {
        BanditExperiment.Result one = BanditExperiment.run(SMALL, 1, dir.resolve("a"), ProgressSink.NONE);
        BanditExperiment.Result two = BanditExperiment.run(SMALL, 2, dir.resolve("b"), ProgressSink.NONE);
        for (int r = 0; r < SMALL.runs(); r++) {
            assertArrayEquals(one.runs().get(r).dirpg().ret(), two.runs().get(r).dirpg().ret());
            assertArrayEquals(one.runs().get(r).ucbFull().ret(), two.runs().get(r).ucbFull().ret());
            SpanningTreeBandit env = SpanningTreeBandit.complete(5, BanditExperiment.MU_SEED + r);
            assertEquals(env.expectedReward(env.maximumSpanningTree(env.mu())), one.runs().get(r).bestTreeReward(), 1e-12,
                    "run r plays mu seed 1000 + r");
        }
    }

    /**
     * With early stop a search ends when it finds a_dir, else it spends the whole budget (K5 has 125 trees, more than
     * the budget), so per bin: interactions per search = (1 - none) * found-after + none * budget.
     */
    @Test
    void fig2bSplitAddsUpToInteractionsPerSearch(@TempDir Path dir) {
        BanditExperiment.Result r = BanditExperiment.run(SMALL, 1, dir, ProgressSink.NONE);
        int checked = 0;
        for (BanditExperiment.Run run : r.runs()) {
            BanditTrace t = run.dirpg();
            for (int b = 0; b < SMALL.bins(); b++) {
                double none = t.noneFraction()[b];
                assertTrue(none >= 0 && none <= 1);
                if (none < 1) {
                    assertEquals(t.perSearch()[b], (1 - none) * t.foundAfter()[b] + none * SMALL.budget(), 1e-9, "bin " + b);
                    assertTrue(t.foundAfter()[b] >= 2 && t.foundAfter()[b] <= SMALL.budget(), "a_opt costs 1, a_dir at least 1 more");
                    checked++;
                }
            }
            assertTrue(Double.isNaN(run.ucbSemi().perSearch()[0]), "UCB has no search");
        }
        assertTrue(checked > SMALL.bins(), "bins with a found a_dir: " + checked);
    }

    @Test
    void muDistributions() {
        double[] reference = SpanningTreeBandit.complete(7, 42).mu();
        assertArrayEquals(reference, MuDistribution.parse("uniform").completeGraph(7, 42).mu(), "the default is complete()'s mu");
        for (double mu : MuDistribution.parse("uniform:0.4:0.6").draw(1000, 1)) {
            assertTrue(mu >= 0.4 && mu < 0.6, Double.toString(mu));
        }
        double[] exp = MuDistribution.parse("exp:0.5").draw(20_000, 3);
        OverRuns.Estimate e = OverRuns.Estimate.of(exp);
        assertEquals(0.5, e.mean(), 4 * e.standardError());
        assertTrue(java.util.Arrays.stream(exp).allMatch(x -> x >= 0));
        assertEquals("exponential(mean 0.5)", MuDistribution.parse("exp:0.5").toString());
        assertEquals("uniform(0, 1)", MuDistribution.UNIFORM.toString());
    }

    @Test
    void pairedVerdicts() {
        double[] base = {1, 2, 3, 4, 5};
        assertEquals("ahead", OverRuns.Paired.of(new double[] {1.5, 2.4, 3.6, 4.5, 5.5}, base).verdict());
        assertEquals("behind", OverRuns.Paired.of(new double[] {0.5, 1.6, 2.4, 3.5, 4.5}, base).verdict());
        OverRuns.Paired level = OverRuns.Paired.of(new double[] {1.5, 1.5, 3.5, 3.5, 5}, base);
        assertEquals(0.0, level.mean(), 1e-12);
        assertEquals("level", level.verdict());
        // Pairing removes the run-to-run spread that both methods share: unpaired, these would look level.
        OverRuns.Paired shifted = OverRuns.Paired.of(new double[] {1.1, 2.1, 3.1, 4.1, 5.1}, base);
        assertEquals(0.1, shifted.mean(), 1e-12);
        assertEquals("ahead", shifted.verdict());
        List<double[]> curves = List.of(new double[] {1, Double.NaN}, new double[] {3, 4});
        double[][] band = OverRuns.curves(curves);
        assertEquals(2, band[0][0]);
        assertEquals(1, band[1][0], 1e-12);
        assertEquals(4, band[0][1]);
        assertTrue(Double.isNaN(band[1][1]), "one value: no standard error");
    }
}
