package org.dirpg.server.train;

import static org.dirpg.server.train.TrainerServer.assertStatus;
import static org.dirpg.server.train.TrainerServer.deepSea;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import org.dirpg.proto.train.v1.ActRequest;
import org.dirpg.proto.train.v1.Algorithm;
import org.dirpg.proto.train.v1.CreateRunRequest;
import org.dirpg.proto.train.v1.GetRunRequest;
import org.dirpg.proto.train.v1.ListRunsRequest;
import org.dirpg.proto.train.v1.NativeEnvironment;
import org.dirpg.proto.train.v1.Observation;
import org.dirpg.proto.train.v1.RemoteEnvironment;
import org.dirpg.proto.train.v1.Run;
import org.dirpg.proto.train.v1.RunSpec;
import org.dirpg.proto.train.v1.RunState;
import org.dirpg.proto.train.v1.SaveCheckpointRequest;
import org.dirpg.proto.train.v1.StopRunRequest;
import org.dirpg.proto.train.v1.StreamMetricsRequest;
import org.dirpg.proto.train.v1.UpdateMetrics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Creating, streaming, listing, and the error codes of the trainer service, through real stubs. */
class TrainerServiceTest {
    @TempDir
    static Path dir;
    static TrainerServer s;

    @BeforeAll
    static void start() throws Exception {
        s = new TrainerServer(2, dir);
    }

    @AfterAll
    static void stop() throws Exception {
        s.close();
    }

    @Test
    void streamsEveryUpdateInOrderUntilTheRunSucceeds() throws Exception {
        Run created = s.create(deepSea(40, 3).build());
        // 40 DeepSea updates take well under a millisecond: the run may already have finished when CreateRun answers.
        assertTrue(created.getState() == RunState.RUN_STATE_PENDING || created.getState() == RunState.RUN_STATE_RUNNING
                || created.getState() == RunState.RUN_STATE_SUCCEEDED, created.getState().toString());
        assertEquals(40, created.getProgress().getUpdatesTotal());
        assertEquals(1.0, created.getSpec().getEpsilon());
        assertEquals(30, created.getSpec().getRollouts(), "unset fields show their defaults");

        List<UpdateMetrics> all = s.stream(created.getRunId(), 0);
        assertEquals(40, all.size());
        long interactions = 0;
        for (int i = 0; i < all.size(); i++) {
            UpdateMetrics m = all.get(i);
            assertEquals(i, m.getUpdate());
            // DeepSea-v0 (N = 5) has 4 decisions: every search spends between 4 and the budget (20) interactions.
            assertTrue(m.getSearchInteractions() >= 4 && m.getSearchInteractions() <= 20, "spent " + m.getSearchInteractions());
            interactions += m.getSearchInteractions();
            assertEquals(interactions, m.getInteractions());
        }
        Run done = s.get(created.getRunId());
        assertEquals(RunState.RUN_STATE_SUCCEEDED, done.getState());
        assertEquals(40, done.getProgress().getUpdatesDone());
        assertEquals(interactions, done.getProgress().getInteractions());
        assertEquals(all.get(39), done.getLatestMetrics());
        assertEquals("", done.getErrorMessage());
    }

    @Test
    void aStreamResumedFromAnIndexGivesExactlyTheRemainingUpdates() {
        String id = s.create(deepSea(30, 4).build()).getRunId();
        List<UpdateMetrics> all = s.stream(id, 0);
        for (int k : new int[] {0, 1, 17, 29}) {
            assertEquals(all.subList(k, 30), s.stream(id, k), "from " + k);
        }
        assertEquals(List.of(), s.stream(id, 30), "past the end of an ended run: nothing, then completion");
    }

    @Test
    void aStreamOpenedWhileTheRunIsLiveFollowsItToTheEnd() throws Exception {
        String id = s.create(deepSea(300, 5).build()).getRunId();
        s.awaitUpdates(id, 1);
        List<UpdateMetrics> tail = s.stream(id, 10);
        assertEquals(290, tail.size());
        for (int i = 0; i < tail.size(); i++) {
            assertEquals(10 + i, tail.get(i).getUpdate());
        }
        assertEquals(RunState.RUN_STATE_SUCCEEDED, s.get(id).getState());
    }

    @Test
    void listRunsFiltersByState() throws Exception {
        String id = s.create(deepSea(5, 6).build()).getRunId();
        s.awaitState(id, RunState.RUN_STATE_SUCCEEDED);
        List<Run> succeeded = s.stub().listRuns(ListRunsRequest.newBuilder().setState(RunState.RUN_STATE_SUCCEEDED).build()).getRunsList();
        assertTrue(succeeded.stream().anyMatch(r -> r.getRunId().equals(id)));
        assertTrue(succeeded.stream().allMatch(r -> r.getState() == RunState.RUN_STATE_SUCCEEDED));
        List<Run> failed = s.stub().listRuns(ListRunsRequest.newBuilder().setState(RunState.RUN_STATE_FAILED).build()).getRunsList();
        assertTrue(failed.stream().noneMatch(r -> r.getRunId().equals(id)));
    }

