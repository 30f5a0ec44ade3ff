package org.dirpg.server.train;

import static org.dirpg.server.train.TrainerServer.assertStatus;
import static org.dirpg.server.train.TrainerServer.deepSea;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.dirpg.env.Environment;
import org.dirpg.env.State;
import org.dirpg.env.classic.SpanningTreeBandit;
import org.dirpg.policy.Policy;
import org.dirpg.proto.train.v1.ActRequest;
import org.dirpg.proto.train.v1.ActResponse;
import org.dirpg.proto.train.v1.ActionChoice;
import org.dirpg.proto.train.v1.Algorithm;
import org.dirpg.proto.train.v1.CreateRunRequest;
import org.dirpg.proto.train.v1.NativeEnvironment;
import org.dirpg.proto.train.v1.Observation;
import org.dirpg.proto.train.v1.Run;
import org.dirpg.proto.train.v1.RunSpec;
import org.dirpg.proto.train.v1.RunState;
import org.dirpg.proto.train.v1.SaveCheckpointRequest;
import org.dirpg.proto.train.v1.SaveCheckpointResponse;
import org.dirpg.proto.train.v1.UpdateMetrics;
import org.dirpg.train.Checkpoint;
import org.dirpg.train.DirPGTrainer;
import org.dirpg.train.TrainSettings;
import org.dirpg.train.TrainerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Act against the run's policy, and checkpoints: save, resume by bytes and by path, periodic and on shutdown. */
class ActAndCheckpointTest {
    @TempDir
    Path dir;

    private static Observation observation(State s) {
        Observation.Builder o = Observation.newBuilder();
        for (double x : s.features()) {
            o.addFeatures(x);
        }
        return o.build();
    }

    private static SaveCheckpointResponse save(TrainerServer s, String id) {
        return s.stub().saveCheckpoint(SaveCheckpointRequest.newBuilder().setRunId(id).build());
    }

    @Test
    void actReturnsLegalActionsWithTheLogProbabilitiesOfTheRunsPolicy() throws Exception {
        try (TrainerServer s = new TrainerServer(2, dir)) {
            RunSpec spec = deepSea(60, 11).setLearningRate(0.2).build();
            String id = s.create(spec).getRunId();
            s.awaitState(id, RunState.RUN_STATE_SUCCEEDED);
            Checkpoint c = Checkpoint.fromBytes(save(s, id).getCheckpoint().toByteArray());
            TrainSettings settings = RunSpecs.toSettings(spec);
            Environment env = TrainerFactory.environment(settings);
            Policy policy = TrainerFactory.policy(settings, env);
            policy.setParameters(c.parameters());

            // Every state on the trajectory of LEFTs and of RIGHTs, greedily: pi's log-probabilities exactly.
            for (int first : new int[] {0, 1}) {
                State st = env.reset(0);
                while (!st.isTerminal()) {
                    ActResponse r = s.stub().act(ActRequest.newBuilder().setRunId(id).setGreedy(true)
                            .addObservations(observation(st)).build());
                    assertEquals(60, r.getPolicyUpdates());
                    double[] expected = new double[2];
                    policy.logProbabilities(st, expected);
                    ActionChoice ch = r.getChoices(0);
                    assertArrayEquals(expected, ch.getLogProbsList().stream().mapToDouble(Double::doubleValue).toArray());
                    assertEquals(expected[0] >= expected[1] ? 0 : 1, ch.getAction(), "greedy = argmax");
                    assertEquals(expected[ch.getAction()], ch.getLogProb());
                    st = env.step(st, first).next();
                }
            }

            // Sampling: the frequency of RIGHT at the root over a batch matches pi within 4 standard errors.
            State root = env.reset(0);
            double[] logp = new double[2];
            policy.logProbabilities(root, logp);
            double p = Math.exp(logp[1]);
            assertTrue(Math.abs(p - 0.5) > 0.02, "the trained policy is not uniform at the root: " + p);
            int n = 4000;
            ActRequest.Builder batch = ActRequest.newBuilder().setRunId(id).setSeed(12345);
            for (int i = 0; i < n; i++) {
                batch.addObservations(observation(root));
            }
            ActResponse sampled = s.stub().act(batch.build());
            long right = sampled.getChoicesList().stream().filter(ch -> ch.getAction() == 1).count();
            double se = Math.sqrt(n * p * (1 - p));
            assertTrue(Math.abs(right - n * p) < 4 * se, "RIGHT " + right + " times, expected " + n * p + " +- " + se);
            for (ActionChoice ch : sampled.getChoicesList()) {
                assertEquals(logp[ch.getAction()], ch.getLogProb());
            }
            assertEquals(sampled, s.stub().act(batch.build()), "the same seed gives the same actions");

            // A legal-action mask restricts the choice; its log-probability renormalises to 0.
            ActResponse masked = s.stub().act(ActRequest.newBuilder().setRunId(id).setSeed(1)
                    .addObservations(observation(root).toBuilder().setLegalActions(0b10)).build());
            assertEquals(1, masked.getChoices(0).getAction());
            assertEquals(0.0, masked.getChoices(0).getLogProb(), 1e-12);
            assertEquals(Double.NEGATIVE_INFINITY, masked.getChoices(0).getLogProbs(0));
            assertStatus(Status.Code.INVALID_ARGUMENT, "observations[0].legal_actions:", () -> s.stub().act(
                    ActRequest.newBuilder().setRunId(id).addObservations(observation(root).toBuilder().setLegalActions(0b100)).build()));
        }
    }

