package org.dirpg.experiment;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.dirpg.env.classic.SpanningTreeBandit;
import org.dirpg.train.ProgressSink;

/**
 * Fig. 2a and 2b: the combinatorial spanning-tree bandit of Sec. 6.1. DirPG (per-edge Bernoulli policy, Gumbel-only
 * priority, a budget of interactions, early stop on the first improvement) against UCB with semi-bandit and with
 * full-bandit feedback, in the setting of a {@link BanditSetting}. Run r draws its mu with seed 1000 + r and gives
 * it to all three methods, so their differences can be paired over runs. Returns are averaged in bins of
 * interactions; for DirPG the return is that of a_opt, a sample from the current policy. Fig. 2b is reported as the
 * paper defines it (interactions each search used) and split into the interactions to find a_dir, over the searches
 * that found one, and the fraction of searches that found none.
 */
public final class BanditExperiment {
    /** Mu seed of run r: {@code MU_SEED + r}. */
    public static final long MU_SEED = 1000;

    /** The three methods' traces of one run, and the expected reward of that run's best tree. */
    public record Run(BanditTrace dirpg, BanditTrace ucbSemi, BanditTrace ucbFull, double bestTreeReward) {
    }

    /** All runs of one setting. */
    public record Result(BanditSetting setting, List<Run> runs) {
        /** Bin centres in interactions. */
        public double[] x() {
            double[] x = new double[setting.bins()];
            for (int b = 0; b < x.length; b++) {
                x[b] = (b + 0.5) * setting.bin();
            }
            return x;
        }

        /** Per run, the mean of a curve over its last quarter of bins. */
        public double[] finalQuarter(Function<Run, double[]> curve) {
            int bins = setting.bins();
            int from = bins - Math.max(1, bins / 4);
            return runs.stream().mapToDouble(r -> BanditTrace.average(curve.apply(r), from, bins)).toArray();
        }

        /** Per run, the mean of a curve over all bins (the average return per interaction, up to binning). */
        public double[] wholeRun(Function<Run, double[]> curve) {
            return runs.stream().mapToDouble(r -> BanditTrace.average(curve.apply(r), 0, setting.bins())).toArray();
        }

        public double meanBestTreeReward() {
            return runs.stream().mapToDouble(Run::bestTreeReward).average().orElse(Double.NaN);
        }
    }

    private BanditExperiment() {
    }

    /** Total interactions a run of {@code s} spends (three methods), for progress reports. */
    public static long totalInteractions(BanditSetting s) {
        return 3L * s.runs() * s.interactions();
    }

    /** Runs the setting; CSV and the Fig. 2a and 2b PNGs in {@code outDir}. */
    public static Result run(BanditSetting s, int threads, Path outDir, ProgressSink progress) {
        List<Run> runs = Parallel.map(s.runs(), threads, r -> {
            SpanningTreeBandit env = s.mu().completeGraph(s.nodes(), MU_SEED + r);
            return new Run(BanditTrace.dirpg(env, s, r, progress), BanditTrace.ucb(env, true, s, r, progress),
                    BanditTrace.ucb(env, false, s, r, progress), env.expectedReward(env.maximumSpanningTree(env.mu())));
        });
        Result result = new Result(s, runs);
        write(result, outDir);
        return result;
    }

    static void write(Result result, Path outDir) {
        BanditSetting s = result.setting();
        double[] x = result.x();
        List<Function<Run, double[]>> curves = List.of(r -> r.dirpg().ret(), r -> r.ucbSemi().ret(), r -> r.ucbFull().ret(),
                r -> r.dirpg().perSearch(), r -> r.dirpg().foundAfter(), r -> r.dirpg().noneFraction());
        List<double[][]> bands = new ArrayList<>();
        for (Function<Run, double[]> c : curves) {
            bands.add(OverRuns.curves(result.runs().stream().map(c).toList()));
        }
        List<String> rows = new ArrayList<>();
        for (int b = 0; b < x.length; b++) {
            StringBuilder row = new StringBuilder(Double.toString(x[b]));
            for (double[][] band : bands) {
                row.append(',').append(band[0][b]).append(',').append(band[1][b]);
            }
            rows.add(row.toString());
        }
        Csv.write(outDir.resolve("bandit.csv"), "interactions,dirpg_return,dirpg_return_se,ucb_semi_return,ucb_semi_return_se,"
                + "ucb_full_return,ucb_full_return_se,dirpg_interactions_per_search,dirpg_interactions_per_search_se,"
                + "dirpg_found_after,dirpg_found_after_se,dirpg_none_fraction,dirpg_none_fraction_se", rows);
        String band = "band: ± 1 SE over " + s.runs() + " runs";
        double best = result.meanBestTreeReward();
        double[] bestLine = new double[x.length];
        java.util.Arrays.fill(bestLine, best);
        Plot returns = new Plot("Fig. 2a: " + s.describe(), "interactions", "mean return per bin (" + band + ")", 900, 520)
                .yFrom(0);
        String[] names = {"DirPG (a_opt)", "UCB semi-bandit", "UCB full-bandit"};
        for (int k = 0; k < 3; k++) {
            returns.series(names[k], x, bands.get(k)[0], lower(bands.get(k)), upper(bands.get(k)), null);
        }
        returns.reference(String.format(Locale.ROOT, "best tree E[r] = %.3f (mean over runs)", best), x, bestLine);
        returns.save(outDir.resolve("bandit.png"));
        Plot.saveGrid(List.of(
                panel("Fig. 2b as defined: interactions per search", "interactions per search", band, x, bands.get(3)).yFrom(0),
                panel("searches that found a_dir: when", "interactions when a_dir was found", band, x, bands.get(4)).yFrom(0),
                panel("searches that found no a_dir", "fraction of searches", band, x, bands.get(5)).yRange(0, 1)),
                1, 3, outDir.resolve("bandit_search.png"));
    }

    private static Plot panel(String title, String y, String band, double[] x, double[][] meanSe) {
        return new Plot(title, "interactions (" + band + ")", y, 480, 380)
                .series("DirPG", x, meanSe[0], lower(meanSe), upper(meanSe), null);
    }

    private static double[] lower(double[][] meanSe) {
        double[] out = new double[meanSe[0].length];
        for (int b = 0; b < out.length; b++) {
            out[b] = meanSe[0][b] - (Double.isFinite(meanSe[1][b]) ? meanSe[1][b] : 0);
        }
        return out;
    }

    private static double[] upper(double[][] meanSe) {
        double[] out = new double[meanSe[0].length];
        for (int b = 0; b < out.length; b++) {
            out[b] = meanSe[0][b] + (Double.isFinite(meanSe[1][b]) ? meanSe[1][b] : 0);
        }
        return out;
    }
}
