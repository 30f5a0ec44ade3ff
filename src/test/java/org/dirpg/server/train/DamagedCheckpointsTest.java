package org.dirpg.server.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.dirpg.proto.train.v1.GetRunRequest;
import org.dirpg.proto.train.v1.Run;
import org.dirpg.proto.train.v1.RunState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run whose checkpoints are damaged on disk while the server is down: when every one is unreadable the restarted
 * server reports it FAILED, saying so (never RUNNING from update 0); when only the newest is, it continues from an older
 * one.
 */
class DamagedCheckpointsTest {
    @TempDir
    Path dir;

    private static String runningWithCheckpoints(TrainerServer s) throws Exception {
        String id = s.create(TrainerServer.deepSea(100_000_000L, 3).setCheckpointInterval(10).build()).getRunId();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            Run r = s.stub().getRun(GetRunRequest.newBuilder().setRunId(id).build()).getRun();
            if (r.getProgress().getUpdatesDone() >= 35) {
                return id;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("the run did not reach 35 updates");
    }

    private List<Path> checkpointFiles(String id) throws Exception {
        try (Stream<Path> files = Files.list(dir.resolve(id))) {
            return files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
        }
    }

    @Test
    void everyCheckpointUnreadableFailsTheRunSayingWhy() throws Exception {
        String id;
        try (TrainerServer s = new TrainerServer(1, dir)) {
            id = runningWithCheckpoints(s);
        } // a graceful stop: the run stays RUNNING in the store, to be continued
        List<Path> files = checkpointFiles(id);
        assertTrue(files.size() >= 2, files.toString());
        for (Path f : files) {
            Files.writeString(f, "{ torn");
        }
        try (TrainerServer s = new TrainerServer(1, dir)) {
            Run r = s.stub().getRun(GetRunRequest.newBuilder().setRunId(id).build()).getRun();
            assertEquals(RunState.RUN_STATE_FAILED, r.getState());
            assertTrue(r.getErrorMessage().contains("every checkpoint of the run is unreadable"), r.getErrorMessage());
        }
    }

    @Test
    void aDamagedNewestCheckpointIsSkippedForAnOlderOne() throws Exception {
        String id;
        try (TrainerServer s = new TrainerServer(1, dir)) {
            id = runningWithCheckpoints(s);
        }
        List<Path> files = checkpointFiles(id);
        Files.writeString(files.get(files.size() - 1), "{ torn");
        try (TrainerServer s = new TrainerServer(1, dir)) {
            Run r = s.stub().getRun(GetRunRequest.newBuilder().setRunId(id).build()).getRun();
            assertTrue(r.getState() == RunState.RUN_STATE_RUNNING || r.getState() == RunState.RUN_STATE_RESUMED,
                    r.getState() + " " + r.getErrorMessage());
            assertTrue(r.getRecoveredFromUpdate() > 0, "continued from an older checkpoint, not from 0: " + r);
        }
    }
}
