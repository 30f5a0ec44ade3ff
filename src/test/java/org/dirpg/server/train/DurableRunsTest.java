package org.dirpg.server.train;

import static org.dirpg.server.train.TrainerServer.deepSea;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.dirpg.proto.train.v1.ActRequest;
import org.dirpg.proto.train.v1.CreateRunRequest;
import org.dirpg.proto.train.v1.GetRunRequest;
import org.dirpg.proto.train.v1.ListRunsRequest;
import org.dirpg.proto.train.v1.Observation;
import org.dirpg.proto.train.v1.Run;
import org.dirpg.proto.train.v1.RunState;
import org.dirpg.proto.train.v1.StopRunRequest;
import org.dirpg.proto.train.v1.StreamMetricsRequest;
import org.dirpg.proto.train.v1.StreamMetricsResponse;
import org.dirpg.proto.train.v1.UpdateMetrics;
import org.dirpg.testing.AbandonableStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs outlive the server process: the real server in its own JVM is killed with SIGKILL (or stopped with SIGTERM)
 * mid-run and restarted on the same data directory.
 */
class DurableRunsTest {
    private static final int INTERVAL = 20;

    @TempDir
    Path dir;

    private static Run get(TrainerProcess p, String id) {
        return p.stub().getRun(GetRunRequest.newBuilder().setRunId(id).build()).getRun();
    }

