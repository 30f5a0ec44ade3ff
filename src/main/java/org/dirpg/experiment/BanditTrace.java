package org.dirpg.experiment;

import java.util.Arrays;
import org.dirpg.env.classic.SpanningTreeBandit;
import org.dirpg.policy.Adam;
import org.dirpg.policy.BernoulliPolicy;
import org.dirpg.search.SearchConfig;
import org.dirpg.train.DirPGTrainer;
import org.dirpg.train.ProgressSink;
import org.dirpg.train.Trainer;
import org.dirpg.train.UcbTrainer;
import org.dirpg.train.UpdateMetrics;

/**
 * One method's curves in one run of the spanning-tree bandit, binned by the interactions spent before each update
 * (NaN where a bin saw no update or no value).
 *
 * @param ret          mean return per bin (Fig. 2a): DirPG's a_opt (a sample of the current policy), UCB's tree
 * @param perSearch    DirPG: interactions each search used, a_opt included (Fig. 2b as the paper defines it); UCB: NaN
 * @param foundAfter   DirPG: interactions spent when a_dir was found, over the searches that found one; UCB: NaN
 * @param noneFraction DirPG: fraction of searches that found no a_dir within the budget (zero gradient); UCB: NaN
 */
public record BanditTrace(double[] ret, double[] perSearch, double[] foundAfter, double[] noneFraction) {

    /** DirPG (Algorithm 1): Bernoulli policy per edge, Gumbel-only priority, early stop, as in Sec. 6.1. */
    public static BanditTrace dirpg(SpanningTreeBandit env, BanditSetting s, long run, ProgressSink progress) {
        BernoulliPolicy policy = new BernoulliPolicy(env.numEdges());
        DirPGTrainer trainer = new DirPGTrainer(env, policy, SearchConfig.gumbel(s.epsilon(), s.budget(), true),
                new Adam(s.learningRate()), run);
        return trace(trainer, s, progress, true);
    }

    /** UCB with semi-bandit or full-bandit feedback. */
    public static BanditTrace ucb(SpanningTreeBandit env, boolean semiBandit, BanditSetting s, long run, ProgressSink progress) {
        return trace(new UcbTrainer(env, semiBandit, run), s, progress, false);
    }

    private static BanditTrace trace(Trainer trainer, BanditSetting s, ProgressSink progress, boolean search) {
        int bins = s.bins();
        double[][] sum = new double[4][bins];
        long[][] count = new long[4][bins];
        long spent = 0;
        while (spent < s.interactions()) {
            UpdateMetrics m = trainer.update();
            int b = (int) Math.min(bins - 1, spent / s.bin());
            add(sum, count, 0, b, m.updateReturn());
            if (search) {
                boolean found = m.firstImprovement() >= 0;
                add(sum, count, 1, b, m.searchInteractions());
                if (found) {
                    add(sum, count, 2, b, m.firstImprovement());
                }
                add(sum, count, 3, b, found ? 0 : 1);
            }
            progress.add(1, m.interactions() - spent, m.updateReturn());
            spent = m.interactions();
        }
        double[][] mean = new double[4][bins];
        for (int k = 0; k < 4; k++) {
            for (int b = 0; b < bins; b++) {
                mean[k][b] = count[k][b] == 0 ? Double.NaN : sum[k][b] / count[k][b];
            }
        }
        return new BanditTrace(mean[0], mean[1], mean[2], mean[3]);
    }

    private static void add(double[][] sum, long[][] count, int k, int b, double v) {
        sum[k][b] += v;
        count[k][b]++;
    }

    /** The mean of {@code curve} over bins [from, to), ignoring NaN bins. */
    public static double average(double[] curve, int from, int to) {
        return Arrays.stream(curve, from, to).filter(Double::isFinite).average().orElse(Double.NaN);
    }
}
