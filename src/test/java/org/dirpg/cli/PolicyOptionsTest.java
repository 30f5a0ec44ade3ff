package org.dirpg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.dirpg.env.minigrid.MultiRoomEnvironment;
import org.dirpg.policy.net.NetPolicy;
import org.dirpg.train.Checkpoint;
import org.dirpg.train.TrainerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --policy}, {@code --net}, {@code --cnn} on the command line: the line a run prints about what was built, the
 * architecture a checkpoint rebuilds, the DL4J export, one-line errors, and checkpoints written before the spaces.
 */
class PolicyOptionsTest {
    private static CliRun run(int exit, String... args) {
        CliRun r = CliRun.of(args);
        assertEquals(exit, r.code(), "exit code of " + String.join(" ", args) + "; stderr: " + r.err());
        return r;
    }

    @Test
    void aRunSaysWhatWasBuiltAndItsCheckpointRebuildsIt(@TempDir Path dir) throws Exception {
        CliRun r = run(0, "train", "-n", "20", "--net", "32:relu", "--out", dir.toString(), "--no-progress");
        assertTrue(r.err().contains("policy: mlp (cell raw 25) -> 32 relu -> 2 logits, 898 parameters"), r.err());
        Checkpoint ck = Checkpoint.read(dir.resolve("checkpoint.json"));
        assertEquals("32:relu", ck.settings().net());
        var policy = TrainerFactory.policy(ck.settings(), new org.dirpg.env.classic.DeepSea());
        policy.setParameters(ck.parameters());
        assertEquals(898, policy.numParameters());
    }

    @Test
    void theMiniGridTwinGetsThePaperCnnFromItsSpacesAndExportsToDl4j(@TempDir Path dir) throws Exception {
        CliRun r = run(0, "train", "--env", "JavaMiniGrid-MultiRoom-N6-v0", "-o", "paperReward=true", "-n", "2",
                "--budget", "300", "--out", dir.toString(), "--no-progress");
        assertTrue(r.err().contains("policy: multi (image image 7x7x3 unscaled -> paper conv 3x3/1 32 relu, 3x3/1 48 relu, "
                + "3x3/1 64; direction one-hot 4) -> 7 logits, 42,963 parameters"), r.err());
        Path zip = dir.resolve("policy.zip");
        CliRun e = run(0, "export", "--checkpoint", dir.resolve("checkpoint.json").toString(), "--dl4j", zip.toString());
        assertTrue(e.out().contains("inputs: image (NCHW), vector (4 encoded features); output: logits"), e.out());
        ComputationGraph graph = ModelSerializer.restoreComputationGraph(zip.toFile(), false);
        assertEquals(42_963, graph.numParams());
    }

    @Test
    void badShapesGetOneLineNamingTheOption(@TempDir Path dir) {
        assertTrue(run(2, "train", "--net", "64,x", "--out", dir.toString()).err()
                .contains("--net takes positive widths separated by commas (e.g. 64,64) or none, got '64,x'"));
        assertTrue(run(2, "train", "--policy", "cnn", "--out", dir.toString()).err()
                .contains("policy: 'cnn' needs an image observation part"));
        assertTrue(run(2, "train", "--policy", "linear", "--net", "64", "--out", dir.toString()).err()
                .contains("'linear' takes no --net or --cnn"));
        assertTrue(run(2, "train", "--policy", "tabular", "--out", dir.toString()).err()
                .contains("policy: unknown 'tabular'; known: auto, mlp, cnn, multi, linear, bernoulli, conv"));
        assertTrue(run(2, "train", "--env", "JavaMiniGrid-MultiRoom-N6-v0", "--cnn", "9x9:8", "--out", dir.toString())
                .err().contains("--cnn 9x9:8 does not fit image part 'image' of 7x7"));
    }

    /** The committed policy was written before the spaces: its "auto" still means the paper's network. */
    @Test
    void theCommittedMultiRoomModelRebuildsAsThePaperNetwork() throws Exception {
        Checkpoint ck = Checkpoint.read(Path.of("models/dirpg-multiroom-n6-alpha0.2-seed1.json.gz"));
        assertEquals(TrainerFactory.LEGACY_AUTO, ck.settings().policy());
        MultiRoomEnvironment env = new MultiRoomEnvironment("MiniGrid-MultiRoom-N6-v0", true, null, null, 0b100111L);
        var policy = TrainerFactory.policy(ck.settings(), env);
        assertTrue(policy instanceof NetPolicy net && net.spec().images().size() == 1
                && net.spec().hidden().isEmpty(), TrainerFactory.describe(policy));
        policy.setParameters(ck.parameters());
        assertTrue(Files.isRegularFile(Path.of("models/dirpg-multiroom-n6-alpha0.2-seed1.json.gz")));
    }
}
