package org.dirpg.server.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.dirpg.search.Priority;
import org.dirpg.train.Algorithm;
import org.dirpg.train.Checkpoint;
import org.dirpg.train.TrainSettings;
import org.junit.jupiter.api.Test;

/** The checkpoint format: exact round trips and clear rejections. */
class CheckpointJsonTest {
    private static final TrainSettings SETTINGS = TrainSettings.builder().envId("DeepSea-v0")
            .envOptions(Map.of("size", "6")).algorithm(Algorithm.CEM).priority(Priority.ASTAR).epsilon(-0.4)
            .alpha(0.3).budget(77).earlyStop(false).prune(true).updates(123).learningRate(0.02).seed(-9)
            .rollouts(12).elites(3).maxSteps(50).policy("linear").initScale(0.1)
            .reinforceVariant(new org.dirpg.train.ReinforceVariant(0.999, true, false)).build();

    @Test
    void aCheckpointRoundTripsExactly() {
        double[] theta = {0.1, -1e-300, Math.PI, 1e308, -0.0};
        double[][] adam = {{1, 2, 3, 4, 5}, {6, 7, 8, 9, 10}, {42}};
        Checkpoint c = Checkpoint.of(SETTINGS, 40, 1234, theta, adam);
        Checkpoint back = Checkpoint.fromBytes(c.toBytes());
        assertEquals(SETTINGS, back.settings());
        assertEquals(40, back.updatesDone());
        assertEquals(1234, back.interactions());
        assertArrayEquals(theta, back.parameters());
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(adam[i], back.adamState()[i]);
        }
        assertEquals(c.resumeSeed(), back.resumeSeed());
        assertNotEquals(c.resumeSeed(), Checkpoint.of(SETTINGS, 41, 1234, theta, adam).resumeSeed(),
                "each resume point draws new episodes");
    }

    @Test
    void aCheckpointFromBeforeTheReinforceVariantReadsAsThePapersEstimator() {
        Checkpoint c = Checkpoint.of(SETTINGS, 1, 2, new double[] {1}, new double[][] {{0}, {0}, {1}});
        String json = c.toJson();
        String before = json.replaceAll(",\\s*\"reinforceVariant\"\\s*:\\s*\\{[^}]*\\}", "");
        org.junit.jupiter.api.Assertions.assertNotEquals(json, before, "the field was written");
        Checkpoint back = Checkpoint.fromBytes(before.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(org.dirpg.train.ReinforceVariant.PAPER, back.settings().reinforceVariant());
    }

    @Test
    void malformedCheckpointsAreRejectedNamingTheProblem() {
        String good = Checkpoint.of(SETTINGS, 1, 2, new double[] {1, 2}, null).toJson();
        for (var bad : List.of(
                Map.entry("not json", "checkpoint: not a valid checkpoint JSON"),
                Map.entry(good.replace(Checkpoint.FORMAT, "v0"), "checkpoint: format must be 'dirpg-checkpoint-v1'"),
                Map.entry(good.replace("\"epsilon\":-0.4", "\"epsilon\":0.0"), "checkpoint: epsilon: must be a non-zero"),
                Map.entry(good.replace("\"updatesDone\":1", "\"updatesDone\":-1"), "checkpoint: updates done"),
                Map.entry(good.substring(0, good.length() - 1) + ",\"adamState\":[[1],[1],[1]]}",
                        "checkpoint: Adam state must be"))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.fromJson(bad.getKey()));
            assertTrue(e.getMessage().startsWith(bad.getValue()), e.getMessage());
        }
    }
}
