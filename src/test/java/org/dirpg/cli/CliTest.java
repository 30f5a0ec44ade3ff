package org.dirpg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line: exit codes, messages that name the bad flag, and the files each command promises. */
class CliTest {
    private static String[] run(int expectedExit, String... args) {
        CliRun r = CliRun.of(args);
        assertEquals(expectedExit, r.code(), "exit code of " + String.join(" ", args) + "; stderr: " + r.err());
        return new String[] {r.out(), r.err()};
    }

    @Test
    void badValuesExitWithTwoAndNameTheField(@TempDir Path dir) {
        assertTrue(run(2, "train", "--epsilon", "0", "--out", dir.toString())[1].contains("epsilon: must be a non-zero"));
        assertTrue(run(2, "train", "--alpha", "1.5", "--out", dir.toString())[1].contains("alpha: must be in [0, 1]"));
        assertTrue(run(2, "train", "--env", "Nope-v0", "--out", dir.toString())[1].contains("known ids: DeepSea-v0"));
        assertTrue(run(2, "train", "--algo", "ppo", "--out", dir.toString())[1].contains("expected one of dirpg"));
        assertTrue(run(2, "train", "--priority", "bfs", "--out", dir.toString())[1].contains("expected gumbel or astar"));
        assertTrue(run(2, "train", "-o", "size=x", "--out", dir.toString())[1].contains("size must be an integer"));
        assertTrue(run(2, "train", "--budget", "ten")[1].contains("--budget"));
    }

    @Test
    void trainWritesOneMetricsLinePerUpdateAndAJsonSummary(@TempDir Path dir) throws Exception {
        String[] out = run(0, "train", "--env", "DeepSea-v0", "-n", "50", "--out", dir.toString(), "--json");
        assertTrue(out[0].strip().startsWith("{\"algorithm\":\"dirpg\",\"updates\":50,"), out[0]);
        List<String> csv = Files.readAllLines(dir.resolve("metrics.csv"));
        assertEquals(51, csv.size());
        assertEquals(50, Files.readAllLines(dir.resolve("metrics.jsonl")).size());
        assertTrue(csv.get(50).startsWith("49,"));
    }

    @Test
    void gaussianExperimentWritesCurvesAndPlot(@TempDir Path dir) throws Exception {
        String[] out = run(0, "experiment", "gaussian", "--epsilons=-1,1", "--points", "11", "--out", dir.toString());
        assertTrue(out[0].contains("eps  1.00: argmax_p l(p, eps) = 0.50"), out[0]);
        assertTrue(out[0].contains("eps -1.00: tie, l(p, eps) = 0.0000 is largest at p = 0.00 and p = 1.00"), out[0]);
        assertEquals(1 + 2 * 11, Files.readAllLines(dir.resolve("gaussian_choice.csv")).size());
        byte[] png = Files.readAllBytes(dir.resolve("gaussian_choice.png"));
        assertEquals((byte) 0x89, png[0]);
        assertEquals('P', png[1]);
    }

    /** eval samples the checkpointed policy: its mean return agrees with the exact expected return within 4 SE. */
    @Test
    void evalOfATrainCheckpointMatchesTheExactExpectedReturn(@TempDir Path dir) throws Exception {
        run(0, "train", "-n", "300", "--lr", "0.02", "--out", dir.toString());
        org.dirpg.train.Checkpoint ck = org.dirpg.train.Checkpoint.fromJson(Files.readString(dir.resolve("checkpoint.json")));
        assertEquals(300, ck.updatesDone());
        org.dirpg.env.classic.DeepSea sea = new org.dirpg.env.classic.DeepSea();
        org.dirpg.policy.Policy policy = org.dirpg.train.TrainerFactory.policy(ck.settings(), sea);
        policy.setParameters(ck.parameters());
        double exact = org.dirpg.estimator.ExactEvaluator.evaluate(sea, policy, 1.0).expectedReturn();
        String out = run(0, "eval", "--checkpoint", dir.resolve("checkpoint.json").toString(), "--episodes", "4000")[0];
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("mean return (-?[0-9.]+) \\+- ([0-9.]+)").matcher(out);
        assertTrue(m.find(), out);
        double mean = Double.parseDouble(m.group(1));
        double se = Double.parseDouble(m.group(2));
        assertEquals(exact, mean, 4 * se, out);
        assertTrue(run(2, "eval", "--checkpoint", dir.resolve("missing.json").toString())[1].contains("no file at"));
    }

