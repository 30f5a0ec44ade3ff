package org.dirpg.server.train;

import static org.dirpg.server.train.TrainerServer.deepSea;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Context;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.dirpg.env.Environment;
import org.dirpg.policy.Policy;
import org.dirpg.proto.train.v1.Algorithm;
import org.dirpg.proto.train.v1.Run;
import org.dirpg.proto.train.v1.RunSpec;
import org.dirpg.proto.train.v1.RunState;
import org.dirpg.proto.train.v1.SaveCheckpointRequest;
import org.dirpg.proto.train.v1.StopRunRequest;
import org.dirpg.proto.train.v1.StreamMetricsRequest;
import org.dirpg.proto.train.v1.StreamMetricsResponse;
import org.dirpg.proto.train.v1.UpdateMetrics;
import org.dirpg.train.Checkpoint;
import org.dirpg.train.TrainSettings;
import org.dirpg.train.Trainer;
import org.dirpg.train.TrainerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stopping, concurrency with determinism by seed, and clients that walk away from a stream. */
class RunLifecycleTest {
    @TempDir
    Path dir;

    @Test
    void stopRunMovesALongRunToStoppedAndItStopsProgressing() throws Exception {
        try (TrainerServer s = new TrainerServer(2, dir)) {
            String id = s.create(deepSea(100_000_000L, 1).build()).getRunId();
            s.awaitUpdates(id, 5);
            Run answer = s.stub().stopRun(StopRunRequest.newBuilder().setRunId(id).build()).getRun();
            assertEquals(id, answer.getRunId());
            Run stopped = s.awaitState(id, RunState.RUN_STATE_STOPPED);
            long done = stopped.getProgress().getUpdatesDone();
            assertTrue(done >= 5 && done < 100_000_000L);
            Thread.sleep(200);
            assertEquals(done, s.get(id).getProgress().getUpdatesDone(), "a stopped run does not progress");
            List<UpdateMetrics> all = s.stream(id, 0);
            assertEquals(done, all.size(), "the stream of a stopped run completes after its last update");
            assertEquals(done - 1, all.get(all.size() - 1).getUpdate());
            // Stopping again changes nothing.
            assertEquals(RunState.RUN_STATE_STOPPED,
                    s.stub().stopRun(StopRunRequest.newBuilder().setRunId(id).build()).getRun().getState());
        }
    }

    @Test
    void aPendingRunStoppedBeforeItStartsEndsAtOnce() throws Exception {
        try (TrainerServer s = new TrainerServer(1, dir)) {
            String busy = s.create(deepSea(100_000_000L, 1).build()).getRunId();
            String queued = s.create(deepSea(10, 2).build()).getRunId();
            assertEquals(RunState.RUN_STATE_PENDING, s.get(queued).getState(), "one worker: the second run waits");
            s.stub().stopRun(StopRunRequest.newBuilder().setRunId(queued).build());
            assertEquals(RunState.RUN_STATE_STOPPED, s.get(queued).getState());
            assertEquals(List.of(), s.stream(queued, 0));
            s.stub().stopRun(StopRunRequest.newBuilder().setRunId(busy).build());
            s.awaitState(busy, RunState.RUN_STATE_STOPPED);
        }
    }

    /** The metrics and final theta of the settings trained in-process, without the server. */
    private record Reference(List<UpdateMetrics> metrics, double[] theta) {
        static Reference of(TrainSettings settings) {
            Environment env = TrainerFactory.environment(settings);
            Policy policy = TrainerFactory.policy(settings, env);
            Trainer trainer = TrainerFactory.trainer(settings, env, policy);
            List<UpdateMetrics> out = new ArrayList<>();
            for (long u = 0; u < settings.updates(); u++) {
                org.dirpg.train.UpdateMetrics m = trainer.update();
                out.add(RunProtos.metrics(m, m.update(), m.interactions()));
            }
            return new Reference(out, policy.parameters());
        }
    }

