package org.dirpg.server.train;

import static org.dirpg.server.train.TrainerServer.deepSea;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.InsecureServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.dirpg.env.classic.DeepSea;
import org.dirpg.env.remote.RemoteOptions;
import org.dirpg.proto.train.v1.RemoteEnvironment;
import org.dirpg.proto.train.v1.Run;
import org.dirpg.proto.train.v1.RunState;
import org.dirpg.server.DirpgServer;
import org.dirpg.train.Checkpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run whose fleet stays down beyond the retry budget fails, but writes a checkpoint of its last update first. */
class RemoteRunFailureTest {
    @TempDir
    Path dir;

    @Test
    void aRunThatLosesItsFleetForGoodFailsWithACheckpointOfItsLastUpdate() throws Exception {
        DirpgServer fleet = DirpgServer.builder(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0),
                InsecureServerCredentials.create())).dataDir(dir.resolve("fleet")).start();
        RemoteOptions quick = RemoteOptions.defaults().withDeadline(Duration.ofSeconds(2)).withRetryBudget(Duration.ofSeconds(1));
        try (TrainerServer s = new TrainerServer(1, dir.resolve("trainer"), ServerLimits.defaults(), quick)) {
            String id = s.create(deepSea(100_000_000L, 2).setRemoteEnvironment(RemoteEnvironment.newBuilder()
                    .addEndpoints("127.0.0.1:" + fleet.port()).setEnvId(DeepSea.ID)).build()).getRunId();
            s.awaitUpdates(id, 30);
            fleet.stop();
            Run failed = s.awaitState(id, RunState.RUN_STATE_FAILED);
            assertTrue(failed.getErrorMessage().contains("UNAVAILABLE"), failed.getErrorMessage());
            long done = failed.getProgress().getUpdatesDone();
            assertTrue(failed.getLatestCheckpoint().endsWith(String.format("update-%09d.json", done)),
                    "the failure checkpointed the last update: " + failed.getLatestCheckpoint() + " vs " + done);
            Checkpoint c = Checkpoint.fromBytes(Files.readAllBytes(dir.resolve("trainer").resolve(failed.getLatestCheckpoint())));
            assertEquals(done, c.updatesDone());
            assertEquals(done, s.stream(id, 0).size(), "the metrics of every completed update are kept");
        } finally {
            fleet.stop();
        }
    }
}
