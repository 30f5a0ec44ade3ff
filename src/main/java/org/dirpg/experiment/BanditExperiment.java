package org.dirpg.experiment;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import org.dirpg.env.classic.SpanningTreeBandit;
import org.dirpg.policy.Adam;
import org.dirpg.policy.BernoulliPolicy;
import org.dirpg.search.SearchConfig;
import org.dirpg.train.DirPGTrainer;
import org.dirpg.train.Trainer;
import org.dirpg.train.UcbTrainer;
import org.dirpg.train.UpdateMetrics;

/**
 * Fig. 2a and 2b: the combinatorial spanning-tree bandit of Sec. 6.1. DirPG (per-edge Bernoulli policy, Gumbel-only
 * priority, a budget of 100 interactions, early stop on the first improvement) against UCB with semi-bandit and with
 * full-bandit feedback. Returns are averaged in bins of interactions over independent runs; for DirPG the return is
 * that of a_opt, a sample from the current policy. Fig. 2b is the number of interactions each DirPG search needed to
 * find a_dir.
 */
public final class BanditExperiment {
    /** Binned curves: x = bin centre in interactions. */
    public record Curves(double[] x, double[] dirpg, double[] ucbSemi, double[] ucbFull, double[] stepsToDir,
                         double bestTreeReward) {
    }

    private BanditExperiment() {
    }

    public static Curves run(int nodes, long interactions, int runs, int bin, double learningRate, long budget,
                             Path outDir, IntConsumer progress) {
        if (interactions < bin) {
            throw new IllegalArgumentException("interactions (" + interactions + ") must be at least one bin (" + bin + ")");
        }
        int bins = (int) (interactions / bin);
        double[][] sums = new double[4][bins];
        long[][] counts = new long[4][bins];
        double best = 0;
        int done = 0;
        for (int run = 0; run < runs; run++) {
            SpanningTreeBandit env = SpanningTreeBandit.complete(nodes, 1000L + run);
            best += env.expectedReward(env.maximumSpanningTree(env.mu())) / runs;
            BernoulliPolicy policy = new BernoulliPolicy(env.numEdges());
            Trainer[] trainers = {
                new DirPGTrainer(env, policy, SearchConfig.gumbel(1.0, budget, true), new Adam(learningRate), run),
                new UcbTrainer(env, true, run),
                new UcbTrainer(env, false, run)};
            for (int k = 0; k < trainers.length; k++) {
                long spent = 0;
                while (spent < interactions) {
                    UpdateMetrics m = trainers[k].update();
                    int b = (int) Math.min(bins - 1, spent / bin);
                    sums[k][b] += m.updateReturn();
                    counts[k][b]++;
                    if (k == 0) {
                        sums[3][b] += m.firstImprovement() >= 0 ? m.firstImprovement() : m.searchInteractions();
                        counts[3][b]++;
                    }
                    spent = m.interactions();
                }
            }
            progress.accept(++done);
        }
        double[] x = new double[bins];
        double[][] mean = new double[4][bins];
        List<String> rows = new ArrayList<>();
        for (int b = 0; b < bins; b++) {
            x[b] = (b + 0.5) * bin;
            for (int k = 0; k < 4; k++) {
                mean[k][b] = counts[k][b] == 0 ? Double.NaN : sums[k][b] / counts[k][b];
            }
            rows.add(x[b] + "," + mean[0][b] + "," + mean[1][b] + "," + mean[2][b] + "," + mean[3][b]);
        }
        Csv.write(outDir.resolve("bandit.csv"), "interactions,dirpg_return,ucb_semi_return,ucb_full_return,dirpg_steps_to_dir", rows);
        new Plot("Spanning-tree bandit (Fig. 2a), best tree E[r] = " + String.format("%.3f", best), "interactions", "mean return")
                .series("DirPG (a_opt)", x, mean[0]).series("UCB semi-bandit", x, mean[1]).series("UCB full-bandit", x, mean[2])
                .save(outDir.resolve("bandit.png"));
        new Plot("DirPG: interactions to find a_dir (Fig. 2b)", "interactions", "steps to a_dir")
                .series("DirPG", x, mean[3]).save(outDir.resolve("bandit_steps.png"));
        return new Curves(x, mean[0], mean[1], mean[2], mean[3], best);
    }
}
