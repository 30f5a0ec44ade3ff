package org.dirpg.experiment;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The suite's outputs from its finished runs: {@code suite.csv} (every held-out evaluation of every run),
 * {@code suite.png} (one panel per environment: held-out return against interactions, mean over seeds with a band of
 * one standard error) and {@code summary.md}: per environment, a table of the held-out return at 1/4, 1/2 and all of
 * the budget (mean ± SE over seeds), and a verdict line per environment pairing DirPG (Gumbel priority) with every
 * other method at the full budget, seed by seed (ahead / level / behind, {@link OverRuns.Paired}).
 */
final class SuiteReport {
    private SuiteReport() {
    }

    static String write(SuiteSetup setup, List<SuiteRun.Result> results, String ppoNote, Path out) {
        Map<String, SuiteEnv> envs = new LinkedHashMap<>();
        for (SuiteEnv e : setup.envs()) {
            envs.put(e.name(), e);
        }
        List<String> rows = new ArrayList<>();
        for (SuiteRun.Result r : results) {
            for (double[] e : r.evals()) {
                rows.add(String.format(Locale.ROOT, "%s,%s,%s,%d,%s,%d,%s,%s,%s,%s", r.env(),
                        envs.get(r.env()).family(), r.method(), r.seed(), e[0], (long) e[1], e[2], e[3], e[4], e[5]));
            }
        }
        Csv.write(out.resolve("suite.csv"), "env,family,method,seed," + SuiteRun.EVAL_HEADER, rows);

        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "# DirPG beyond the paper: the suite (scale %s)%n%n", setup.scale()));
        md.append(String.format(Locale.ROOT, "Held-out return (sampled actions) on the same %d fixed episodes for every "
                + "method (reset seeds %d + i), mean ± SE over %d seeds, at 1/4, 1/2 and all of each env's budget of "
                + "environment steps. Every method spends 4 T interactions per update (T: the episode cap). "
                + "Verdicts pair DirPG (Gumbel priority) with each method at the full budget, seed by seed: ahead or "
                + "behind when the paired mean is beyond %.0f SE, else level.%n%n", setup.evalEpisodes(),
                SuiteSetup.EVAL_SEED, setup.seeds(), OverRuns.LEVEL_WITHIN_SE));
        if (ppoNote != null) {
            md.append(ppoNote).append(".\n\n");
        }
        List<Plot> plots = new ArrayList<>();
        for (SuiteEnv env : setup.envs()) {
            Map<String, List<SuiteRun.Result>> byMethod = new LinkedHashMap<>();
            for (SuiteRun.Result r : results) {
                if (r.env().equals(env.name())) {
                    byMethod.computeIfAbsent(r.method(), k -> new ArrayList<>()).add(r);
                }
            }
            if (byMethod.isEmpty()) {
                continue;
            }
            long budget = setup.interactions(env);
            md.append(String.format(Locale.ROOT, "## %s (%s)%n%nbudget %,d interactions per run, T = %d, eps = %s%s%n%n",
                    env.name(), env.family(), budget, env.maxSteps(), trim(env.epsilon()),
                    env.specBound() ? ", bound: reward range x steps left" : ", no bound"));
            md.append("| method | 0 | 1/4 | 1/2 | all | interactions at \"all\" (mean) |\n|---|---|---|---|---|---|\n");
            Plot plot = new Plot(env.name(), "interactions", "held-out return");
            for (Map.Entry<String, List<SuiteRun.Result>> m : byMethod.entrySet()) {
                md.append("| ").append(m.getKey());
                double[] xs = new double[SuiteSetup.CHECKPOINTS.length];
                double[] ys = new double[xs.length];
                double[] lo = new double[xs.length];
                double[] hi = new double[xs.length];
                for (int c = 0; c < SuiteSetup.CHECKPOINTS.length; c++) {
                    OverRuns.Estimate e = OverRuns.Estimate.of(at(m.getValue(), SuiteSetup.CHECKPOINTS[c]));
                    md.append(" | ").append(format(e));
                    xs[c] = SuiteSetup.CHECKPOINTS[c] * budget;
                    ys[c] = e.mean();
                    double se = Double.isFinite(e.standardError()) ? e.standardError() : 0;
                    lo[c] = e.mean() - se;
                    hi[c] = e.mean() + se;
                }
                md.append(String.format(Locale.ROOT, " | %,.0f |%n", mean(interactionsAt(m.getValue(), 1))));
                plot.colour(colourOf(m.getKey())).series(m.getKey(), xs, ys, lo, hi, null);
            }
            plots.add(plot);
            md.append('\n').append(verdict(byMethod)).append("\n\n");
        }
        if (!plots.isEmpty()) {
            int cols = Math.min(3, plots.size());
            Plot.saveGrid(plots, (plots.size() + cols - 1) / cols, cols, out.resolve("suite.png"));
            md.append("![held-out return against interactions, mean ± 1 SE over seeds](suite.png)\n");
        }
        String summary = md.toString();
        try {
            java.nio.file.Files.writeString(out.resolve("summary.md"), summary);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot write " + out.resolve("summary.md") + ": " + e.getMessage(), e);
        }
        return summary;
    }

    /** DirPG (Gumbel) against each other method at the full budget, paired by seed. */
    private static String verdict(Map<String, List<SuiteRun.Result>> byMethod) {
        List<SuiteRun.Result> dirpg = byMethod.get("dirpg-gumbel");
        if (dirpg == null) {
            return "verdict: n/a (no dirpg-gumbel runs)";
        }
        StringBuilder b = new StringBuilder("verdict, dirpg-gumbel against:");
        String sep = " ";
        for (Map.Entry<String, List<SuiteRun.Result>> m : byMethod.entrySet()) {
            if (m.getKey().equals("dirpg-gumbel")) {
                continue;
            }
            int n = Math.min(dirpg.size(), m.getValue().size());
            OverRuns.Paired p = OverRuns.Paired.of(at(dirpg.subList(0, n), 1), at(m.getValue().subList(0, n), 1));
            b.append(sep).append(m.getKey()).append(' ').append(p);
            sep = "; ";
        }
        return b.toString();
    }

    /** A method's colour in every panel: its place among all the suite's methods. */
    private static int colourOf(String method) {
        int i = SuiteSetup.JAVA_METHODS.indexOf(method);
        return i >= 0 ? i : SuiteSetup.JAVA_METHODS.size();
    }

    private static double[] at(List<SuiteRun.Result> runs, double fraction) {
        double[] out = new double[runs.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = runs.get(i).meanAt(fraction);
        }
        return out;
    }

    private static double[] interactionsAt(List<SuiteRun.Result> runs, double fraction) {
        double[] out = new double[runs.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = runs.get(i).interactionsAt(fraction);
        }
        return out;
    }

    private static double mean(double[] xs) {
        return OverRuns.Estimate.of(xs).mean();
    }

    private static String format(OverRuns.Estimate e) {
        return Double.isFinite(e.standardError()) ? String.format(Locale.ROOT, "%.2f ± %.2f", e.mean(), e.standardError())
                : String.format(Locale.ROOT, "%.2f", e.mean());
    }

    private static String trim(double x) {
        return x == Math.rint(x) ? Long.toString((long) x) : Double.toString(x);
    }
}
