package org.dirpg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.dirpg.train.Checkpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Errors that say what to do, each one line: a checkpoint evaluated on another environment names both sides; a
 * checkpoint trained on env servers evaluated with --env asks for --native or --remote, and --native evaluates in
 * process.
 */
class HelpfulErrorsTest {
    private static Path trained(Path dir) {
        CliRun r = CliRun.of("train", "-n", "5", "--no-progress", "--out", dir.toString());
        assertEquals(0, r.code(), r.err());
        return dir.resolve("checkpoint.json");
    }

    @Test
    void aCheckpointOfAnotherEnvironmentNamesBothSides(@TempDir Path dir) {
        CliRun r = CliRun.of("eval", "--checkpoint", trained(dir).toString(), "--env", "GaussianChoice-v0",
                "--episodes", "10", "--no-progress");
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("error: checkpoint: trained on DeepSea-v0 with --policy auto (5,954 parameters), "
                + "but on GaussianChoice-v0 here the policy is "), r.err());
        assertTrue(r.err().strip().endsWith("parameters; evaluate it on the environment and options it was trained on"), r.err());
        assertTrue(!r.err().contains("expected") && !r.err().contains("theta has length"), r.err());
    }

    @Test
    void aRemoteCheckpointWithEnvNeedsNativeOrRemote(@TempDir Path dir) throws Exception {
        Checkpoint local = Checkpoint.read(trained(dir));
        Path remote = dir.resolve("remote.json");
        Files.writeString(remote, Checkpoint.of(local.settings().toBuilder().remoteEndpoints(List.of("127.0.0.1:1")).build(),
                local.updatesDone(), local.interactions(), local.parameters(), local.adamState()).toJson());
        CliRun asked = CliRun.of("eval", "--checkpoint", remote.toString(), "--env", "DeepSea-v0", "--episodes", "10");
        assertEquals(2, asked.code(), asked.err());
        assertEquals("error: --env DeepSea-v0: the checkpoint was trained on DeepSea-v0 at 127.0.0.1:1; add --native to "
                + "evaluate DeepSea-v0 in process, or --remote host:port for the env servers that serve it", asked.err().strip());
        CliRun local2 = CliRun.of("eval", "--checkpoint", remote.toString(), "--env", "DeepSea-v0", "--native",
                "--episodes", "10", "--no-progress");
        assertEquals(0, local2.code(), local2.err());
        assertTrue(local2.out().startsWith("dirpg on DeepSea-v0 after 5 updates (sampled actions): mean return "), local2.out());
        assertEquals(0, CliRun.of("eval", "--checkpoint", remote.toString(), "--native", "--episodes", "10",
                "--no-progress").code(), "--native alone: the checkpoint's id, in process");
        CliRun both = CliRun.of("eval", "--checkpoint", remote.toString(), "--native", "--remote", "127.0.0.1:1");
        assertEquals(2, both.code(), both.err());
        assertTrue(both.err().startsWith("error: --native and --remote exclude each other"), both.err());
    }
}