    /**
     * legal_actions has one meaning across both protocols: 0 = no action legal (as at a terminal StateView), so Act
     * rejects it; unset = every action legal. The run also reports its environment, whose spec sizes an observation.
     */
    @Test
    void zeroMaskMeansNothingLegalAndUnsetMeansAllLegal() throws Exception {
        try (TrainerServer s = new TrainerServer(1, dir)) {
            String id = s.create(deepSea(2, 3).build()).getRunId();
            s.awaitState(id, RunState.RUN_STATE_SUCCEEDED);
            Environment env = TrainerFactory.environment(RunSpecs.toSettings(deepSea(2, 3).build()));
            State root = env.reset(0);
            assertStatus(Status.Code.INVALID_ARGUMENT, "observations[1].legal_actions: 0 means no action is legal",
                    () -> s.stub().act(ActRequest.newBuilder().setRunId(id).addObservations(observation(root))
                            .addObservations(observation(root).toBuilder().setLegalActions(0)).build()));
            ActResponse all = s.stub().act(ActRequest.newBuilder().setRunId(id).setGreedy(true)
                    .addObservations(observation(root)).build());
            assertTrue(all.getChoices(0).getLogProbsList().stream().allMatch(Double::isFinite), "unset: both legal");

            org.dirpg.proto.env.v1.EnvironmentDescription d = s.stub().getRun(
                    org.dirpg.proto.train.v1.GetRunRequest.newBuilder().setRunId(id).build()).getRun().getEnvironment();
            assertEquals("DeepSea-v0", d.getEnvId());
            assertEquals(env.spec().numActions(), d.getNumActions());
            int features = d.getObservationList().stream()
                    .mapToInt(t -> t.getShapeList().stream().reduce(1, (a, b) -> a * b)).sum();
            assertEquals(root.features().length, features, "the observation spec sizes Observation.features");
            assertEquals(Double.NEGATIVE_INFINITY, d.getMinReward(), "an unbounded side travels as an infinity");
        }
    }

