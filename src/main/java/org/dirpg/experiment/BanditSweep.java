package org.dirpg.experiment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.dirpg.env.classic.SpanningTreeBandit;
import org.dirpg.train.ProgressSink;

/**
 * Fig. 2a over a grid of graph sizes and eps: where DirPG is ahead of, level with or behind each UCB. Run r of a
 * graph size draws mu with seed 1000 + r and plays it with UCB semi-bandit, UCB full-bandit and DirPG at every eps,
 * so every difference is paired over runs; the verdict is {@link OverRuns.Paired#verdict()} (2 paired standard
 * errors). Two windows: the last quarter of the interactions (where the methods have learned) and the whole run
 * (the average return per interaction, which also counts how fast they learned).
 */
public final class BanditSweep {
    /** One (graph size, eps) of the sweep. */
    public record Row(int nodes, double epsilon, double bestTreeReward, OverRuns.Estimate dirpg, OverRuns.Estimate ucbSemi,
                      OverRuns.Estimate ucbFull, OverRuns.Paired vsSemi, OverRuns.Paired vsFull, OverRuns.Paired vsSemiWhole,
                      OverRuns.Paired vsFullWhole, OverRuns.Estimate perSearch, OverRuns.Estimate foundAfter,
                      OverRuns.Estimate noneFraction) {
    }

    private BanditSweep() {
    }

    /** Interactions the whole sweep spends, for progress reports. */
    public static long totalInteractions(BanditSetting base, int[] nodes, double[] epsilons) {
        return (long) nodes.length * base.runs() * (2L + epsilons.length) * base.interactions();
    }

    /**
     * Runs the grid ({@code base}'s eps is replaced by each of {@code epsilons}); writes bandit_sweep.csv,
     * bandit_sweep.md and each setting's Fig. 2a/2b files under {@code outDir/K<n>-eps<eps>/}.
     */
    public static List<Row> run(BanditSetting base, int[] nodes, double[] epsilons, int threads, Path outDir,
                                ProgressSink progress, String command) {
        if (nodes.length == 0 || epsilons.length == 0) {
            throw new IllegalArgumentException("sweep: needs at least one graph size and one eps");
        }
        List<Row> rows = new ArrayList<>();
        List<String> csv = new ArrayList<>();
        for (int n : nodes) {
            BanditSetting size = base.with(n, epsilons[0]);
            List<List<BanditExperiment.Run>> perEps = new ArrayList<>();
            for (int i = 0; i < epsilons.length; i++) {
                perEps.add(new ArrayList<>());
            }
            List<List<BanditExperiment.Run>> runs = Parallel.map(base.runs(), threads, r -> {
                SpanningTreeBandit env = base.mu().completeGraph(n, BanditExperiment.MU_SEED + r);
                BanditTrace semi = BanditTrace.ucb(env, true, size, r, progress);
                BanditTrace full = BanditTrace.ucb(env, false, size, r, progress);
                double best = env.expectedReward(env.maximumSpanningTree(env.mu()));
                List<BanditExperiment.Run> out = new ArrayList<>();
                for (double eps : epsilons) {
                    out.add(new BanditExperiment.Run(BanditTrace.dirpg(env, base.with(n, eps), r, progress), semi, full, best));
                }
                return out;
            });
            for (List<BanditExperiment.Run> run : runs) {
                for (int i = 0; i < epsilons.length; i++) {
                    perEps.get(i).add(run.get(i));
                }
            }
            for (int i = 0; i < epsilons.length; i++) {
                BanditExperiment.Result result = new BanditExperiment.Result(base.with(n, epsilons[i]), perEps.get(i));
                BanditExperiment.write(result, outDir.resolve("K" + n + "-eps" + BanditSetting.num(epsilons[i])));
                Row row = row(result);
                rows.add(row);
                double[] d = result.finalQuarter(r -> r.dirpg().ret());
                double[] semi = result.finalQuarter(r -> r.ucbSemi().ret());
                double[] full = result.finalQuarter(r -> r.ucbFull().ret());
                for (int r = 0; r < d.length; r++) {
                    csv.add(n + "," + epsilons[i] + "," + r + "," + result.runs().get(r).bestTreeReward() + "," + d[r] + ","
                            + semi[r] + "," + full[r]);
                }
            }
        }
        Csv.write(outDir.resolve("bandit_sweep.csv"), "nodes,epsilon,run,best_tree_reward,dirpg_final,ucb_semi_final,ucb_full_final", csv);
        try {
            Files.writeString(outDir.resolve("bandit_sweep.md"), markdown(base, rows, command));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write bandit_sweep.md: " + e.getMessage(), e);
        }
        return rows;
    }

