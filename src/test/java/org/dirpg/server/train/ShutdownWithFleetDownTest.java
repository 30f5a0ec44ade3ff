package org.dirpg.server.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.dirpg.env.classic.DeepSea;
import org.dirpg.proto.train.v1.GetRunRequest;
import org.dirpg.proto.train.v1.RemoteEnvironment;
import org.dirpg.server.env.EnvironmentServer;
import org.dirpg.server.env.EnvironmentServiceImpl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server stopping while its run's env fleet is down stops within seconds (not the fleet retry budget) and writes a
 * checkpoint of the last completed update, so the next server continues the run from it.
 */
class ShutdownWithFleetDownTest {
    @TempDir
    Path dir;

    @Test
    void stopsQuicklyAndCheckpointsTheLastCompletedUpdate() throws Exception {
        EnvironmentServer fleet = EnvironmentServer.start(new EnvironmentServiceImpl(List.of(new DeepSea()), 1), 0,
                1 << 20);
        String id;
        long doneAtStop;
        long stopMillis;
        TrainerServer s = new TrainerServer(1, dir);
        try {
            id = s.create(TrainerServer.deepSea(100_000_000L, 4).setCheckpointInterval(1000).setRemoteEnvironment(
                    RemoteEnvironment.newBuilder().setEnvId(DeepSea.ID).addEndpoints("127.0.0.1:" + fleet.port()))
                    .build()).getRunId();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (s.stub().getRun(GetRunRequest.newBuilder().setRunId(id).build()).getRun().getProgress()
                    .getUpdatesDone() < 5 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        } finally {
            fleet.stop(); // the whole fleet is down; the run's next call retries for its 60 s budget
        }
        Thread.sleep(300);
        doneAtStop = s.stub().getRun(GetRunRequest.newBuilder().setRunId(id).build()).getRun().getProgress()
                .getUpdatesDone();
        long t0 = System.nanoTime();
        s.close();
        stopMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(stopMillis < 10_000, "stopped in " + stopMillis + " ms");
        // the newest checkpoint is of the last completed update (the next server resumes from it once the fleet is up)
        List<Path> files;
        try (var list = java.nio.file.Files.list(dir.resolve(id))) {
            files = list.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
        }
        assertEquals(String.format("update-%09d.json", doneAtStop), files.get(files.size() - 1).getFileName().toString());
        assertEquals(doneAtStop, org.dirpg.train.Checkpoint.read(files.get(files.size() - 1)).updatesDone());
    }
}
