package org.dirpg.experiment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dirpg.train.UpdateMetrics;

/**
 * Fig. 3's outputs from finished curves: {@code minigrid_training.csv} (every map of every curve and seed),
 * {@code minigrid_eval.csv} (every held-out evaluation), {@code minigrid_frozen.csv}; the PNGs 3a (training return
 * against interactions, held-out sampled return against interactions: mean over seeds with a min-max band), 3b
 * (D(a_dir) and D(a_opt) of the alpha = 0.2 curve), 3c (completed trajectories per priority; the distribution of their
 * returns); and {@code summary.md}, a table of the final held-out returns.
 */
final class MiniGridReport {
    private MiniGridReport() {
    }

    static String write(MiniGridSetup setup, List<MiniGridCurveRun.Result> results,
                        List<MiniGridExperiment.FrozenSearch> frozen, Path out) {
        Map<String, List<MiniGridCurveRun.Result>> byCurve = new LinkedHashMap<>();
        for (MiniGridCurveRun.Result r : results) {
            byCurve.computeIfAbsent(r.curve(), k -> new ArrayList<>()).add(r);
        }
        writeCsvs(results, frozen, out);
        int bin = setup.evalEvery();
        Plot training = new Plot("Fig. 3a: return of the acting trajectory (a_opt for DirPG), mean over " + bin
                + " maps", "interactions", "return (line: mean over seeds; band: min to max)", 1000, 640);
        Plot heldOut = new Plot("Fig. 3a: held-out return on " + setup.evalMaps() + " fixed fresh maps (sampled actions)",
                "interactions", "return (line: mean over seeds; band: min to max)", 1000, 640);
        for (Map.Entry<String, List<MiniGridCurveRun.Result>> e : byCurve.entrySet()) {
            List<double[]> xs = new ArrayList<>();
            List<double[]> ys = new ArrayList<>();
            List<double[]> ex = new ArrayList<>();
            List<double[]> ey = new ArrayList<>();
            for (MiniGridCurveRun.Result r : e.getValue()) {
                xs.add(MiniGridExperiment.binned(r.metrics(), bin, m -> m.interactions()));
                ys.add(MiniGridExperiment.binned(r.metrics(), bin, UpdateMetrics::updateReturn));
                ex.add(r.evals().stream().mapToDouble(v -> v[1]).toArray());
                ey.add(r.evals().stream().mapToDouble(v -> v[2]).toArray());
            }
            addBanded(training, e.getKey(), xs, ys);
            addBanded(heldOut, e.getKey(), ex, ey);
        }
        training.save(out.resolve("fig3a_training_return.png"));
        heldOut.save(out.resolve("fig3a_heldout_return.png"));
        List<MiniGridCurveRun.Result> a02 = byCurve.get("dirpg-astar-0.2");
        if (a02 != null) {
            List<double[]> x = new ArrayList<>();
            List<double[]> dDir = new ArrayList<>();
            List<double[]> dOpt = new ArrayList<>();
            for (MiniGridCurveRun.Result r : a02) {
                x.add(MiniGridExperiment.binned(r.metrics(), bin, m -> m.update() + 1));
                dDir.add(MiniGridExperiment.binned(r.metrics(), bin, UpdateMetrics::dDir));
                dOpt.add(MiniGridExperiment.binned(r.metrics(), bin, UpdateMetrics::dOpt));
            }
            Plot b = new Plot("Fig. 3b: direct objectives of DirPG, A* alpha = 0.2 (mean over " + bin + " maps)", "map",
                    "direct objective D (mean over seeds; band: min to max)", 1000, 640);
            addBanded(b, "D(a_dir)", x, dDir);
            addBanded(b, "D(a_opt)", x, dOpt);
            b.save(out.resolve("fig3b_objectives.png"));
        }
        if (!frozen.isEmpty()) {
            double[] idx = new double[frozen.size()];
            double[] count = new double[idx.length];
            double[] lo = new double[idx.length];
            double[] hi = new double[idx.length];
            Plot c1 = new Plot("Fig. 3c: completed trajectories per search, frozen alpha = 0.2 policy",
                    "priority: " + priorities(frozen), "completed trajectories per map", 1000, 640);
            Plot c2 = new Plot("Fig. 3c: returns of the completed trajectories", "return", "fraction of trajectories",
                    1000, 640);
            for (int i = 0; i < idx.length; i++) {
                MiniGridExperiment.FrozenSearch f = frozen.get(i);
                idx[i] = i;
                count[i] = f.meanCandidates();
                lo[i] = f.meanCandidates() - f.seCandidates();
                hi[i] = f.meanCandidates() + f.seCandidates();
                int total = f.returnCounts().values().stream().mapToInt(Integer::intValue).sum();
                double[] rx = f.returnCounts().keySet().stream().mapToDouble(Double::doubleValue).toArray();
                double[] ry = f.returnCounts().values().stream().mapToDouble(v -> (double) v / Math.max(1, total)).toArray();
                c2.series(f.priority(), rx, ry);
            }
            c1.series("mean per map", idx, count, lo, hi, "+- 1 standard error over maps");
            c1.save(out.resolve("fig3c_completed.png"));
            c2.save(out.resolve("fig3c_returns.png"));
        }
        String summary = summary(setup, byCurve, frozen);
        try {
            Files.writeString(out.resolve("summary.md"), summary);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return summary;
    }

    private static String priorities(List<MiniGridExperiment.FrozenSearch> frozen) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < frozen.size(); i++) {
            b.append(i == 0 ? "" : ", ").append(i).append(" = ").append(frozen.get(i).priority());
        }
        return b.toString();
    }

    /** Mean over runs with a min-max band, truncated to the shortest run. */
    private static void addBanded(Plot plot, String name, List<double[]> xs, List<double[]> ys) {
        int n = Integer.MAX_VALUE;
        for (double[] y : ys) {
            n = Math.min(n, y.length);
        }
        if (n == 0 || n == Integer.MAX_VALUE) {
            return;
        }
        double[] x = new double[n];
        double[] mean = new double[n];
        double[] lo = new double[n];
        double[] hi = new double[n];
        for (int i = 0; i < n; i++) {
            lo[i] = Double.POSITIVE_INFINITY;
            hi[i] = Double.NEGATIVE_INFINITY;
            for (int r = 0; r < ys.size(); r++) {
                x[i] += xs.get(r)[i] / ys.size();
                mean[i] += ys.get(r)[i] / ys.size();
                lo[i] = Math.min(lo[i], ys.get(r)[i]);
                hi[i] = Math.max(hi[i], ys.get(r)[i]);
            }
        }
        if (ys.size() > 1) {
            plot.series(name, x, mean, lo, hi, null);
        } else {
            plot.series(name, x, mean);
        }
    }

    private static String summary(MiniGridSetup setup, Map<String, List<MiniGridCurveRun.Result>> byCurve,
                                  List<MiniGridExperiment.FrozenSearch> frozen) {
        StringBuilder b = new StringBuilder();
        b.append(String.format("Fig. 3 (MultiRoom-N6, paper reward): %d maps x budget %d per curve, %d seed(s), held-out "
                + "evaluation on %d fixed fresh maps%s.%n%n", setup.maps(), setup.budget(), setup.seeds(),
                setup.evalMaps(), setup.remote().isEmpty() ? " (Java twin)" : " (Python MiniGrid at " + setup.remote() + ")"));
        b.append("| curve | interactions (mean) | held-out return, sampled (mean over seeds +- SE) | greedy | goal reached, sampled |\n");
        b.append("| --- | --- | --- | --- | --- |\n");
        for (Map.Entry<String, List<MiniGridCurveRun.Result>> e : byCurve.entrySet()) {
            List<MiniGridCurveRun.Result> rs = e.getValue();
            double[] sampled = new double[rs.size()];
            double[] greedy = new double[rs.size()];
            double[] goal = new double[rs.size()];
            double inter = 0;
            for (int i = 0; i < rs.size(); i++) {
                double[] last = rs.get(i).evals().get(rs.get(i).evals().size() - 1);
                sampled[i] = last[2];
                greedy[i] = last[5];
                goal[i] = last[4];
                List<UpdateMetrics> m = rs.get(i).metrics();
                inter += (m.isEmpty() ? 0 : m.get(m.size() - 1).interactions()) / (double) rs.size();
            }
            b.append(String.format("| %s | %,.0f | %s | %s | %.0f%% |%n", e.getKey(), inter, estimate(sampled),
                    estimate(greedy), 100 * mean(goal)));
        }
        equalInteractions(setup, byCurve, b);
        b.append(trainingReturns(byCurve));
        if (!frozen.isEmpty()) {
            b.append(String.format("%nFig. 3c, the alpha = 0.2 policy frozen after %,d interactions, %d maps per priority:%n%n",
                    setup.frozenAt(), setup.frozenMaps()));
            b.append("| priority | completed trajectories per map (+- SE) | mean return of those |\n| --- | --- | --- |\n");
            for (MiniGridExperiment.FrozenSearch f : frozen) {
                b.append(String.format("| %s | %.1f +- %.1f | %.1f |%n", f.priority(), f.meanCandidates(),
                        f.seCandidates(), f.meanReturn()));
            }
        }
        return b.toString();
    }

    /**
     * Fig. 3a's comparison at equal cost: the held-out sampled return of each curve after 1/9, 2/9, 3/9 and 9/9 of the
     * paper's interactions per curve (maps x budget), linearly interpolated between its evaluations. A seed that
     * finished all its maps with fewer interactions (its searches ended early) keeps its final value.
     */
    private static void equalInteractions(MiniGridSetup setup, Map<String, List<MiniGridCurveRun.Result>> byCurve,
                                          StringBuilder b) {
        double total = (double) setup.maps() * setup.budget();
        double[] at = {total / 9, 2 * total / 9, 3 * total / 9, total};
        b.append("\nHeld-out return (sampled, mean over seeds +- SE) at equal interactions (a seed that finished with "
                + "fewer keeps its final value):\n\n| curve |");
        for (double x : at) {
            b.append(String.format(" %,.0f |", x));
        }
        b.append("\n| ---").append(" | ---".repeat(at.length)).append(" |\n");
        for (Map.Entry<String, List<MiniGridCurveRun.Result>> e : byCurve.entrySet()) {
            b.append("| ").append(e.getKey()).append(" |");
            for (double x : at) {
                double[] ys = e.getValue().stream().mapToDouble(r -> interpolate(r.evals(), x)).toArray();
                b.append(' ').append(estimate(ys)).append(" |");
            }
            b.append('\n');
        }
    }

    /** Maps at the end of a run whose training returns must all be 0 for the seed to count as collapsed. */
    static final int COLLAPSE_WINDOW = 100;

    /**
     * The figure the authors' {@code reinforce.py} prints, per map the mean return of the map's training trajectories
     * (for DirPG a_opt's), to compare with their runs: its mean over the first and the last 20 maps, the share of maps
     * whose return was exactly 0, and how many seeds collapsed (their last {@value #COLLAPSE_WINDOW} maps all 0).
     */
    static String trainingReturns(Map<String, List<MiniGridCurveRun.Result>> byCurve) {
        StringBuilder b = new StringBuilder();
        b.append("\nTraining return per map (the mean over the map's training trajectories, as the authors' reinforce.py "
                + "prints it; mean over seeds +- SE):\n\n| curve | first 20 maps | last 20 maps | maps with return 0 "
                + "| seeds collapsed (last " + COLLAPSE_WINDOW + " maps all 0) |\n| --- | --- | --- | --- | --- |\n");
        for (Map.Entry<String, List<MiniGridCurveRun.Result>> e : byCurve.entrySet()) {
            List<MiniGridCurveRun.Result> rs = e.getValue();
            double[] first = new double[rs.size()];
            double[] last = new double[rs.size()];
            double[] zeroShare = new double[rs.size()];
            int collapsed = 0;
            for (int i = 0; i < rs.size(); i++) {
                double[] r = rs.get(i).metrics().stream().mapToDouble(UpdateMetrics::updateReturn).toArray();
                first[i] = mean(java.util.Arrays.copyOfRange(r, 0, Math.min(20, r.length)));
                last[i] = mean(java.util.Arrays.copyOfRange(r, Math.max(0, r.length - 20), r.length));
                int zeros = 0;
                int zerosAtEnd = 0;
                for (int t = 0; t < r.length; t++) {
                    if (r[t] == 0.0) {
                        zeros++;
                        if (t >= r.length - COLLAPSE_WINDOW) {
                            zerosAtEnd++;
                        }
                    }
                }
                zeroShare[i] = r.length == 0 ? 0 : 100.0 * zeros / r.length;
                if (r.length >= COLLAPSE_WINDOW && zerosAtEnd == COLLAPSE_WINDOW) {
                    collapsed++;
                }
            }
            b.append(String.format("| %s | %s | %s | %s%% | %d of %d |%n", e.getKey(), estimate(first), estimate(last),
                    estimate(zeroShare), collapsed, rs.size()));
        }
        return b.toString();
    }

    /** The sampled held-out return (column 2) at {@code x} interactions (column 1); the last one beyond it. */
    static double interpolate(List<double[]> evals, double x) {
        for (int i = 0; i + 1 < evals.size(); i++) {
            double x0 = evals.get(i)[1];
            double x1 = evals.get(i + 1)[1];
            if (x >= x0 && x <= x1) {
                double y0 = evals.get(i)[2];
                double y1 = evals.get(i + 1)[2];
                return x1 == x0 ? y1 : y0 + (y1 - y0) * (x - x0) / (x1 - x0);
            }
        }
        return evals.get(evals.size() - 1)[2];
    }

    private static String estimate(double[] xs) {
        double m = mean(xs);
        if (xs.length < 2) {
            return String.format("%.1f", m);
        }
        double v = 0;
        for (double x : xs) {
            v += (x - m) * (x - m) / (xs.length - 1);
        }
        return String.format("%.1f +- %.1f", m, Math.sqrt(v / xs.length));
    }

    private static double mean(double[] xs) {
        double s = 0;
        for (double x : xs) {
            s += x / xs.length;
        }
        return s;
    }

    private static void writeCsvs(List<MiniGridCurveRun.Result> results, List<MiniGridExperiment.FrozenSearch> frozen,
                                  Path out) {
        List<String> rows = new ArrayList<>();
        List<String> evalRows = new ArrayList<>();
        for (MiniGridCurveRun.Result r : results) {
            for (UpdateMetrics m : r.metrics()) {
                rows.add(r.curve() + "," + r.seed() + "," + m.toCsv());
            }
            for (double[] e : r.evals()) {
                StringBuilder s = new StringBuilder(r.curve() + "," + r.seed());
                for (double v : e) {
                    s.append(',').append(v);
                }
                evalRows.add(s.toString());
            }
        }
        Csv.write(out.resolve("minigrid_training.csv"), "curve,seed," + UpdateMetrics.CSV_HEADER, rows);
        Csv.write(out.resolve("minigrid_eval.csv"), "curve,seed," + MiniGridCurveRun.EVAL_HEADER, evalRows);
        List<String> frozenRows = new ArrayList<>();
        for (MiniGridExperiment.FrozenSearch f : frozen) {
            for (Map.Entry<Double, Integer> e : f.returnCounts().entrySet()) {
                frozenRows.add(f.priority() + "," + f.meanCandidates() + "," + f.seCandidates() + "," + e.getKey() + "," + e.getValue());
            }
        }
        Csv.write(out.resolve("minigrid_frozen.csv"), "priority,mean_completed,se_completed,return,count", frozenRows);
    }
}
