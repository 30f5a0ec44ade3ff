package org.dirpg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's MiniGrid training command at a reduced count learns (the search completes trajectories after a_opt and
 * the gradient is not zero), and a seed gives the same run whatever the machine's OpenMP thread count: the command
 * runs in two fresh JVMs, one with OMP_NUM_THREADS=1 and one with 2, and the metrics files are identical.
 */
class ReadmeMiniGridTest {
    /** The README's command, with -n reduced. */
    static final List<String> README_ARGS = List.of("train", "--env", "JavaMiniGrid-MultiRoom-N6-v0",
            "-o", "paperReward=true", "-o", "actions=0,1,2,5", "--priority", "astar", "--alpha", "0.2",
            "--heuristic", "discounted", "--prune", "--budget", "3000", "--no-early-stop", "--seed", "1", "-n", "6",
            "--no-progress");

    private static List<String[]> runInFreshJvm(Path out, String ompThreads) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.dirpg.cli.Main"));
        cmd.addAll(README_ARGS);
        cmd.addAll(List.of("--out", out.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(out.resolveSibling(out.getFileName() + ".log").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().put("OMP_NUM_THREADS", ompThreads);
        Process p = pb.start();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "train did not finish");
        assertEquals(0, p.exitValue(), Files.readString(out.resolveSibling(out.getFileName() + ".log")));
        List<String[]> rows = new ArrayList<>();
        for (String line : Files.readAllLines(out.resolve("metrics.csv")).subList(1, 7)) {
            rows.add(line.split(","));
        }
        return rows;
    }

    @Test
    void theReadmeCommandLearnsAndIsTheSameRunWithOneOrTwoThreads(@TempDir Path dir) throws Exception {
        List<String[]> one = runInFreshJvm(dir.resolve("omp1"), "1");
        List<String[]> two = runInFreshJvm(dir.resolve("omp2"), "2");
        double candidates = 0;
        int moved = 0;
        for (int u = 0; u < one.size(); u++) {
            assertEquals(String.join(",", one.get(u)), String.join(",", two.get(u)), "update " + u + " differs between 1 and 2 OpenMP threads");
            candidates += Double.parseDouble(one.get(u)[6]) / one.size();
            moved += Double.parseDouble(one.get(u)[9]) > 0 ? 1 : 0;
        }
        assertTrue(candidates > 1.0, "the search completes trajectories after a_opt: mean candidates " + candidates);
        assertTrue(moved >= one.size() / 2, "most updates have a non-zero gradient: " + moved + " of " + one.size());
    }
}
