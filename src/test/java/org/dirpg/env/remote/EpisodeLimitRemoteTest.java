package org.dirpg.env.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dirpg.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Episode limits over the real Python env server and real Gymnasium, through {@code train --remote}: Acrobot-v1's
 * 500-step episodes refuse the default budget of 100 (from the spec's limit when the server sends it, else from the
 * first search's a_opt); CliffWalking-v1, which has no episode limit, is cut at {@code --max-steps} and trains
 * instead of hanging.
 */
class EpisodeLimitRemoteTest {
    private static final String KEY = "episode-limit-test key 0123456789";

    private record Run(int code, String err) {
    }

    private static Run train(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        try {
            String[] full = new String[args.length + 1];
            full[0] = "train";
            System.arraycopy(args, 0, full, 1, args.length);
            return new Run(Main.run(full), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void acrobotRefusesABudgetShorterThanItsEpisodes(@TempDir Path dir) throws Exception {
        try (PythonEnvServer server = PythonEnvServer.start("Acrobot-v1", KEY)) {
            Run r = train("--env", "Acrobot-v1", "--remote", server.endpoint.toString(), "-n", "5", "--no-progress",
                    "--out", dir.toString());
            assertEquals(2, r.code(), r.err());
            assertEquals(1, r.err().lines().count(), "one line:\n" + r.err());
            assertTrue(r.err().contains("budget: 100 interactions is shorter than an episode of Acrobot-v1"), r.err());
            Matcher fix = Pattern.compile("give --budget (\\d+) or more").matcher(r.err());
            assertTrue(fix.find(), r.err());
            int steps = Integer.parseInt(fix.group(1));
            assertTrue(steps > 100 && steps <= 500, r.err());
            assertTrue(r.err().contains("its limit is 500 steps") || r.err().contains("a_opt took " + steps + " steps"),
                    r.err());
        }
    }

    @Test
    void cliffWalkingWithoutAnEpisodeLimitIsCutAtMaxSteps(@TempDir Path dir) throws Exception {
        try (PythonEnvServer server = PythonEnvServer.start("CliffWalking-v1", KEY)) {
            // the uniform initial policy (linear, init scale 0) wanders until --max-steps cuts its a_opt
            Run refused = train("--env", "CliffWalking-v1", "--policy", "linear", "--remote", server.endpoint.toString(),
                    "--max-steps", "300",
                    "-n", "3", "--no-progress", "--out", dir.resolve("refused").toString());
            assertEquals(2, refused.code(), refused.err());
            assertTrue(refused.err().contains("budget: 100 interactions is shorter than an episode of CliffWalking-v1: "
                    + "it declares no episode limit and the first search's a_opt took 300 steps, where --max-steps 300 "
                    + "cut it"), refused.err());

            Run capped = train("--env", "CliffWalking-v1", "--policy", "linear", "--remote", server.endpoint.toString(),
                    "--max-steps", "40",
                    "--budget", "400", "-n", "4", "--no-progress", "--out", dir.resolve("capped").toString());
            assertEquals(0, capped.code(), capped.err());
            List<String> rows = Files.readAllLines(dir.resolve("capped/metrics.csv"));
            assertEquals(5, rows.size(), String.join("\n", rows));
            for (String row : rows.subList(1, rows.size())) {
                String[] f = row.split(",");
                int candidates = Integer.parseInt(f[6]);
                long spent = Long.parseLong(f[7]);
                assertTrue(candidates >= 2, "the cap leaves budget for more trajectories: " + row);
                assertTrue(spent <= 400, "the search stays within its budget: " + row);
            }
        }
    }
}
