package org.dirpg.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.dirpg.train.ProgressSink;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The suite end to end on a real Python env server (FrozenLake, not slippery, 2 seeds, the smallest budget: two
 * updates per run): every method's runs, checkpoints and outputs; the same held-out episodes for every method; and
 * runs that are read back when finished and reproduced exactly by seed when rerun.
 */
class SuiteExperimentTest {
    private static final SuiteEnv LAKE = SuiteEnv.all().stream().filter(e -> e.name().equals("FrozenLake-v1-not-slippery"))
            .findFirst().orElseThrow();

    private static SuiteExperiment.Python python() {
        Path client = Path.of(System.getProperty("dirpg.pythonClient", "python-client")).toAbsolutePath();
        Path py = client.resolve(".venv/bin/python");
        Assumptions.assumeTrue(Files.isExecutable(py), "no Python env server: run scripts/setup-python.sh");
        return new SuiteExperiment.Python(py, client, null);
    }

    private static SuiteSetup tiny() {
        return new SuiteSetup("test", 1e-6, 2, 3, 0.01, List.of(LAKE));
    }

    @Test
    void everyMethodIsJudgedOnTheSameEpisodesAndRerunsReproduce(@TempDir Path out) throws IOException {
        SuiteSetup setup = tiny();
        List<String> lines = new ArrayList<>();
        java.util.concurrent.atomic.AtomicLong counted = new java.util.concurrent.atomic.AtomicLong();
        SuiteExperiment.Outcome o = SuiteExperiment.run(setup, python(), 2, out,
                (updates, interactions, returnSum) -> counted.addAndGet(interactions), lines::add);
        // runs stop after the update that crosses the budget, but progress counts up to it: it ends at exactly 100%
        assertEquals(SuiteExperiment.totalInteractions(setup), counted.get());
        List<String> methods = List.of("dirpg-gumbel", "dirpg-astar", "reinforce-rtg", "cem");
        assertEquals(methods.size() * 2, o.results().size());
        assertTrue(lines.get(0).startsWith("PPO skipped"), lines.get(0));
        long budget = setup.interactions(LAKE);
        assertEquals(2 * LAKE.perUpdate(), budget);
        for (SuiteRun.Result r : o.results()) {
            assertTrue(methods.contains(r.method()), r.method());
            assertEquals(SuiteSetup.CHECKPOINTS.length, r.evals().size());
            for (int c = 0; c < r.evals().size(); c++) {
                double[] e = r.evals().get(c);
                assertEquals(SuiteSetup.CHECKPOINTS[c], e[0]);
                assertTrue(e[1] >= SuiteSetup.CHECKPOINTS[c] * budget, "checkpoint " + e[0] + " at " + e[1]);
                assertTrue(e[2] >= 0 && e[2] <= 1, "FrozenLake returns are in [0, 1]: " + e[2]);
            }
            // before any update every method holds the same initial policy: the same episodes give the same figure
            SuiteRun.Result first = o.results().stream().filter(x -> x.seed() == r.seed()).findFirst().orElseThrow();
            assertArrayEquals(first.evals().get(0), r.evals().get(0));
        }
        String summary = Files.readString(out.resolve("summary.md"));
        for (String m : methods) {
            assertTrue(summary.contains("| " + m + " |"), summary);
        }
        assertTrue(summary.contains("verdict, dirpg-gumbel against: dirpg-astar"), summary);
        assertTrue(Files.size(out.resolve("suite.png")) > 1000);
        assertEquals(1 + methods.size() * 2 * SuiteSetup.CHECKPOINTS.length,
                Files.readAllLines(out.resolve("suite.csv")).size());

        // a finished suite is read back (no server is started: the Python path does not matter any more) ...
        SuiteExperiment.Python none = new SuiteExperiment.Python(out.resolve("no-python"), out, null);
        assertEquals(summary, SuiteExperiment.run(setup, none, 1, out, ProgressSink.NONE, s -> { }).summary());
        // ... and a run deleted is rerun, on one thread this time, to the same figures
        Path gone = SuiteRun.dir(out, LAKE.name(), "reinforce-rtg", 1);
        String before = Files.readString(gone.resolve("eval.csv"));
        try (Stream<Path> walk = Files.walk(gone)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        SuiteExperiment.run(setup, python(), 1, out, ProgressSink.NONE, s -> { });
        assertEquals(before, Files.readString(gone.resolve("eval.csv")));
    }

    @Test
    void anUnknownEnvironmentIsNamedWithTheChoices() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SuiteSetup.quick().only(List.of("Pong")));
        assertTrue(e.getMessage().startsWith("--envs: 'Pong' is not an environment of the suite; they are [CartPole-v1"),
                e.getMessage());
    }

    @Test
    void theSuiteCoversTenEnvironmentsFromFiveFamilies() {
        assertEquals(10, SuiteEnv.all().size());
        assertEquals(5, SuiteEnv.all().stream().map(SuiteEnv::family).distinct().count());
        for (SuiteEnv e : SuiteEnv.all()) { // no run shorter than an episode, at either scale
            assertTrue(SuiteSetup.quick().interactions(e) >= 2 * e.maxSteps());
        }
    }
}
