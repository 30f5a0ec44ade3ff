package org.dirpg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The long commands on a pipe (tests have no console): eval, experiment and bench print progress lines on stderr like
 * train, with only measured figures, ending in done; --no-progress prints none; a command that fails ends in failed.
 */
class ProgressLinesTest {
    private static List<String> progressLines(CliRun r) {
        return r.err().lines().filter(l -> l.startsWith("progress ")).toList();
    }

    private static String last(CliRun r) {
        List<String> lines = progressLines(r);
        assertTrue(!lines.isEmpty(), "no progress line; stderr: " + r.err());
        return lines.get(lines.size() - 1);
    }

    @Test
    void gaussianShowsEpsilonsOnlyAndEndsDone(@TempDir Path dir) {
        CliRun r = CliRun.of("experiment", "gaussian", "--epsilons=-1,1", "--points", "11", "--out", dir.toString());
        assertEquals(0, r.code(), r.err());
        String line = last(r);
        assertTrue(line.matches("progress gaussian: epsilons 2/2 \\(100\\.0%\\), [0-9.,]+ epsilons/s, elapsed [0-9]+ s, done"), line);
        assertTrue(!r.err().contains("n/a") && !r.err().contains("interactions"), "nothing unmeasured: " + r.err());
    }

    /** eval's line counts episodes, and its interactions are the episodes' steps (episodes x mean length). */
    @Test
    void evalCountsEpisodesAndTheirSteps(@TempDir Path dir) {
        assertEquals(0, CliRun.of("train", "-n", "30", "--no-progress", "--out", dir.toString()).code());
        CliRun r = CliRun.of("eval", "--checkpoint", dir.resolve("checkpoint.json").toString(), "--episodes", "200");
        assertEquals(0, r.code(), r.err());
        String line = last(r);
        Matcher m = Pattern.compile("progress eval: episodes 200/200 \\(100\\.0%\\), interactions ([0-9,]+), "
                + "recent mean return (-?[0-9.]+), [0-9.,]+ episodes/s, elapsed [0-9]+ s, done").matcher(line);
        assertTrue(m.matches(), line);
        Matcher length = Pattern.compile("mean length ([0-9.]+)").matcher(r.out());
        assertTrue(length.find(), r.out());
        assertEquals(200 * Double.parseDouble(length.group(1)), Double.parseDouble(m.group(1).replace(",", "")), 1e-6);
        assertEquals(List.of(), progressLines(CliRun.of("eval", "--checkpoint", dir.resolve("checkpoint.json").toString(),
                "--episodes", "20", "--no-progress")));
    }

    @Test
    void benchCountsItsResultLines() {
        CliRun r = CliRun.of("bench", "--suite", "core", "--seconds", "0.02");
        assertEquals(0, r.code(), r.err());
        assertEquals(1 + 5, r.out().lines().count(), r.out());
        assertTrue(last(r).matches("progress bench core: results 5/5 \\(100\\.0%\\), [0-9.,]+ results/s, elapsed [0-9]+ s, done"),
                last(r));
    }

    /** bench --suite minigrid without --remote fails after its progress started: the line says failed, never done. */
    @Test
    void aFailedCommandNeverPrintsDone() {
        CliRun r = CliRun.of("bench", "--suite", "minigrid", "--seconds", "0.02");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("error: --suite minigrid needs --remote"), r.err());
        assertTrue(last(r).endsWith(", failed"), last(r));
        assertTrue(!r.err().contains("done"), r.err());
    }
}
