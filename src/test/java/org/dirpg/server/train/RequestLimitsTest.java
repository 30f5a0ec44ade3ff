package org.dirpg.server.train;

import static org.dirpg.server.train.TrainerServer.assertStatus;
import static org.dirpg.server.train.TrainerServer.deepSea;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.dirpg.env.classic.SpanningTreeBandit;
import org.dirpg.proto.train.v1.ActRequest;
import org.dirpg.proto.train.v1.Algorithm;
import org.dirpg.proto.train.v1.CreateRunRequest;
import org.dirpg.proto.train.v1.GetRunRequest;
import org.dirpg.proto.train.v1.ListRunsRequest;
import org.dirpg.proto.train.v1.ListRunsResponse;
import org.dirpg.proto.train.v1.NativeEnvironment;
import org.dirpg.proto.train.v1.Observation;
import org.dirpg.proto.train.v1.Run;
import org.dirpg.proto.train.v1.RunSpec;
import org.dirpg.proto.train.v1.RunState;
import org.dirpg.proto.train.v1.StopRunRequest;
import org.dirpg.proto.train.v1.UpdateMetrics;
import org.dirpg.train.Checkpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every request is held to the server's limits, refused with a status that names the field and the limit. */
class RequestLimitsTest {
    @TempDir
    Path dir;

    private static ServerLimits limits(long maxBudget, int metricsInMemory, int maxQueued, int finishedKept) {
        ServerLimits d = ServerLimits.defaults();
        return new ServerLimits(d.maxUpdates(), maxBudget, d.maxRollouts(), d.maxSteps(), d.maxSearchesInFlight(),
                d.maxExpansionsPerRound(), d.defaultCheckpointInterval(), d.minCheckpointInterval(), d.checkpointsKept(),
                metricsInMemory, maxQueued, finishedKept, Duration.ofDays(1), 1000, 8, d.maxQueuedRunsPerOwner(),
                d.metricsStoredPerRun());
    }

    private static RunSpec bandit(long updates) {
        return RunSpec.newBuilder().setNativeEnvironment(NativeEnvironment.newBuilder().setEnvId(SpanningTreeBandit.ID))
                .setAlgorithm(Algorithm.ALGORITHM_UCB_SEMI).setUpdates(updates).build();
    }

    @Test
    void specsBeyondTheCapsAreRefusedNamingFieldCapAndOption() throws Exception {
        try (TrainerServer s = new TrainerServer(1, dir)) {
            assertStatus(Status.Code.INVALID_ARGUMENT, "updates: at most 100000000 on this server (serve --max-updates), got "
                    + (1L << 62), () -> s.create(deepSea(1L << 62, 0).build()));
            assertStatus(Status.Code.INVALID_ARGUMENT, "budget: at most 1000000 on this server (serve --max-budget)",
                    () -> s.create(deepSea(10, 0).setBudget(1_000_000_000_000_000_000L).setEarlyStop(false).build()));
            assertStatus(Status.Code.INVALID_ARGUMENT, "checkpoint_interval: at least 10 updates on this server",
                    () -> s.create(deepSea(10, 0).setCheckpointInterval(1).build()));
            assertStatus(Status.Code.INVALID_ARGUMENT, "rollouts: at most 10000",
                    () -> s.create(deepSea(10, 0).setAlgorithm(Algorithm.ALGORITHM_REINFORCE).setRollouts(1 << 30).build()));
            assertStatus(Status.Code.INVALID_ARGUMENT, "searches_in_flight: at most 64",
                    () -> s.create(deepSea(10, 0).setSearchesInFlight(256).build()));
            assertStatus(Status.Code.INVALID_ARGUMENT, "expansions_per_round: at most 1024",
                    () -> s.create(deepSea(10, 0).setExpansionsPerRound(4096).build()));
            assertStatus(Status.Code.INVALID_ARGUMENT, "learning_rate: must be a positive finite number",
                    () -> s.create(deepSea(10, 0).setLearningRate(Double.NaN).build()));
            assertStatus(Status.Code.INVALID_ARGUMENT, "epsilon:",
                    () -> s.create(deepSea(10, 0).setEpsilon(Double.POSITIVE_INFINITY).build()));
            // 100,000 endpoints (the red team's request took 25.9 s of server time) are refused at once
            java.util.List<String> many = java.util.Collections.nCopies(100_000, "127.0.0.1:50061");
            long t0 = System.nanoTime();
            assertStatus(Status.Code.INVALID_ARGUMENT, "remote_environment.endpoints: 100000 endpoints, at most 64",
                    () -> s.create(deepSea(10, 0).setRemoteEnvironment(org.dirpg.proto.train.v1.RemoteEnvironment
                            .newBuilder().setEnvId("DeepSea-v0").addAllEndpoints(many)).build()));
            assertTrue(System.nanoTime() - t0 < java.util.concurrent.TimeUnit.SECONDS.toNanos(5), "refused quickly");
            assertEquals(0, s.stub().listRuns(ListRunsRequest.getDefaultInstance()).getRunsCount(), "nothing was queued");
        }
    }