    @Test
    void eightConcurrentRunsFinishIndependentlyWithTheResultsOfRunningAlone() throws Exception {
        List<RunSpec> specs = new ArrayList<>();
        Algorithm[] algorithms = {Algorithm.ALGORITHM_DIRPG, Algorithm.ALGORITHM_REINFORCE, Algorithm.ALGORITHM_CEM, Algorithm.ALGORITHM_REINFORCE_RTG};
        for (int i = 0; i < 8; i++) {
            // Runs 6 and 7 repeat runs 0 and 1 exactly: equal seeds must give equal runs, side by side.
            int k = i < 6 ? i : i - 6;
            specs.add(deepSea(60, 100 + k).setAlgorithm(algorithms[k % 4]).setRollouts(6).setElites(2).build());
        }
        try (TrainerServer s = new TrainerServer(4, dir)) {
            List<String> ids = new ArrayList<>();
            for (RunSpec spec : specs) {
                ids.add(s.create(spec).getRunId());
            }
            // Follow all eight streams at once, from threads of our own.
            List<List<UpdateMetrics>> streamed = new ArrayList<>();
            List<Thread> readers = new ArrayList<>();
            for (String id : ids) {
                List<UpdateMetrics> sink = new ArrayList<>();
                streamed.add(sink);
                Thread t = new Thread(() -> sink.addAll(s.stream(id, 0)));
                t.start();
                readers.add(t);
            }
            for (Thread t : readers) {
                t.join(60_000);
            }
            for (int i = 0; i < 8; i++) {
                Run r = s.get(ids.get(i));
                assertEquals(RunState.RUN_STATE_SUCCEEDED, r.getState(), "run " + i);
                TrainSettings settings = RunSpecs.toSettings(specs.get(i));
                Reference alone = Reference.of(settings);
                assertEquals(alone.metrics(), streamed.get(i), "run " + i + " metrics equal the run alone");
                boolean dirpg = specs.get(i).getAlgorithm() == Algorithm.ALGORITHM_DIRPG;
                for (UpdateMetrics m : streamed.get(i)) {  // explicit presence: absent = not measured
                    assertEquals(dirpg, m.hasDirReturn() && m.hasDOpt() && m.hasDDir() && m.hasCandidates(), "run " + i + ": " + m);
                    assertFalse(!dirpg && (m.hasDirReturn() || m.hasDOpt() || m.hasDDir() || m.hasCandidates()
                            || m.hasFirstImprovement()), "run " + i + ": " + m);
                    assertTrue(m.hasGradientNorm(), "run " + i + ": a policy run has a gradient norm: " + m);
                    if (dirpg) {  // eq. (10): no improvement on a_opt, a_dir = a_opt, a zero direction
                        assertEquals(m.hasFirstImprovement(), m.getGradientNorm() > 0, "run " + i + ": " + m);
                    }
                }
                double[] theta = Checkpoint.fromBytes(s.stub().saveCheckpoint(SaveCheckpointRequest.newBuilder()
                        .setRunId(ids.get(i)).build()).getCheckpoint().toByteArray()).parameters();
                assertArrayEquals(alone.theta(), theta, "run " + i + " parameters equal the run alone");
            }
            assertEquals(streamed.get(0), streamed.get(6));
            assertEquals(streamed.get(1), streamed.get(7));
            assertTrue(!streamed.get(0).equals(streamed.get(4)), "different seeds give different runs");
        }
    }

    @Test
    void aClientCancellingAStreamMidwayLeavesTheRunAndServerHealthy() throws Exception {
        try (TrainerServer s = new TrainerServer(2, dir)) {
            String id = s.create(deepSea(100_000_000L, 9).build()).getRunId();
            for (int attempt = 0; attempt < 5; attempt++) {
                Context.CancellableContext ctx = Context.current().withCancellation();
                List<UpdateMetrics> got = new ArrayList<>();
                ctx.run(() -> {
                    Iterator<StreamMetricsResponse> it = s.stub().streamMetrics(
                            StreamMetricsRequest.newBuilder().setRunId(id).build());
                    for (int i = 0; i < 3; i++) {
                        got.add(it.next().getMetrics());
                    }
                });
                ctx.cancel(null);
                assertEquals(3, got.size());
            }
            MetricsLog log = s.server.runs().get(id).log();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (log.listenerCount() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(0, log.listenerCount(), "cancelled streams detach from the run");
            long before = s.get(id).getProgress().getUpdatesDone();
            s.awaitUpdates(id, before + 20);
            assertEquals(RunState.RUN_STATE_RUNNING, s.get(id).getState(), "the run goes on after its watchers left");
            HealthCheckResponse health = HealthGrpc.newBlockingStub(s.channel)
                    .check(HealthCheckRequest.newBuilder().setService("").build());
            assertEquals(HealthCheckResponse.ServingStatus.SERVING, health.getStatus());
            // A fresh watcher still gets a contiguous history.
            Iterator<StreamMetricsResponse> it = s.stub().streamMetrics(
                    StreamMetricsRequest.newBuilder().setRunId(id).setStartUpdate(7).build());
            for (int i = 0; i < 10; i++) {
                assertEquals(7 + i, it.next().getMetrics().getUpdate());
            }
            s.stub().stopRun(StopRunRequest.newBuilder().setRunId(id).build());
            long last = s.awaitState(id, RunState.RUN_STATE_STOPPED).getProgress().getUpdatesDone();
            long n = 17;
            while (it.hasNext()) {
                assertEquals(n++, it.next().getMetrics().getUpdate());
            }
            assertEquals(last, n, "the follower saw every update up to the stop, then completion");
        }
    }
}
