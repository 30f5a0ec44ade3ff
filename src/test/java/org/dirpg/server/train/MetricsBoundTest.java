package org.dirpg.server.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.dirpg.env.classic.SpanningTreeBandit;
import org.dirpg.proto.train.v1.Algorithm;
import org.dirpg.proto.train.v1.NativeEnvironment;
import org.dirpg.proto.train.v1.Run;
import org.dirpg.proto.train.v1.RunSpec;
import org.dirpg.proto.train.v1.RunState;
import org.dirpg.proto.train.v1.Storage;
import org.dirpg.proto.train.v1.UpdateMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Red-team row 5: one run's metrics in the run store are bounded ({@code --metrics-stored-per-run}) however many
 * updates it does, thinned by {@link MetricsThinning}'s documented policy, and GetRun reports the run's disk use.
 */
class MetricsBoundTest {
    private static final int STORED = 100;
    private static final int IN_MEMORY = 10;
    private static final long UPDATES = 5000;

    @TempDir
    Path dir;

    private static ServerLimits limits() {
        ServerLimits d = ServerLimits.defaults();
        return new ServerLimits(d.maxUpdates(), d.maxBudget(), d.maxRollouts(), d.maxSteps(), d.maxSearchesInFlight(),
                d.maxExpansionsPerRound(), 1000, 10, 2, IN_MEMORY, d.maxQueuedRuns(), d.finishedRunsKept(),
                Duration.ofDays(1), d.maxPageSize(), d.maxActObservations(), d.maxQueuedRunsPerOwner(), STORED);
    }

    private static List<Long> updates(List<UpdateMetrics> ms) {
        List<Long> out = new ArrayList<>();
        ms.forEach(m -> out.add(m.getUpdate()));
        return out;
    }

    /** Every stride-th update from 0 below {@code below}, then {@code tail}. */
    private static List<Long> thinned(long stride, long below, List<Long> tail) {
        List<Long> out = new ArrayList<>();
        for (long u = 0; u < below; u += stride) {
            out.add(u);
        }
        out.addAll(tail);
        return out;
    }

    @Test
    void aLongRunKeepsABoundedEvenlyThinnedHistoryAndReportsItsDiskUse() throws Exception {
        RunSpec spec = RunSpec.newBuilder().setNativeEnvironment(NativeEnvironment.newBuilder()
                .setEnvId(SpanningTreeBandit.ID)).setAlgorithm(Algorithm.ALGORITHM_UCB_SEMI).setUpdates(UPDATES).build();
        long stride = MetricsThinning.stride(UPDATES, STORED);
        assertEquals(64, stride, "5000 updates over 100 rows: the smallest power of two s with 5000 <= 100 s");
        String id;
        try (TrainerServer s = new TrainerServer(1, dir, limits())) {
            id = s.create(spec).getRunId();
            Run done = s.awaitState(id, RunState.RUN_STATE_SUCCEEDED);
            assertEquals(UPDATES, done.getProgress().getUpdatesDone());

            s.stream(id, UPDATES - 1); // completes once every metric is committed
            Storage use = s.get(id).getStorage();
            // stride-th updates 0, 64, ..., 4928 (78 rows) and the newest, 4999
            assertEquals(thinned(stride, UPDATES, List.of(UPDATES - 1)).size(), use.getMetricsRows());
            assertTrue(use.getMetricsRows() <= STORED + 1, use.toString());
            assertEquals(stride, use.getMetricsStride());
            assertTrue(use.getMetricsBytes() > 10 * use.getMetricsRows(), use.toString());
            long[] onDisk = checkpointFiles(dir.resolve(id));
            assertEquals(onDisk[0], use.getCheckpointFiles());
            assertEquals(onDisk[1], use.getCheckpointBytes());
            assertTrue(use.getCheckpointFiles() <= 2, "--checkpoints-kept 2: " + use);

            // Replay: the store's thinned rows below the newest IN_MEMORY updates, then those one by one.
            long oldestInMemory = UPDATES - IN_MEMORY;
            List<Long> tail = new ArrayList<>();
            for (long u = oldestInMemory; u < UPDATES; u++) {
                tail.add(u);
            }
            assertEquals(thinned(stride, oldestInMemory, tail), updates(s.stream(id, 0)));
            // A client resuming inside a gap gets the next stored row.
            assertEquals(2 * stride, s.stream(id, stride + 1).get(0).getUpdate());
        }
        try (TrainerServer s = new TrainerServer(1, dir, limits())) {
            // A restarted server reads the same rows back: the thinned history and the newest update.
            assertEquals(thinned(stride, UPDATES, List.of(UPDATES - 1)), updates(s.stream(id, 0)));
            assertEquals(UPDATES - 1, s.get(id).getLatestMetrics().getUpdate());
        }
    }

    @Test
    void aRunWithinTheBoundKeepsEveryUpdate() {
        assertEquals(1, MetricsThinning.stride(STORED, STORED));
        assertEquals(2, MetricsThinning.stride(STORED + 1, STORED));
        assertEquals(1L << 20, MetricsThinning.stride(100_000_000L, STORED),
                "the server's update cap, 1e8, over 100 rows: 2^20 (95 rows)");
    }

    private static long[] checkpointFiles(Path runDir) throws Exception {
        if (!Files.isDirectory(runDir)) {
            return new long[] {0, 0};
        }
        long n = 0;
        long bytes = 0;
        try (Stream<Path> files = Files.list(runDir)) {
            for (Path p : files.filter(p -> p.getFileName().toString().endsWith(".json")).toList()) {
                n++;
                bytes += Files.size(p);
            }
        }
        return new long[] {n, bytes};
    }
}
