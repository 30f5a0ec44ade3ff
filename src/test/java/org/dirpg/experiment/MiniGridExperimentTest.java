package org.dirpg.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.dirpg.train.ProgressSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code experiment minigrid} at a tiny scale on the Java twin: every curve kind writes its rows, a finished curve is
 * read back instead of rerun, and an interrupted curve (no {@code done} marker) is rerun to the same figures.
 */
class MiniGridExperimentTest {
    private static final List<String> CURVES = List.of("dirpg-astar-0.2", "reinforce-rtg-no-baseline", "cem");

    private static MiniGridSetup tiny() {
        // 3 maps of budget 600, 1 seed, held-out evaluation every 2 maps on 4 maps, alphas as the quick scale
        return new MiniGridSetup(3, 600, 1, 2, 4, 1_000_000, 2, new double[] {0.0, 0.2, 1.0}, List.of());
    }

    private static MiniGridExperiment.Outcome run(Path out) {
        return MiniGridExperiment.run(tiny(), CURVES, 1, out, ProgressSink.NONE, line -> { });
    }

    @Test
    void finishedCurvesAreReadBackAndInterruptedOnesRerunToTheSameFigures(@TempDir Path out) throws IOException {
        MiniGridExperiment.Outcome first = run(out);
        assertEquals(CURVES.size(), first.results().size());
        List<String> training = Files.readAllLines(out.resolve("minigrid_training.csv"));
        assertEquals(1 + CURVES.size() * 3, training.size(), "a header and 3 maps per curve");
        for (String curve : CURVES) {
            assertTrue(training.stream().anyMatch(l -> l.startsWith(curve + ",0,2,")), curve + " reached map 2");
        }
        List<String> eval = Files.readAllLines(out.resolve("minigrid_eval.csv"));
        assertEquals(1 + CURVES.size() * 3, eval.size(), "held-out evaluations at maps 0, 2 and 3 per curve");

        Path done = out.resolve("curves/cem/seed0/done");
        FileTime finished = Files.getLastModifiedTime(out.resolve("curves/cem/seed0/metrics.csv"));
        Files.delete(out.resolve("curves/dirpg-astar-0.2/seed0/done")); // as if killed before the marker
        MiniGridExperiment.Outcome second = run(out);
        assertTrue(Files.exists(done));
        assertEquals(finished, Files.getLastModifiedTime(out.resolve("curves/cem/seed0/metrics.csv")),
                "a finished curve is not rerun");
        assertTrue(Files.exists(out.resolve("curves/dirpg-astar-0.2/seed0/done")), "the interrupted curve finished");
        assertEquals(training, Files.readAllLines(out.resolve("minigrid_training.csv")), "same seed, same figures");
        assertEquals(eval, Files.readAllLines(out.resolve("minigrid_eval.csv")));
        assertEquals(first.summary(), second.summary());
        assertTrue(first.summary().contains("at equal interactions"), first.summary());
    }

    /** Each curve writes TensorBoard events in its directory: train/* per map and eval/* at each held-out evaluation. */
    @Test
    void eachCurveWritesItsTensorBoardEvents(@TempDir Path out) throws Exception {
        run(out);
        for (String curve : CURVES) {
            Path dir = out.resolve("curves/" + curve + "/seed0");
            List<String> csv = Files.readAllLines(dir.resolve("metrics.csv"));
            java.util.Map<Long, Float> returns = org.dirpg.tensorboard.EventFiles.scalars(dir, "train/return");
            assertEquals(List.of(0L, 1L, 2L), List.copyOf(returns.keySet()), curve);
            for (int u = 0; u < 3; u++) {
                assertEquals(Float.parseFloat(csv.get(1 + u).split(",")[2]), returns.get((long) u), curve + " update " + u);
            }
            assertEquals(List.of(0L, 2L, 3L), List.copyOf(org.dirpg.tensorboard.EventFiles.scalars(dir, "eval/greedy_return").keySet()), curve);
        }
    }

    @Test
    void theCandidatesRunOnlyWhenNamedAndEachSpendsTheMapsBudget(@TempDir Path out) {
        List<String> names = tiny().candidates().stream().map(MiniGridSetup.Curve::name).toList();
        assertEquals(List.of("reinforce-no-baseline-7-actions", "reinforce-no-baseline-discount-0.999",
                "reinforce-no-baseline-discount-0.99",
                "reinforce-no-baseline-summed", "reinforce-no-baseline-next-map-on-success",
                "reinforce-no-baseline-max-steps-240", "reinforce-no-baseline-old-encoding", "reinforce-run-py"), names);
        assertTrue(tiny().curves().stream().noneMatch(c -> names.contains(c.name())), "not in the figure's default run");
        MiniGridExperiment.Outcome o = MiniGridExperiment.run(tiny(), List.of("reinforce-run-py",
                "reinforce-no-baseline-max-steps-240"), 1, out, ProgressSink.NONE, line -> { });
        assertEquals(2, o.results().size());
        assertTrue(Files.exists(out.resolve("curves/reinforce-run-py/seed0/done")), "the candidate finished");
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> MiniGridExperiment.run(tiny(), List.of("reinforce-run-pi"), 1, out, ProgressSink.NONE, line -> { }));
        assertTrue(e.getMessage().contains("reinforce-run-py"), e.getMessage());
    }

    @Test
    void aSeedWhoseLastHundredMapsAllReturnedZeroCountsAsCollapsed() {
        java.util.function.IntFunction<List<org.dirpg.train.UpdateMetrics>> run = zerosFrom -> java.util.stream.IntStream
                .range(0, 150).mapToObj(t -> new org.dirpg.train.UpdateMetrics(t, 3000L * (t + 1), t >= zerosFrom ? 0.0 : 4.0,
                        Double.NaN, Double.NaN, Double.NaN, -1, 3000, -1, 1.0)).toList();
        java.util.Map<String, List<MiniGridCurveRun.Result>> byCurve = new java.util.LinkedHashMap<>();
        byCurve.put("c", List.of(new MiniGridCurveRun.Result("c", 0, run.apply(50), List.of()),
                new MiniGridCurveRun.Result("c", 1, run.apply(51), List.of())));
        String table = MiniGridReport.trainingReturns(byCurve);
        // first 20 maps 4.0 in both; last 20 maps 0; zeros 100 and 99 of 150 maps; only seed 0 has 100 zeros at the end
        assertTrue(table.contains("| c | 4.0 +- 0.0 | 0.0 +- 0.0 | 66.3 +- 0.3% | 1 of 2 |"), table);
    }

    @Test
    void heldOutReturnIsInterpolatedBetweenEvaluationsAndKeptBeyondTheLast() {
        List<double[]> evals = List.of(new double[] {0, 0, 10}, new double[] {100, 1000, 30}, new double[] {200, 1500, 40});
        assertEquals(20.0, MiniGridReport.interpolate(evals, 500), 1e-12);
        assertEquals(40.0, MiniGridReport.interpolate(evals, 1500), 1e-12);
        assertEquals(36.0, MiniGridReport.interpolate(evals, 1300), 1e-12);
        assertEquals(40.0, MiniGridReport.interpolate(evals, 9000), 1e-12, "a finished curve keeps its final value");
    }
}