    private static Run awaitState(TrainerProcess p, String id, RunState state) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Run r = get(p, id);
        while (r.getState() != state) {
            assertTrue(System.nanoTime() < deadline, "run " + id + " still " + r.getState() + " " + r.getErrorMessage());
            Thread.sleep(20);
            r = get(p, id);
        }
        return r;
    }

    private static List<UpdateMetrics> streamAll(TrainerProcess p, String id) {
        List<UpdateMetrics> out = new ArrayList<>();
        p.stub().streamMetrics(StreamMetricsRequest.newBuilder().setRunId(id).build())
                .forEachRemaining(r -> out.add(r.getMetrics()));
        return out;
    }

    @Test
    void afterKill9TheRestartedServerListsEveryRunAndResumesTheRunningOneLosingAtMostOneInterval() throws Exception {
        String[] args = {"--data-dir", dir.toString(), "--workers", "2", "--checkpoint-interval", "" + INTERVAL};
        String done;
        String id;
        List<UpdateMetrics> before = new ArrayList<>();
        try (TrainerProcess a = TrainerProcess.start(args)) {
            done = a.stub().createRun(CreateRunRequest.newBuilder().setSpec(deepSea(30, 3)).build()).getRun().getRunId();
            awaitState(a, done, RunState.RUN_STATE_SUCCEEDED);
            id = a.stub().createRun(CreateRunRequest.newBuilder().setSpec(deepSea(4000, 5).setBudget(200)).build())
                    .getRun().getRunId();
            try (AbandonableStream<StreamMetricsResponse> it = new AbandonableStream<>(() -> a.stub().streamMetrics(
                    StreamMetricsRequest.newBuilder().setRunId(id).build()))) {
                while (before.size() < 3 * INTERVAL + 7) {
                    before.add(it.next().getMetrics());
                }
                a.kill9();
            }
        }
        long streamed = before.size();

        try (TrainerProcess b = TrainerProcess.start(args)) {
            List<String> listed = new ArrayList<>();
            b.stub().listRuns(ListRunsRequest.getDefaultInstance()).getRunsList().forEach(r -> listed.add(r.getRunId()));
            assertEquals(List.of(done, id), listed, "every run, in creation order");
            Run resumed = get(b, id);
            assertTrue(resumed.getState() == RunState.RUN_STATE_RESUMED || resumed.getState() == RunState.RUN_STATE_RUNNING
                    || resumed.getState() == RunState.RUN_STATE_SUCCEEDED, resumed.toString());
            assertTrue(resumed.hasRecoveredFromUpdate(), "a continued run says where it continued from");
            long from = resumed.getRecoveredFromUpdate();
            assertTrue(from % INTERVAL == 0 && from > 0, "continued from a periodic checkpoint: " + from);
            assertTrue(streamed - from <= INTERVAL, "lost " + (streamed - from) + " updates, more than one interval");

            // The metrics streamed before the crash are still there, identical, up to the checkpoint.
            List<UpdateMetrics> early = new ArrayList<>();
            int common = (int) Math.min(from, streamed);
            try (AbandonableStream<StreamMetricsResponse> it = new AbandonableStream<>(() -> b.stub().streamMetrics(
                    StreamMetricsRequest.newBuilder().setRunId(id).build()))) {
                while (early.size() < common) {
                    early.add(it.next().getMetrics());
                }
            }
            assertEquals(before.subList(0, common), early);

            Run finished = awaitState(b, id, RunState.RUN_STATE_SUCCEEDED);
            assertEquals(id, finished.getRunId());
            assertEquals(4000, finished.getProgress().getUpdatesDone());
            List<UpdateMetrics> all = streamAll(b, id);
            assertEquals(4000, all.size());
            for (int i = 0; i < all.size(); i++) {
                assertEquals(i, all.get(i).getUpdate(), "a contiguous history");
            }

            // The run that had ended before the crash: listed as it was, metrics and policy still served.
            Run old = get(b, done);
            assertEquals(RunState.RUN_STATE_SUCCEEDED, old.getState());
            assertEquals(30, streamAll(b, done).size());
            assertEquals(30, b.stub().act(ActRequest.newBuilder().setRunId(done).setGreedy(true)
                    .addObservations(Observation.newBuilder().addAllFeatures(java.util.Collections.nCopies(
                            featureCount(b, done), 0.0))).build()).getPolicyUpdates());
        }
    }

    private static int featureCount(TrainerProcess p, String id) {
        StatusRuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
                () -> p.stub().act(ActRequest.newBuilder().setRunId(id).addObservations(Observation.newBuilder()).build()));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("observes (\\d+) features")
                .matcher(e.getStatus().getDescription());
        assertTrue(m.find(), e.getStatus().toString());
        return Integer.parseInt(m.group(1));
    }

    @Test
    void sigtermEndsStreamsUnavailableAndTheNextServerContinuesWithoutLoss() throws Exception {
        String[] args = {"--data-dir", dir.toString(), "--workers", "1"};
        String id;
        long seen = 0;
        StatusRuntimeException ended = null;
        try (TrainerProcess a = TrainerProcess.start(args)) {
            id = a.stub().createRun(CreateRunRequest.newBuilder().setSpec(deepSea(50_000_000L, 7)).build())
                    .getRun().getRunId();
            Iterator<StreamMetricsResponse> it = a.stub().streamMetrics(
                    StreamMetricsRequest.newBuilder().setRunId(id).build());
            while (seen < 50) {
                it.next();
                seen++;
            }
            new Thread(() -> {
                try {
                    a.terminate();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }).start();
            try {
                while (it.hasNext()) {
                    it.next();
                    seen++;
                }
            } catch (StatusRuntimeException e) {
                ended = e;
            }
            a.process.waitFor(60, TimeUnit.SECONDS);
        }
        assertTrue(ended != null, "the stream must not end OK while the run is unfinished");
        assertEquals(Status.Code.UNAVAILABLE, ended.getStatus().getCode());
        assertEquals("server shutting down; run will resume", ended.getStatus().getDescription());

        try (TrainerProcess b = TrainerProcess.start(args)) {
            Run r = get(b, id);
            assertTrue(r.getRecoveredFromUpdate() >= seen, "SIGTERM checkpoints: nothing streamed is lost ("
                    + r.getRecoveredFromUpdate() + " < " + seen + ")");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (get(b, id).getProgress().getUpdatesDone() <= r.getRecoveredFromUpdate() + 5) {
                assertTrue(System.nanoTime() < deadline, "the continued run makes progress");
                Thread.sleep(20);
            }
            assertEquals(RunState.RUN_STATE_RUNNING, get(b, id).getState());
            b.stub().stopRun(StopRunRequest.newBuilder().setRunId(id).build());
            Run stopped = awaitState(b, id, RunState.RUN_STATE_STOPPED);
            assertFalse(stopped.getLatestCheckpoint().isEmpty());
            assertFalse(stopped.getLatestCheckpoint().startsWith("/"), "paths are relative to the checkpoint directory");
        }
    }
}