    private static void assertInvalid(String field, UnaryOperator<RunSpec.Builder> edit) {
        RunSpec spec = edit.apply(deepSea(10, 0)).build();
        assertStatus(Status.Code.INVALID_ARGUMENT, field, () -> s.create(spec));
    }

    @Test
    void everyBadFieldIsInvalidArgumentNamingTheField() {
        assertInvalid("epsilon:", b -> b.setEpsilon(0));
        assertInvalid("epsilon:", b -> b.setEpsilon(Double.NaN));
        assertInvalid("budget:", b -> b.setBudget(-5));
        assertInvalid("alpha:", b -> b.setAlpha(1.5));
        assertInvalid("alpha:", b -> b.setAlpha(-0.1));
        assertInvalid("updates:", b -> b.setUpdates(0));
        assertInvalid("learning_rate:", b -> b.setLearningRate(0));
        assertInvalid("rollouts:", b -> b.setRollouts(1));
        assertInvalid("elites:", b -> b.setRollouts(4).setElites(5));
        assertInvalid("max_steps:", b -> b.setMaxSteps(0));
        assertInvalid("init_scale:", b -> b.setInitScale(-1));
        assertInvalid("checkpoint_interval:", b -> b.setCheckpointInterval(-1));
        assertInvalid("algorithm: unknown value 42; expected one of ALGORITHM_DIRPG, ALGORITHM_REINFORCE,", b -> b.setAlgorithmValue(42));
        assertInvalid("priority: unknown value 9; expected PRIORITY_GUMBEL or PRIORITY_ASTAR", b -> b.setPriorityValue(9));
        assertInvalid("algorithm: algorithm ucb-semi needs the SpanningTreeBandit-v0", b -> b.setAlgorithm(Algorithm.ALGORITHM_UCB_SEMI));
        assertInvalid("policy:", b -> b.setPolicy("transformer"));
        assertInvalid("policy:", b -> b.setPolicy("conv"));
        assertInvalid("native_environment.env_id: unknown environment id 'Pong-v5'",
                b -> b.setNativeEnvironment(NativeEnvironment.newBuilder().setEnvId("Pong-v5")));
        assertInvalid("native_environment.env_id:",
                b -> b.setNativeEnvironment(NativeEnvironment.newBuilder().setEnvId("")));
        assertInvalid("native_environment.options: unknown option 'width'",
                b -> b.setNativeEnvironment(NativeEnvironment.newBuilder().setEnvId("DeepSea-v0").putOptions("width", "3")));
        assertInvalid("native_environment.options: DeepSea-v0: option size must be an integer",
                b -> b.setNativeEnvironment(NativeEnvironment.newBuilder().setEnvId("DeepSea-v0").putOptions("size", "big")));
        assertInvalid("environment:", RunSpec.Builder::clearEnvironment);
        assertInvalid("remote_environment.endpoints:",
                b -> b.setRemoteEnvironment(RemoteEnvironment.newBuilder().setEnvId("DeepSea-v0")));
        assertStatus(Status.Code.INVALID_ARGUMENT, "spec:",
                () -> s.stub().createRun(CreateRunRequest.getDefaultInstance()));
        assertStatus(Status.Code.INVALID_ARGUMENT, "checkpoint:",
                () -> s.stub().createRun(CreateRunRequest.newBuilder()
                        .setCheckpointBytes(com.google.protobuf.ByteString.copyFromUtf8("{\"format\":\"x\"}")).build()));
        String id = s.create(deepSea(3, 0).build()).getRunId();
        assertStatus(Status.Code.INVALID_ARGUMENT, "start_update:", () -> s.stub().streamMetrics(
                StreamMetricsRequest.newBuilder().setRunId(id).setStartUpdate(-1).build()).hasNext());
        assertStatus(Status.Code.INVALID_ARGUMENT, "observations[0].features: DeepSea-v0 observes 25 features",
                () -> s.stub().act(ActRequest.newBuilder().setRunId(id)
                        .addObservations(Observation.newBuilder().addFeatures(1.0)).build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, "observations:",
                () -> s.stub().act(ActRequest.newBuilder().setRunId(id).build()));
    }

    @Test
    void unknownRunIdsAreNotFound() {
        String prefix = "run_id: no run 'run-nope'";
        assertStatus(Status.Code.NOT_FOUND, prefix,
                () -> s.stub().getRun(GetRunRequest.newBuilder().setRunId("run-nope").build()));
        assertStatus(Status.Code.NOT_FOUND, prefix,
                () -> s.stub().stopRun(StopRunRequest.newBuilder().setRunId("run-nope").build()));
        assertStatus(Status.Code.NOT_FOUND, prefix,
                () -> s.stub().saveCheckpoint(SaveCheckpointRequest.newBuilder().setRunId("run-nope").build()));
        assertStatus(Status.Code.NOT_FOUND, prefix, () -> s.stub().act(ActRequest.newBuilder().setRunId("run-nope")
                .addObservations(Observation.newBuilder().addFeatures(1)).build()));
        assertStatus(Status.Code.NOT_FOUND, prefix, () -> s.stub().streamMetrics(
                StreamMetricsRequest.newBuilder().setRunId("run-nope").build()).hasNext());
    }
}
