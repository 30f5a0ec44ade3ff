package org.dirpg.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.dirpg.train.ProgressSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fig. 2c outputs: the sweep is seeded per run, the CSV reads back, and the summary spans the seeds. */
class DeepSeaReportTest {

    @Test
    void sweepDoesNotDependOnThreadsAndItsCsvReadsBack(@TempDir Path dir) throws Exception {
        DeepSeaExperiment.Settings s = new DeepSeaExperiment.Settings(new double[] {-0.5, 2}, 2, 1500, 0.01, 10, 1);
        List<DeepSeaExperiment.Point> one = DeepSeaExperiment.run(s, dir.resolve("a"), ProgressSink.NONE);
        List<DeepSeaExperiment.Point> two = DeepSeaExperiment.run(
                new DeepSeaExperiment.Settings(s.epsilons(), 2, 1500, 0.01, 10, 2), dir.resolve("b"), ProgressSink.NONE);
        assertEquals(one, two);
        assertEquals(one, DeepSeaReport.read(dir.resolve("a/deepsea.csv")));
        assertEquals(List.of(-0.5, -0.5, 2.0, 2.0), one.stream().map(DeepSeaExperiment.Point::epsilon).toList());
        assertTrue(Files.size(dir.resolve("a/deepsea.png")) < 150_000);
        String md = Files.readString(dir.resolve("a/deepsea.md"));
        assertTrue(md.startsWith("sigma = 10, 1,500 episodes per run, Adam 0.01, 2 seeds per eps"), md);
        assertEquals(2, md.lines().filter(l -> l.startsWith("| -0.5 |") || l.startsWith("| 2 |")).count(), md);
    }

    @Test
    void summarySpansTheSeeds() {
        List<DeepSeaExperiment.Point> points = List.of(
                new DeepSeaExperiment.Point(1, 0, 10, 5, 0.1, 0.4, 0.6), new DeepSeaExperiment.Point(1, 1, 10, 5, 0.1, 0.5, 0.4),
                new DeepSeaExperiment.Point(-1, 0, 10, 5, 0.1, 1.0, 0.0));
        List<DeepSeaReport.Summary> s = DeepSeaReport.summarise(points);
        assertEquals(-1, s.get(0).epsilon());
        DeepSeaReport.Summary pos = s.get(1);
        assertEquals(0.45, pos.safe().mean(), 1e-12);
        assertEquals(0.4, pos.safe().min());
        assertEquals(0.5, pos.safe().max());
        assertEquals(0.05, pos.safe().standardError(), 1e-12);
        assertEquals(0.6, pos.risky().max());
    }

    @Test
    void badCsvNamesTheOption(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("x.csv");
        Files.writeString(csv, "epsilon,seed\n1,2\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DeepSeaReport.read(csv)).getMessage().startsWith("from-csv:"));
        Files.writeString(csv, DeepSeaReport.HEADER + "\n1,x,10,5,0.1,0.5,0.5\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DeepSeaReport.read(csv)).getMessage().contains("line 2"));
    }
}
