package org.dirpg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line: exit codes, messages that name the bad flag, and the files each command promises. */
class CliTest {
    private static String[] run(int expectedExit, String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.run(args);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        String[] texts = {o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8)};
        assertEquals(expectedExit, code, "exit code of " + String.join(" ", args) + "; stderr: " + texts[1]);
        return texts;
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
}
