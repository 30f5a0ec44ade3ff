package org.dirpg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs that cannot learn say why, through the real {@code train} command: a DirPG budget shorter than the
 * environment's declared episode limit is refused in one line naming both numbers and the fix; a run whose gradient
 * stays exactly zero for 100 updates prints one warning with the likely causes and completes.
 */
class RunsThatDoNotLearnTest {

    @Test
    void aBudgetShorterThanTheEpisodeLimitIsRefusedNamingBothAndTheFix(@TempDir Path dir) {
        CliRun r = CliRun.of("train", "--env", "DeepSea-v0", "-o", "size=60", "--budget", "40", "-n", "5",
                "--no-progress", "--out", dir.toString());
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().lines().count(), "one line:\n" + r.err());
        assertTrue(r.err().contains("budget: 40 interactions is shorter than an episode of DeepSea-v0 (its limit is 59 "
                + "steps)"), r.err());
        assertTrue(r.err().contains("give --budget 59 or more"), r.err());
        assertEquals("error: budget: 40 interactions is shorter than an episode of DeepSea-v0 (its limit is 59 steps), "
                + "so every search spends it on a_opt and the gradient stays zero; give --budget 59 or more (a few times "
                + "59 lets the search compare several trajectories)", r.err().strip(), "the README quotes this line");
    }

    @Test
    void aBudgetAsLongAsTheEpisodeLimitTrains(@TempDir Path dir) {
        CliRun r = CliRun.of("train", "--env", "DeepSea-v0", "-o", "size=60", "--budget", "59", "-n", "3",
                "--no-progress", "--out", dir.toString());
        assertEquals(0, r.code(), r.err());
    }

    /**
     * The MultiRoom twin with its default reward (only the goal pays, 1 - 0.9 t / 120): an untrained policy never
     * reaches the goal of six rooms within the search's 200 interactions, every return is 0, and nothing beats a_opt.
     */
    @Test
    void aGradientZeroForOneHundredUpdatesWarnsOnceAndTheRunGoesOn(@TempDir Path dir) {
        CliRun r = CliRun.of("train", "--env", "JavaMiniGrid-MultiRoom-N6-v0", "--budget", "200", "-n", "230",
                "--no-progress", "--out", dir.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("230 updates"), r.out());
        String header = "warning: the DirPG gradient has been exactly zero for the last 100 updates on "
                + "JavaMiniGrid-MultiRoom-N6-v0";
        assertEquals(1, r.err().lines().filter(l -> l.startsWith(header)).count(), "one warning:\n" + r.err());
        for (String cause : new String[] {"  - budget: 200 interactions per search completed",
                "  - eps 1 against a_opt returns in [0, 0]", "  - no reward within reach: every a_opt of these updates "
                + "returned 0", "  The run goes on."}) {
            assertTrue(r.err().contains(cause), "'" + cause + "' not in:\n" + r.err());
        }
    }

    @Test
    void aRunThatLearnsDoesNotWarn(@TempDir Path dir) {
        CliRun r = CliRun.of("train", "--env", "DeepSea-v0", "-n", "300", "--no-progress", "--out", dir.toString());
        assertEquals(0, r.code(), r.err());
        assertFalse(r.err().contains("warning:"), r.err());
    }

    /** The README's first command converges to LLLL, after which nothing beats a_opt: zero gradients, but no warning. */
    @Test
    void aRunThatLearnedAndConvergedDoesNotWarn(@TempDir Path dir) {
        CliRun r = CliRun.of("train", "--no-progress", "--out", dir.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("P(LLLL) = 1.000"), r.out());
        assertFalse(r.err().contains("warning:"), r.err());
    }
}
