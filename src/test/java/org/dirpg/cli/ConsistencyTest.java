package org.dirpg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.dirpg.env.classic.Environments;
import org.dirpg.train.Checkpoint;
import org.dirpg.train.UpdateMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One name per setting and no sentinels: train --help lists the native ids, --learning-rate is --lr, and
 * metrics.csv leaves what a trainer does not measure empty (metrics.jsonl: null), never -1 or NaN.
 */
class ConsistencyTest {
    @Test
    void trainHelpListsTheNativeEnvironmentIds() {
        CliRun r = CliRun.of("train", "--help");
        assertEquals(0, r.code());
        String help = r.out().replaceAll("\\s+", " ");
        for (String id : Environments.nativeIds()) {
            assertTrue(help.contains(id), id + " missing from train --help");
        }
    }

    @Test
    void learningRateIsAnAliasOfLr(@TempDir Path dir) throws Exception {
        assertEquals(0, CliRun.of("train", "-n", "2", "--learning-rate", "0.0125", "--no-progress", "--out",
                dir.resolve("a").toString()).code());
        assertEquals(0.0125, Checkpoint.read(dir.resolve("a/checkpoint.json")).settings().learningRate());
        CliRun both = CliRun.of("train", "-n", "2", "--lr", "0.1", "--learning-rate", "0.2", "--out", dir.resolve("b").toString());
        assertEquals(2, both.code(), "one setting given twice is refused: " + both.err());
    }

    @Test
    void absentMetricsAreEmptyCellsNeverSentinels(@TempDir Path dir) throws Exception {
        assertEquals(0, CliRun.of("train", "--algo", "reinforce", "-n", "3", "--no-progress", "--out", dir.resolve("r").toString()).code());
        List<String> rows = Files.readAllLines(dir.resolve("r/metrics.csv"));
        assertEquals(UpdateMetrics.CSV_HEADER, rows.get(0));
        for (String row : rows.subList(1, rows.size())) {
            String[] f = row.split(",", -1);
            assertEquals(10, f.length, row);
            for (int i : new int[] {3, 4, 5, 6, 8}) { // dir_return, d_opt, d_dir, candidates, first_improvement
                assertEquals("", f[i], "REINFORCE measures no " + UpdateMetrics.CSV_HEADER.split(",")[i] + ": " + row);
            }
            assertTrue(!f[2].isEmpty() && !f[9].isEmpty(), row);
            assertEquals(row, UpdateMetrics.fromCsv(row).toCsv(), "a row reads back to itself");
        }
        assertTrue(Files.readAllLines(dir.resolve("r/metrics.jsonl")).get(0).contains("\"first_improvement\":null"));
        assertEquals(0, CliRun.of("train", "-n", "200", "--no-progress", "--out", dir.resolve("d").toString()).code());
        for (String row : Files.readAllLines(dir.resolve("d/metrics.csv"))) {
            for (String cell : row.split(",", -1)) {
                assertTrue(!cell.equals("-1") && !cell.equals("NaN"), "no sentinel in a DirPG row: " + row);
            }
        }
        UpdateMetrics none = UpdateMetrics.fromCsv("4,100,0.5,,,,,25,,0.0");
        assertEquals(-1, none.firstImprovement());
        assertTrue(Double.isNaN(none.dOpt()));
    }
}
