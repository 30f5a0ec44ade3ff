package org.dirpg.experiment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

/**
 * The Fig. 2c outputs of a DeepSea sweep: the per-run CSV (which {@link #read} loads back, so that sweeps run in
 * pieces can be reported together), the per-eps summary over seeds as a markdown table, and the figure: P(LLLL) and
 * P(RRRR) against |eps| on a log axis, one panel for eps < 0 and one for eps > 0 (no line crosses eps = 0), the mean
 * over seeds with a band from the smallest to the largest seed.
 */
public final class DeepSeaReport {
    static final String HEADER = "epsilon,seed,sigma,episodes,lr,p_llll,p_rrrr";

    /** Mean, standard error and range over seeds of one probability. */
    public record Spread(double mean, double standardError, double min, double max) {
        static Spread of(List<Double> xs) {
            double mean = xs.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
            double ss = xs.stream().mapToDouble(x -> (x - mean) * (x - mean)).sum();
            double se = xs.size() > 1 ? Math.sqrt(ss / (xs.size() - 1) / xs.size()) : Double.NaN;
            return new Spread(mean, se, xs.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN),
                    xs.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN));
        }
    }

    /** P(LLLL) and P(RRRR) over the seeds of one eps. */
    public record Summary(double epsilon, int seeds, Spread safe, Spread risky) {
    }

    private DeepSeaReport() {
    }

    /** One summary per eps, in increasing eps. */
    public static List<Summary> summarise(List<DeepSeaExperiment.Point> points) {
        TreeMap<Double, List<DeepSeaExperiment.Point>> byEps = new TreeMap<>();
        for (DeepSeaExperiment.Point p : points) {
            byEps.computeIfAbsent(p.epsilon(), k -> new ArrayList<>()).add(p);
        }
        List<Summary> out = new ArrayList<>();
        byEps.forEach((eps, ps) -> out.add(new Summary(eps, ps.size(),
                Spread.of(ps.stream().map(DeepSeaExperiment.Point::pSafe).toList()),
                Spread.of(ps.stream().map(DeepSeaExperiment.Point::pRisky).toList()))));
        return out;
    }

    /** deepsea.csv, deepsea.md and deepsea.png in {@code outDir}. */
    public static void write(List<DeepSeaExperiment.Point> points, Path outDir) {
        List<String> rows = new ArrayList<>();
        for (DeepSeaExperiment.Point p : points) {
            rows.add(p.epsilon() + "," + p.seed() + "," + p.sigma() + "," + p.episodes() + "," + p.learningRate() + ","
                    + p.pSafe() + "," + p.pRisky());
        }
        Csv.write(outDir.resolve("deepsea.csv"), HEADER, rows);
        List<Summary> summaries = summarise(points);
        try {
            Files.writeString(outDir.resolve("deepsea.md"), markdown(points, summaries));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + outDir.resolve("deepsea.md") + ": " + e.getMessage(), e);
        }
        plot(points.get(0), summaries, outDir.resolve("deepsea.png"));
    }

    /** The settings line and one table row per eps. */
    public static String markdown(List<DeepSeaExperiment.Point> points, List<Summary> summaries) {
        DeepSeaExperiment.Point p = points.get(0);
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "sigma = %s, %,d episodes per run, Adam %s, %d seeds per eps; mean ± standard error over seeds, "
                        + "[min, max] over seeds%n%n", num(p.sigma()), p.episodes(), num(p.learningRate()), summaries.get(0).seeds()));
        sb.append("| eps | P(LLLL) | [min, max] | P(RRRR) | [min, max] |\n| ---: | ---: | ---: | ---: | ---: |\n");
        for (Summary s : summaries) {
            sb.append(String.format(Locale.ROOT, "| %s | %.3f ± %.3f | [%.3f, %.3f] | %.3f ± %.3f | [%.3f, %.3f] |%n",
                    num(s.epsilon()), s.safe().mean(), s.safe().standardError(), s.safe().min(), s.safe().max(),
                    s.risky().mean(), s.risky().standardError(), s.risky().min(), s.risky().max()));
        }
        return sb.toString();
    }

    private static String num(double x) {
        return x == Math.rint(x) && Math.abs(x) < 1e6 ? Long.toString((long) x) : Double.toString(x);
    }

    private static void plot(DeepSeaExperiment.Point settings, List<Summary> summaries, Path png) {
        List<Plot> panels = new ArrayList<>();
        int seeds = summaries.get(0).seeds();
        for (int sign : new int[] {-1, 1}) {
            List<Summary> side = summaries.stream().filter(s -> Math.signum(s.epsilon()) == sign)
                    .sorted((a, b) -> Double.compare(Math.abs(a.epsilon()), Math.abs(b.epsilon()))).toList();
            if (side.isEmpty()) {
                continue;
            }
            int n = side.size();
            double[] x = new double[n];
            double[][] v = new double[6][n];
            for (int i = 0; i < n; i++) {
                Summary s = side.get(i);
                x[i] = Math.abs(s.epsilon());
                v[0][i] = s.safe().mean();
                v[1][i] = s.safe().min();
                v[2][i] = s.safe().max();
                v[3][i] = s.risky().mean();
                v[4][i] = s.risky().min();
                v[5][i] = s.risky().max();
            }
            String title = sign < 0 ? "Fig. 2c, eps < 0 (risk-averse)" : "Fig. 2c, eps > 0 (risk-seeking)";
            String xLabel = String.format(Locale.ROOT, "|eps|, log scale (sigma = %s, %,d episodes, Adam %s)",
                    num(settings.sigma()), settings.episodes(), num(settings.learningRate()));
            double lo = Math.pow(10, Math.floor(Math.log10(x[0])));
            double hi = Math.pow(10, Math.ceil(Math.log10(x[n - 1]) + 1e-12));
            String yLabel = "learned probability (band: min-max, " + seeds + " seeds)";
            panels.add(new Plot(title, xLabel, yLabel, 600, 460).logX().xRange(lo, Math.max(hi, 10 * lo))
                    .yRange(0, 1).series("P(LLLL) (safe)", x, v[0], v[1], v[2], null).series("P(RRRR) (risky)", x, v[3], v[4], v[5], null));
        }
        Plot.saveGrid(panels, 1, panels.size(), png);
    }

    /** Loads the points of a deepsea.csv written by {@link #write}. */
    public static List<DeepSeaExperiment.Point> read(Path csv) {
        List<String> lines;
        try {
            lines = Files.readAllLines(csv);
        } catch (IOException e) {
            throw new IllegalArgumentException("from-csv: cannot read " + csv + ": " + e.getMessage(), e);
        }
        if (lines.isEmpty() || !lines.get(0).strip().equals(HEADER)) {
            throw new IllegalArgumentException("from-csv: " + csv + " does not start with the header " + HEADER);
        }
        List<DeepSeaExperiment.Point> points = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).split(",");
            try {
                points.add(new DeepSeaExperiment.Point(Double.parseDouble(f[0]), Long.parseLong(f[1]), Double.parseDouble(f[2]),
                        Long.parseLong(f[3]), Double.parseDouble(f[4]), Double.parseDouble(f[5]), Double.parseDouble(f[6])));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("from-csv: " + csv + " line " + (i + 1) + " is not a row of " + HEADER);
            }
        }
        return points;
    }
}
