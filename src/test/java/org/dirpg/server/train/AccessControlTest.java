package org.dirpg.server.train;

import static org.dirpg.server.train.TrainerServer.assertStatus;
import static org.dirpg.server.train.TrainerServer.deepSea;
import static org.dirpg.testing.BearerStubs.as;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.dirpg.proto.train.v1.ActRequest;
import org.dirpg.proto.train.v1.CreateRunRequest;
import org.dirpg.proto.train.v1.GetRunRequest;
import org.dirpg.proto.train.v1.ListRunsRequest;
import org.dirpg.proto.train.v1.Observation;
import org.dirpg.proto.train.v1.RemoteEnvironment;
import org.dirpg.proto.train.v1.Run;
import org.dirpg.proto.train.v1.RunState;
import org.dirpg.proto.train.v1.SaveCheckpointRequest;
import org.dirpg.proto.train.v1.StopRunRequest;
import org.dirpg.proto.train.v1.StreamMetricsRequest;
import org.dirpg.server.DirpgServer;
import org.dirpg.server.auth.EndpointAllowList;
import org.dirpg.server.auth.Tokens;
import org.dirpg.train.Checkpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bearer tokens on every call but health, runs visible to their owner and admins only, and the endpoint allow-list. */
class AccessControlTest {
    private static final String ALICE = "alice-token-0123456789";
    private static final String BOB = "bob-token-0123456789ab";
    private static final String ROOT = "root-token-0123456789a";

    @TempDir
    Path dir;