    @Test
    void policyFreeRunsCannotActOrCheckpoint() throws Exception {
        try (TrainerServer s = new TrainerServer(1, dir)) {
            String id = s.create(RunSpec.newBuilder().setNativeEnvironment(NativeEnvironment.newBuilder()
                    .setEnvId(SpanningTreeBandit.ID)).setAlgorithm(Algorithm.ALGORITHM_UCB_SEMI).setUpdates(5).build()).getRunId();
            s.awaitState(id, RunState.RUN_STATE_SUCCEEDED);
            for (UpdateMetrics m : s.stream(id, 0)) {  // UCB measures a reward only: the rest is absent, not NaN or -1
                assertTrue(Double.isFinite(m.getUpdateReturn()) && !m.hasGradientNorm() && !m.hasDOpt()
                        && !m.hasCandidates() && !m.hasFirstImprovement(), m.toString());
            }
            assertStatus(Status.Code.FAILED_PRECONDITION, "run " + id + " uses ucb-semi, which has no policy", () -> s.stub()
                    .act(ActRequest.newBuilder().setRunId(id).addObservations(Observation.newBuilder().addFeatures(0)).build()));
            assertStatus(Status.Code.FAILED_PRECONDITION, "run " + id + " uses ucb-semi", () -> save(s, id));
        }
    }

    @Test
    void aResumedRunContinuesTheUpdateCountFromIdenticalParametersAndAdamState() throws Exception {
        try (TrainerServer s = new TrainerServer(2, dir)) {
            RunSpec spec = deepSea(30, 21).setLearningRate(0.1).build();
            String first = s.create(spec).getRunId();
            s.awaitState(first, RunState.RUN_STATE_SUCCEEDED);
            SaveCheckpointResponse saved = save(s, first);
            assertEquals(30, saved.getUpdatesDone());
            assertEquals(first + "/update-000000030.json", saved.getPath(), "paths are relative to the checkpoint directory");
            assertEquals(saved.getCheckpoint(), ByteString.copyFrom(Files.readAllBytes(dir.resolve(saved.getPath()))));
            Checkpoint c = Checkpoint.fromBytes(saved.getCheckpoint().toByteArray());
            long steps = s.stream(first, 0).stream().filter(m -> m.getGradientNorm() > 0).count();
            assertTrue(steps > 0);
            assertEquals(steps, c.adamState()[2][0], "Adam's t counts the updates with a non-zero gradient");

            Run resumed = s.stub().createRun(CreateRunRequest.newBuilder().setSpec(spec.toBuilder().setUpdates(50))
                    .setCheckpointBytes(saved.getCheckpoint()).build()).getRun();
            assertEquals(30, resumed.getResumedFromUpdate());
            List<UpdateMetrics> more = s.stream(resumed.getRunId(), 0);
            assertEquals(20, more.size());
            for (int i = 0; i < 20; i++) {
                assertEquals(30 + i, more.get(i).getUpdate());
            }
            assertEquals(c.interactions() + more.get(19).getInteractions() - more.get(0).getInteractions()
                    + more.get(0).getSearchInteractions(), more.get(19).getInteractions());

            // The same continuation in-process: theta and Adam restored, trainer seeded with the resume seed.
            TrainSettings settings = RunSpecs.toSettings(spec.toBuilder().setUpdates(50).build());
            Environment env = TrainerFactory.environment(settings);
            Policy policy = TrainerFactory.policy(settings, env);
            policy.setParameters(c.parameters());
            DirPGTrainer trainer = (DirPGTrainer) TrainerFactory.trainer(
                    settings.toBuilder().seed(c.resumeSeed()).build(), env, policy);
            trainer.adam().restore(c.adamState());
            for (int i = 0; i < 20; i++) {
                org.dirpg.train.UpdateMetrics m = trainer.update();
                assertEquals(RunProtos.metrics(m, 30 + i, c.interactions() + m.interactions()), more.get(i));
            }
            Checkpoint after = Checkpoint.fromBytes(save(s, resumed.getRunId()).getCheckpoint().toByteArray());
            assertEquals(50, after.updatesDone());
            assertArrayEquals(policy.parameters(), after.parameters());
            assertArrayEquals(trainer.adam().state()[0], after.adamState()[0]);
        }
    }