    @Test
    void stopRunEndsARunWithinOneSearchEvenAtAHugeBudgetWithoutEarlyStop() throws Exception {
        try (TrainerServer s = new TrainerServer(1, dir, limits(Long.MAX_VALUE, 10_000, 256, 1000))) {
            RunSpec endless = deepSea(10, 0).setNativeEnvironment(NativeEnvironment.newBuilder().setEnvId("DeepSea-v0")
                    .putOptions("size", "60")).setBudget(1_000_000_000_000_000_000L).setEarlyStop(false).build();
            String id = s.create(endless).getRunId();
            s.awaitState(id, RunState.RUN_STATE_RUNNING);
            Thread.sleep(300);
            long t0 = System.nanoTime();
            s.stub().stopRun(StopRunRequest.newBuilder().setRunId(id).build());
            Run stopped = s.awaitState(id, RunState.RUN_STATE_STOPPED);
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertTrue(seconds < 2, "stopped after " + seconds + " s");
            assertEquals(0, stopped.getProgress().getUpdatesDone(), "the search in progress was abandoned, not counted");
            // The worker is free again: a new run on the single worker runs to the end.
            String next = s.create(deepSea(5, 1).build()).getRunId();
            s.awaitState(next, RunState.RUN_STATE_SUCCEEDED);
        }
    }

    @Test
    void nonFiniteInputsAreRefusedAndARunThatTurnsNanFailsNamingTheUpdate() throws Exception {
        try (TrainerServer s = new TrainerServer(2, dir)) {
            String exploding = s.create(deepSea(500, 0).setAlgorithm(Algorithm.ALGORITHM_REINFORCE).setRollouts(4)
                    .setLearningRate(1e308).build()).getRunId();
            Run failed = s.awaitState(exploding, RunState.RUN_STATE_FAILED);
            assertTrue(failed.getErrorMessage().matches("update \\d+: .*NaN or infinite.*"), failed.getErrorMessage());
            assertTrue(failed.getProgress().getUpdatesDone() < 500);
            for (UpdateMetrics m : s.stream(exploding, 0)) {
                assertTrue(Double.isFinite(m.getGradientNorm()), "no NaN metric is recorded: " + m);
            }

            String id = s.create(deepSea(5, 1).build()).getRunId();
            s.awaitState(id, RunState.RUN_STATE_SUCCEEDED);
            assertStatus(Status.Code.INVALID_ARGUMENT, "observations[0].features[1] is NaN", () -> s.stub().act(
                    ActRequest.newBuilder().setRunId(id).addObservations(Observation.newBuilder().addFeatures(0)
                            .addFeatures(Double.NaN)).build()));
            List<Observation> many = new ArrayList<>();
            for (int i = 0; i < 9; i++) {
                many.add(Observation.newBuilder().addFeatures(0).build());
            }
            try (TrainerServer small = new TrainerServer(1, dir.resolve("small"), limits(1000, 10, 256, 1000))) {
                String r = small.create(deepSea(2, 1).build()).getRunId();
                assertStatus(Status.Code.INVALID_ARGUMENT, "observations: at most 8 per call on this server", () -> small
                        .stub().act(ActRequest.newBuilder().setRunId(r).addAllObservations(many).build()));
            }

            Checkpoint nan = Checkpoint.of(org.dirpg.server.train.RunSpecs.toSettings(deepSea(10, 1).build()), 1, 1,
                    nanAt1(52), null);
            assertStatus(Status.Code.INVALID_ARGUMENT, "checkpoint: parameters[1] is NaN", () -> s.stub().createRun(
                    CreateRunRequest.newBuilder().setCheckpointBytes(ByteString.copyFrom(nan.toBytes())).build()));
        }
    }

    private static double[] nanAt1(int n) {
        double[] theta = new double[n];
        theta[1] = Double.NaN;
        return theta;
    }

