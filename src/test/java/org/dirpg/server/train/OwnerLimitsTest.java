package org.dirpg.server.train;

import static org.dirpg.server.train.TrainerServer.assertStatus;
import static org.dirpg.server.train.TrainerServer.deepSea;
import static org.dirpg.testing.BearerStubs.as;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.dirpg.proto.train.v1.CreateRunRequest;
import org.dirpg.proto.train.v1.GetRunRequest;
import org.dirpg.proto.train.v1.Run;
import org.dirpg.proto.train.v1.RunState;
import org.dirpg.proto.train.v1.StopRunRequest;
import org.dirpg.proto.train.v1.TrainerServiceGrpc;
import org.dirpg.server.DirpgServer;
import org.dirpg.server.auth.Tokens;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two users who do not trust each other share a server: one cannot take every queue place (a per-owner limit beside
 * the global one), and one user's many finished runs never evict another's (retention counts per owner).
 */
class OwnerLimitsTest {
    private static final String ALICE = "alice-token-0123456789";
    private static final String BOB = "bob-token-0123456789ab";

    @TempDir
    Path dir;


    private static void awaitFinal(TrainerServiceGrpc.TrainerServiceBlockingStub who, String id) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            RunState s = who.getRun(GetRunRequest.newBuilder().setRunId(id).build()).getRun().getState();
            if (s == RunState.RUN_STATE_SUCCEEDED || s == RunState.RUN_STATE_STOPPED || s == RunState.RUN_STATE_FAILED) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("run " + id + " did not end");
    }

    @Test
    void oneOwnerCannotFillTheQueueNorEvictAnothersRuns() throws Exception {
        ServerLimits d = ServerLimits.defaults();
        // 10 queue places in all, 3 per owner; 2 ended runs kept per owner
        ServerLimits limits = new ServerLimits(d.maxUpdates(), d.maxBudget(), d.maxRollouts(), d.maxSteps(),
                d.maxSearchesInFlight(), d.maxExpansionsPerRound(), 10, 10, d.checkpointsKept(), d.metricsInMemory(),
                10, 2, Duration.ofDays(1), d.maxPageSize(), d.maxActObservations(), 3, d.metricsStoredPerRun());
        String name = InProcessServerBuilder.generateName();
        DirpgServer server = DirpgServer.builder(InProcessServerBuilder.forName(name)).dataDir(dir).workers(1)
                .limits(limits).tokens(Tokens.parse("alice " + ALICE + "\nbob " + BOB + "\n", "test")).start();
        ManagedChannel ch = InProcessChannelBuilder.forName(name).build();
        try {
            var alice = as(ch, ALICE);
            var bob = as(ch, BOB);
            // bob's finished run, with its checkpoint on disk
            String bobs = bob.createRun(CreateRunRequest.newBuilder().setSpec(deepSea(20, 1)).build()).getRun().getRunId();
            awaitFinal(bob, bobs);
            Path bobsDir = dir.resolve("checkpoints").resolve(bobs);
            assertTrue(Files.isDirectory(bobsDir) && Files.list(bobsDir).findAny().isPresent(), "bob's checkpoint");

            List<String> long_ = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                long_.add(alice.createRun(CreateRunRequest.newBuilder().setSpec(deepSea(100_000_000L, i)).build())
                        .getRun().getRunId());
            }
            assertStatus(Status.Code.RESOURCE_EXHAUSTED, "runs: 3 of your runs are already queued or running, the limit "
                    + "for one owner (serve --max-queued-runs-per-owner)",
                    () -> alice.createRun(CreateRunRequest.newBuilder().setSpec(deepSea(10, 9)).build()));
            Run bobsSecond = bob.createRun(CreateRunRequest.newBuilder().setSpec(deepSea(5, 2)).build()).getRun();
            assertEquals("bob", bobsSecond.getOwner(), "the other owner still gets a place");
            for (String id : long_) {
                alice.stopRun(StopRunRequest.newBuilder().setRunId(id).build());
                awaitFinal(alice, id);
            }
            awaitFinal(bob, bobsSecond.getRunId());
            // alice ends many short runs; only her own oldest are evicted
            for (int i = 0; i < 8; i++) {
                String id = alice.createRun(CreateRunRequest.newBuilder().setSpec(deepSea(3, 100 + i)).build()).getRun()
                        .getRunId();
                awaitFinal(alice, id);
            }
            alice.createRun(CreateRunRequest.newBuilder().setSpec(deepSea(3, 200)).build()); // evicts at creation
            assertEquals("bob", bob.getRun(GetRunRequest.newBuilder().setRunId(bobs).build()).getRun().getOwner());
            assertTrue(Files.list(bobsDir).findAny().isPresent(), "bob's checkpoint is still on disk");
            assertStatus(Status.Code.NOT_FOUND, "run_id: no run '" + long_.get(0) + "'",
                    () -> alice.getRun(GetRunRequest.newBuilder().setRunId(long_.get(0)).build()));
        } finally {
            ch.shutdownNow();
            server.stop();
        }
    }

    /**
     * The documented rule for runs made before authentication was turned on (owner ""): only admins may read, act on,
     * stop or resume them; every other identity is answered as for a run that does not exist.
     */
    @Test
    void runsOfAnUnauthenticatedServerBelongToAdminsOnlyOnceTokensAreOn() throws Exception {
        String id;
        try (TrainerServer plain = new TrainerServer(1, dir)) {
            id = plain.create(deepSea(3, 1).build()).getRunId();
            awaitFinal(plain.stub(), id);
        }
        String name = InProcessServerBuilder.generateName();
        DirpgServer server = DirpgServer.builder(InProcessServerBuilder.forName(name)).dataDir(dir).checkpointDir(dir)
                .workers(1).tokens(Tokens.parse("alice " + ALICE + "\nroot " + BOB + " admin\n", "test")).start();
        ManagedChannel ch = InProcessChannelBuilder.forName(name).build();
        try {
            assertStatus(Status.Code.NOT_FOUND, "run_id: no run '" + id + "' on this server",
                    () -> as(ch, ALICE).getRun(GetRunRequest.newBuilder().setRunId(id).build()));
            assertEquals(0, as(ch, ALICE).listRuns(org.dirpg.proto.train.v1.ListRunsRequest.getDefaultInstance())
                    .getRunsCount());
            Run seen = as(ch, BOB).getRun(GetRunRequest.newBuilder().setRunId(id).build()).getRun();
            assertEquals("", seen.getOwner(), "an admin sees the run, owner still unset");
        } finally {
            ch.shutdownNow();
            server.stop();
        }
    }
}