    @Test
    void experimentOptionsNameTheBadField(@TempDir Path dir) {
        String out = dir.toString();
        assertTrue(run(2, "experiment", "bandit", "--mu", "beta:1:2", "--out", out)[1].contains("error: mu: expected uniform"));
        assertTrue(run(2, "experiment", "bandit", "--mu", "uniform:1:0", "--out", out)[1].contains("error: mu: uniform:LO:HI"));
        assertTrue(run(2, "experiment", "bandit", "--nodes", "12", "--out", out)[1].contains("error: nodes: must be in [3, 11]"));
        assertTrue(run(2, "experiment", "bandit", "--epsilon", "0", "--out", out)[1].contains("error: epsilon: must be a non-zero"));
        assertTrue(run(2, "experiment", "bandit", "--runs", "1", "--out", out)[1].contains("error: runs: must be at least 2"));
        assertTrue(run(2, "experiment", "bandit", "--sweep", "--sweep-nodes", "6,2", "--out", out)[1].contains("error: nodes:"));
        assertTrue(run(2, "experiment", "deepsea", "--sigma", "-1", "--out", out)[1].contains("error: sigma: must be a finite number >= 0"));
        assertTrue(run(2, "experiment", "deepsea", "--epsilons", "0,1", "--out", out)[1].contains("error: epsilons: every eps"));
        assertTrue(run(2, "experiment", "deepsea", "--seeds", "0", "--out", out)[1].contains("error: seeds: must be at least 1"));
        assertTrue(run(2, "experiment", "deepsea", "--from-csv", dir.resolve("none.csv").toString(), "--out", out)[1]
                .contains("error: from-csv: cannot read"));
        assertTrue(run(2, "experiment", "gaussian", "--points", "1", "--out", out)[1].contains("error: points: must be at least 2"));
    }

    /** On a pipe (as here: output captured, no console) every long command prints progress lines with every field. */
    @Test
    void progressLinesOnPipes(@TempDir Path dir) throws Exception {
        System.setProperty("dirpg.progress.seconds", "0.05");
        try {
            String err = run(0, "train", "-n", "30000", "--out", dir.resolve("t").toString())[1];
            List<String> lines = err.lines().filter(l -> l.startsWith("progress train: updates ")).toList();
            assertTrue(lines.size() >= 2, err);
            for (String l : lines) {
                assertTrue(l.matches("progress train: updates [0-9,]+/30,000 \\([0-9.]+%\\), interactions [0-9,]+, "
                        + "(recent mean return -?[0-9.]+, )?[0-9.,]+ updates/s, elapsed [0-9]+ s(, ETA .*|, done)?"), l);
            }
            assertTrue(lines.get(lines.size() - 1).startsWith("progress train: updates 30,000/30,000 (100.0%)"), err);

            String[] ds = run(0, "experiment", "deepsea", "--epsilons=-1,1", "--seeds", "2", "--episodes", "3000",
                    "--out", dir.resolve("d").toString());
            assertTrue(ds[1].contains("progress deepsea: updates 12,000/12,000 (100.0%), interactions "), ds[1]);
            assertTrue(ds[0].contains("| -1 | ") && ds[0].contains("| 1 | "), ds[0]);
            assertEquals(1 + 4, Files.readAllLines(dir.resolve("d/deepsea.csv")).size());
            assertTrue(Files.size(dir.resolve("d/deepsea.png")) < 150_000);

            String[] b = run(0, "experiment", "bandit", "--nodes", "4", "--runs", "2", "--interactions", "2000", "--bin", "500",
                    "--out", dir.resolve("b").toString());
            assertTrue(b[1].matches("(?s).*progress bandit: updates [0-9,]+, interactions [0-9,]+/12,000 .*done.*"), b[1]);
            assertTrue(b[0].contains("DirPG - UCB semi "), b[0]);
            assertTrue(Files.exists(dir.resolve("b/bandit.png")) && Files.exists(dir.resolve("b/bandit_search.png")));

            String[] g = run(0, "experiment", "gaussian", "--epsilons=-1,1", "--points", "11", "--out", dir.resolve("g").toString());
            assertTrue(g[1].contains("progress gaussian: epsilons 2/2 (100.0%)"), g[1]);
        } finally {
            System.clearProperty("dirpg.progress.seconds");
        }
    }

    @Test
    void banditSweepPrintsAVerdictPerGraphSizeAndEps(@TempDir Path dir) throws Exception {
        String out = run(0, "experiment", "bandit", "--sweep", "--sweep-nodes", "4,5", "--sweep-epsilons", "1,3", "--runs", "3",
                "--interactions", "1000", "--bin", "250", "--out", dir.toString())[0];
        for (String row : new String[] {"| K4 | 1 |", "| K4 | 3 |", "| K5 | 1 |", "| K5 | 3 |"}) {
            String line = out.lines().filter(l -> l.startsWith(row)).findFirst().orElseThrow(() -> new AssertionError(out));
            assertTrue(line.matches(".*\\((ahead|level|behind)\\).*\\((ahead|level|behind)\\).*"), line);
        }
        assertTrue(Files.readString(dir.resolve("bandit_sweep.md")).contains("dirpg experiment bandit --sweep --sweep-nodes 4,5"));
        assertEquals(1 + 2 * 2 * 3, Files.readAllLines(dir.resolve("bandit_sweep.csv")).size());
        assertTrue(Files.exists(dir.resolve("K5-eps3/bandit.png")));
    }
}