    @Test
    void tokensOwnersAndTheAllowList() throws Exception {
        String name = InProcessServerBuilder.generateName();
        Tokens tokens = Tokens.parse("# name token [admin]\nalice " + ALICE + "\nbob " + BOB + "\nroot " + ROOT
                + " admin\n", "test");
        DirpgServer server = DirpgServer.builder(InProcessServerBuilder.forName(name)).dataDir(dir).workers(2)
                .tokens(tokens).allowList(new EndpointAllowList(List.of("127.0.0.1:*"))).start();
        ManagedChannel ch = InProcessChannelBuilder.forName(name).build();
        try {
            assertEquals(ServingStatus.SERVING, HealthGrpc.newBlockingStub(ch).check(HealthCheckRequest.getDefaultInstance())
                    .getStatus(), "health needs no token");
            assertStatus(Status.Code.UNAUTHENTICATED, "authorization: this server requires a bearer token",
                    () -> as(ch, null).listRuns(ListRunsRequest.getDefaultInstance()));
            assertStatus(Status.Code.UNAUTHENTICATED, "authorization: the bearer token is not valid",
                    () -> as(ch, "guess-guess-guess-guess").listRuns(ListRunsRequest.getDefaultInstance()));

            Run mine = as(ch, ALICE).createRun(CreateRunRequest.newBuilder().setSpec(deepSea(100_000_000L, 1)).build()).getRun();
            String id = mine.getRunId();
            assertEquals("alice", mine.getOwner());
            var bob = as(ch, BOB);
            // another identity's run is answered exactly as a run that does not exist (no existence oracle)
            String denied = "run_id: no run '" + id + "' on this server";
            String unknownId = "run-" + "0".repeat(id.length() - 4);
            assertStatus(Status.Code.NOT_FOUND, "run_id: no run '" + unknownId + "' on this server",
                    () -> bob.getRun(GetRunRequest.newBuilder().setRunId(unknownId).build()));
            assertStatus(Status.Code.NOT_FOUND, denied, () -> bob.getRun(GetRunRequest.newBuilder().setRunId(id).build()));
            assertStatus(Status.Code.NOT_FOUND, denied, () -> bob.stopRun(StopRunRequest.newBuilder().setRunId(id).build()));
            assertStatus(Status.Code.NOT_FOUND, denied, () -> bob.saveCheckpoint(
                    SaveCheckpointRequest.newBuilder().setRunId(id).build()));
            assertStatus(Status.Code.NOT_FOUND, denied, () -> bob.act(ActRequest.newBuilder().setRunId(id)
                    .addObservations(Observation.newBuilder().addFeatures(0)).build()));
            assertStatus(Status.Code.NOT_FOUND, denied, () -> bob.streamMetrics(
                    StreamMetricsRequest.newBuilder().setRunId(id).build()).hasNext());

            // a checkpoint belongs to its run's owner: bob cannot resume from alice's, under any spelling of its path
            // (of a finished run of hers, whose checkpoint files no longer rotate)
            String done = as(ch, ALICE).createRun(CreateRunRequest.newBuilder().setSpec(deepSea(5, 2)).build()).getRun()
                    .getRunId();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (as(ch, ALICE).getRun(GetRunRequest.newBuilder().setRunId(done).build()).getRun().getState()
                    != RunState.RUN_STATE_SUCCEEDED && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            String path = as(ch, ALICE).saveCheckpoint(SaveCheckpointRequest.newBuilder().setRunId(done).build()).getPath();
            java.nio.file.Path root = dir.resolve("checkpoints").toAbsolutePath().normalize();
            java.nio.file.Path abs = root.resolve(path);
            assertTrue(java.nio.file.Files.isRegularFile(abs), abs.toString());
            java.nio.file.Path link = java.nio.file.Files.createDirectories(root.resolve("bobs")).resolve("link.json");
            java.nio.file.Files.createSymbolicLink(link, abs);
            String linked = root.relativize(link).toString();
            for (String spelling : List.of(path, "./" + path, "bobs/../" + path, abs.toString(), linked)) {
                assertStatus(Status.Code.NOT_FOUND, "checkpoint_path: no checkpoint file at", () -> bob.createRun(
                        CreateRunRequest.newBuilder().setCheckpointPath(spelling).setSpec(deepSea(8, 2)).build()));
            }
            assertEquals("alice", as(ch, ALICE).createRun(CreateRunRequest.newBuilder().setCheckpointPath(path).setSpec(deepSea(8, 2)).build())
                    .getRun().getOwner(), "the owner resumes from her own checkpoint");
            assertEquals("root", as(ch, ROOT).createRun(CreateRunRequest.newBuilder().setCheckpointPath(path).setSpec(deepSea(8, 2)).build())
                    .getRun().getOwner(), "admins may resume from any");

            assertEquals(0, bob.listRuns(ListRunsRequest.getDefaultInstance()).getRunsCount(), "bob sees none of alice's runs");
            assertEquals(3, as(ch, ALICE).listRuns(ListRunsRequest.getDefaultInstance()).getRunsCount(), "hers, the short one and the resumed one");
            assertEquals(4, as(ch, ROOT).listRuns(ListRunsRequest.getDefaultInstance()).getRunsCount(), "admins see all");
            assertEquals(id, as(ch, ROOT).stopRun(StopRunRequest.newBuilder().setRunId(id).build()).getRun().getRunId());

            // Endpoints off the allow-list are refused before any connection is tried.
            for (String target : List.of("unix:///var/run/docker.sock", "10.0.0.1:50061", "dns:///minigrid:50061",
                    "metadata.google.internal:80")) {
                long t0 = System.nanoTime();
                assertStatus(Status.Code.PERMISSION_DENIED, "remote_environment.endpoints: '" + target + "' is not an "
                        + "endpoint this server may call", () -> as(ch, ALICE).createRun(CreateRunRequest.newBuilder()
                        .setSpec(deepSea(10, 1).setRemoteEnvironment(RemoteEnvironment.newBuilder().addEndpoints(target)
                                .setEnvId("DeepSea-v0"))).build()));
                assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(1), "refused without connecting");
            }
            // ... also when they come inside checkpoint bytes.
            Checkpoint c = Checkpoint.fromBytes(as(ch, ALICE).saveCheckpoint(SaveCheckpointRequest.newBuilder()
                    .setRunId(id).build()).getCheckpoint().toByteArray());
            Checkpoint evil = Checkpoint.of(c.settings().toBuilder().remoteEndpoints(List.of("unix:///var/run/docker.sock"))
                    .build(), c.updatesDone(), c.interactions(), c.parameters(), c.adamState());
            assertStatus(Status.Code.PERMISSION_DENIED, "remote_environment.endpoints: 'unix:///var/run/docker.sock'",
                    () -> as(ch, ALICE).createRun(CreateRunRequest.newBuilder()
                            .setCheckpointBytes(ByteString.copyFrom(evil.toBytes())).build()));
            // a RUNNING run abandons its update in progress and ends STOPPED after its last checkpoint is written:
            // asynchronously, so wait for it (a loaded machine can take longer than the RPCs above)
            Run stopped = as(ch, ALICE).getRun(GetRunRequest.newBuilder().setRunId(id).build()).getRun();
            for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                    stopped.getState() == RunState.RUN_STATE_RUNNING && System.nanoTime() < end; ) {
                Thread.sleep(20);
                stopped = as(ch, ALICE).getRun(GetRunRequest.newBuilder().setRunId(id).build()).getRun();
            }
            assertEquals(RunState.RUN_STATE_STOPPED, stopped.getState());
            assertFalse(stopped.getOwner().isEmpty());
        } finally {
            ch.shutdownNow();
            server.stop();
        }
    }
}
