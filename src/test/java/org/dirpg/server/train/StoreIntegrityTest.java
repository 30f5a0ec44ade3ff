package org.dirpg.server.train;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.dirpg.proto.train.v1.GetRunRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run store never lies at start: a runs.db emptied beside existing checkpoints, or one whose pages were
 * overwritten, stops the server with one line saying what is wrong and how to recover, instead of starting with no
 * runs, or listing runs from a malformed file.
 */
class StoreIntegrityTest {
    @TempDir
    Path dir;

    private void storeWithACheckpointedRun() throws Exception {
        try (TrainerServer s = new TrainerServer(1, dir)) {
            for (int i = 0; i < 20; i++) {
                s.create(TrainerServer.deepSea(30, i).setCheckpointInterval(10).build());
            }
            String id = s.create(TrainerServer.deepSea(30, 99).setCheckpointInterval(10).build()).getRunId();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (s.stub().getRun(GetRunRequest.newBuilder().setRunId(id).build()).getRun().getProgress()
                    .getUpdatesDone() < 30 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        }
        Files.deleteIfExists(dir.resolve(RunStore.FILE + "-wal"));
        Files.deleteIfExists(dir.resolve(RunStore.FILE + "-shm"));
    }

    @Test
    void anEmptiedStoreBesideCheckpointsRefusesToStart() throws Exception {
        storeWithACheckpointedRun();
        Files.write(dir.resolve(RunStore.FILE), new byte[0]);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new TrainerServer(1, dir).close());
        assertTrue(e.getMessage().contains("holds no runs, but 21 run directories with checkpoints are in")
                && e.getMessage().contains("restore it from a backup"), e.getMessage());
        assertTrue(e.getMessage().lines().count() == 1, "one line");
    }

    @Test
    void overwrittenPagesAreFoundAtStart() throws Exception {
        storeWithACheckpointedRun();
        Path db = dir.resolve(RunStore.FILE);
        long size = Files.size(db);
        assertTrue(size > 3 * 4096, "the store spans several pages: " + size);
        byte[] garbage = new byte[(int) (size - 4096)];
        new SplittableRandom(1).nextBytes(garbage);
        try (RandomAccessFile f = new RandomAccessFile(db.toFile(), "rw")) {
            f.seek(4096); // keep page 1 (the header and schema), overwrite the rest
            f.write(garbage);
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new TrainerServer(1, dir).close());
        assertTrue(e.getMessage().contains("is damaged (SQLite quick_check:"), e.getMessage());
    }
}