    @Test
    void hugeInputsAreCutInMessagesAndServerPathsNeverShown() throws Exception {
        try (TrainerServer s = new TrainerServer(1, dir)) {
            String huge = "x".repeat(1 << 20);
            StatusRuntimeException e = assertStatus(Status.Code.NOT_FOUND, "run_id: no run 'xxx",
                    () -> s.stub().getRun(GetRunRequest.newBuilder().setRunId(huge).build()));
            assertTrue(e.getStatus().getDescription().length() < 300, "cut: " + e.getStatus().getDescription().length());
            assertStatus(Status.Code.INVALID_ARGUMENT, "native_environment.env_id: unknown environment id 'xxx",
                    () -> s.create(deepSea(1, 0).setNativeEnvironment(NativeEnvironment.newBuilder().setEnvId(huge)).build()));
            StatusRuntimeException path = assertStatus(Status.Code.NOT_FOUND, "checkpoint_path: no checkpoint file at",
                    () -> s.stub().createRun(CreateRunRequest.newBuilder().setCheckpointPath("nope/" + huge).build()));
            assertFalse(path.getStatus().getDescription().contains(dir.toString()));
            assertStatus(Status.Code.INVALID_ARGUMENT, "page_token: not a token this server issued",
                    () -> s.stub().listRuns(ListRunsRequest.newBuilder().setPageToken(huge).build()));
        }
    }

    @Test
    void pageTokensSurviveARestartAfterEvictions() throws Exception {
        List<String> ids = new ArrayList<>();
        String token;
        try (TrainerServer s = new TrainerServer(1, dir, limits(1000, 3, 3, 3))) {
            for (int i = 0; i < 5; i++) {
                String id = s.create(bandit(3)).getRunId();
                s.awaitState(id, RunState.RUN_STATE_SUCCEEDED);
                ids.add(id);
            }
            ListRunsResponse first = s.stub().listRuns(ListRunsRequest.newBuilder().setPageSize(2).build());
            assertEquals(ids.subList(2, 4), first.getRunsList().stream().map(r -> r.getRunId()).toList(),
                    "the 3 newest ended runs are kept; the first page holds 2 of them");
            token = first.getNextPageToken();
        }
        try (TrainerServer s = new TrainerServer(1, dir, limits(1000, 3, 3, 3))) {
            ListRunsResponse rest = s.stub().listRuns(ListRunsRequest.newBuilder().setPageSize(2).setPageToken(token).build());
            assertEquals(List.of(ids.get(4)), rest.getRunsList().stream().map(r -> r.getRunId()).toList(),
                    "the token of the server before the restart continues where its page ended");
            assertEquals("", rest.getNextPageToken());
        }
    }

    @Test
    void listRunsPagesEvictsOldEndedRunsAndCapsQueuedRuns() throws Exception {
        try (TrainerServer s = new TrainerServer(1, dir, limits(1000, 3, 3, 4))) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                String id = s.create(bandit(20)).getRunId();
                s.awaitState(id, RunState.RUN_STATE_SUCCEEDED);
                ids.add(id);
            }
            // Metrics beyond the 3 kept in memory come back from the store, contiguous.
            List<UpdateMetrics> all = s.stream(ids.get(5), 0);
            assertEquals(20, all.size());
            for (int i = 0; i < 20; i++) {
                assertEquals(i, all.get(i).getUpdate());
            }
            List<String> listed = new ArrayList<>();
            String token = "";
            int pages = 0;
            do {
                ListRunsResponse page = s.stub().listRuns(ListRunsRequest.newBuilder().setPageSize(3).setPageToken(token).build());
                assertTrue(page.getRunsCount() <= 3);
                page.getRunsList().forEach(r -> listed.add(r.getRunId()));
                token = page.getNextPageToken();
                pages++;
            } while (!token.isEmpty() && pages < 10);
            assertEquals(ids.subList(2, 6), listed, "the 4 newest ended runs are kept, in creation order");
            assertStatus(Status.Code.NOT_FOUND, "run_id: no run '" + ids.get(0), () -> s.get(ids.get(0)));
            String pending = ListRunsRequest.newBuilder().setPageSize(1).setState(RunState.RUN_STATE_SUCCEEDED).build()
                    .toString();
            assertFalse(pending.isEmpty());
            String token2 = s.stub().listRuns(ListRunsRequest.newBuilder().setPageSize(1).setState(RunState.RUN_STATE_SUCCEEDED)
                    .build()).getNextPageToken();
            assertStatus(Status.Code.INVALID_ARGUMENT, "page_token: issued for another state filter",
                    () -> s.stub().listRuns(ListRunsRequest.newBuilder().setPageToken(token2).build()));

            for (int i = 0; i < 3; i++) {
                s.create(deepSea(100_000_000L, i).build());
            }
            assertStatus(Status.Code.RESOURCE_EXHAUSTED, "runs: 3 runs are already queued or running",
                    () -> s.create(deepSea(10, 9).build()));
        }
    }
}