    @Test
    void periodicCheckpointsCanBeResumedByPathInsideTheCheckpointDirectoryOnly() throws Exception {
        try (TrainerServer s = new TrainerServer(2, dir)) {
            String id = s.create(deepSea(25, 31).setCheckpointInterval(10).build()).getRunId();
            Run done = s.awaitState(id, RunState.RUN_STATE_SUCCEEDED);
            Path tenth = dir.resolve(id).resolve("update-000000010.json");
            assertTrue(Files.isRegularFile(tenth));
            assertTrue(Files.isRegularFile(dir.resolve(id).resolve("update-000000020.json")));
            assertEquals(id + "/update-000000025.json", done.getLatestCheckpoint(), "the run's end writes one too");
            List<UpdateMetrics> original = s.stream(id, 0);

            // Relative path, no spec: the checkpoint's own settings (25 updates) continue from update 10.
            Run resumed = s.stub().createRun(CreateRunRequest.newBuilder()
                    .setCheckpointPath(id + "/update-000000010.json").build()).getRun();
            List<UpdateMetrics> rest = s.stream(resumed.getRunId(), 0);
            assertEquals(15, rest.size());
            assertEquals(10, rest.get(0).getUpdate());
            assertEquals(original.get(9).getInteractions(), rest.get(0).getInteractions() - rest.get(0).getSearchInteractions());
            assertEquals(RunState.RUN_STATE_SUCCEEDED, s.get(resumed.getRunId()).getState());

            assertStatus(Status.Code.INVALID_ARGUMENT, "checkpoint_path: must lie under the server's checkpoint directory",
                    () -> s.stub().createRun(CreateRunRequest.newBuilder().setCheckpointPath("../../etc/passwd").build()));
            assertStatus(Status.Code.NOT_FOUND, "checkpoint_path: no checkpoint file",
                    () -> s.stub().createRun(CreateRunRequest.newBuilder().setCheckpointPath(id + "/update-7.json").build()));
            assertStatus(Status.Code.INVALID_ARGUMENT, "updates: the checkpoint already holds 25 updates",
                    () -> s.stub().createRun(CreateRunRequest.newBuilder().setCheckpointPath(done.getLatestCheckpoint())
                            .setSpec(deepSea(20, 31)).build()));
            StatusRuntimeException outside = assertStatus(Status.Code.INVALID_ARGUMENT, "checkpoint_path:",
                    () -> s.stub().createRun(CreateRunRequest.newBuilder().setCheckpointPath("/etc/passwd").build()));
            assertFalse(outside.getStatus().getDescription().contains(dir.toString()), "messages never reveal server paths");
            assertStatus(Status.Code.INVALID_ARGUMENT, "spec: the environment",
                    () -> s.stub().createRun(CreateRunRequest.newBuilder().setCheckpointPath(done.getLatestCheckpoint())
                            .setSpec(deepSea(40, 31).setNativeEnvironment(NativeEnvironment.newBuilder()
                                    .setEnvId("DeepSea-v0").putOptions("size", "6"))).build()));
        }
    }

    @Test
    void stoppingTheServerCheckpointsRunningRuns() throws Exception {
        TrainerServer s = new TrainerServer(2, dir);
        String id = s.create(deepSea(100_000_000L, 41).build()).getRunId();
        s.awaitUpdates(id, 5);
        s.close();
        List<Path> files;
        try (var listing = Files.list(dir.resolve(id))) {
            files = listing.sorted().toList();
        }
        assertTrue(files.size() >= 1 && files.size() <= 3, "the newest 3 are kept: " + files);
        Path newest = files.get(files.size() - 1);
        Checkpoint c = Checkpoint.fromBytes(Files.readAllBytes(newest));
        assertTrue(c.updatesDone() >= 5, "checkpointed after " + c.updatesDone() + " updates");
        assertEquals(dir.resolve(id).resolve(String.format("update-%09d.json", c.updatesDone())), newest);
    }
}