    /** The row of one setting's result. */
    public static Row row(BanditExperiment.Result result) {
        BanditSetting s = result.setting();
        double[] d = result.finalQuarter(r -> r.dirpg().ret());
        double[] semi = result.finalQuarter(r -> r.ucbSemi().ret());
        double[] full = result.finalQuarter(r -> r.ucbFull().ret());
        return new Row(s.nodes(), s.epsilon(), result.meanBestTreeReward(), OverRuns.Estimate.of(d), OverRuns.Estimate.of(semi),
                OverRuns.Estimate.of(full), OverRuns.Paired.of(d, semi), OverRuns.Paired.of(d, full),
                OverRuns.Paired.of(result.wholeRun(r -> r.dirpg().ret()), result.wholeRun(r -> r.ucbSemi().ret())),
                OverRuns.Paired.of(result.wholeRun(r -> r.dirpg().ret()), result.wholeRun(r -> r.ucbFull().ret())),
                OverRuns.Estimate.of(result.finalQuarter(r -> r.dirpg().perSearch())),
                OverRuns.Estimate.of(result.finalQuarter(r -> r.dirpg().foundAfter())),
                OverRuns.Estimate.of(result.finalQuarter(r -> r.dirpg().noneFraction())));
    }

    /** The table: returns over the last quarter of interactions, paired differences, and Fig. 2b's numbers. */
    public static String markdown(BanditSetting base, List<Row> rows, String command) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "`%s`%n%nmu ~ %s, DirPG Adam %s, budget %d with early stop, Gumbel priority; "
                        + "%,d interactions per method and run, %d runs (run r: mu seed %d + r, shared by all methods). "
                        + "Returns are means over the last quarter of the interactions, ± standard error over runs; "
                        + "differences are paired over runs, \"level\" when within %.0f paired SE. "
                        + "Fig. 2b columns are over the same last quarter.%n%n",
                command, base.mu(), BanditSetting.num(base.learningRate()), base.budget(), base.interactions(), base.runs(),
                BanditExperiment.MU_SEED, OverRuns.LEVEL_WITHIN_SE));
        sb.append("| graph | eps | best tree E[r] | DirPG a_opt | UCB semi | UCB full | DirPG − semi | DirPG − full "
                + "| DirPG − semi, whole run | DirPG − full, whole run | interactions per search | a_dir found after "
                + "| searches without a_dir |\n");
        sb.append("| --- | ---: | ---: | ---: | ---: | ---: | --- | --- | --- | --- | ---: | ---: | ---: |\n");
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "| K%d | %s | %.3f | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
                    r.nodes(), BanditSetting.num(r.epsilon()), r.bestTreeReward(), est(r.dirpg(), 3), est(r.ucbSemi(), 3),
                    est(r.ucbFull(), 3), r.vsSemi(), r.vsFull(), r.vsSemiWhole(), r.vsFullWhole(), est(r.perSearch(), 1),
                    est(r.foundAfter(), 1), est(r.noneFraction(), 3)));
        }
        return sb.toString();
    }

    private static String est(OverRuns.Estimate e, int digits) {
        return String.format(Locale.ROOT, "%." + digits + "f ± %." + digits + "f", e.mean(), e.standardError());
    }
}
