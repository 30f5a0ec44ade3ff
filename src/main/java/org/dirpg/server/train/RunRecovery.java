package org.dirpg.server.train;

import java.nio.file.Path;
import java.util.List;
import java.util.function.BiFunction;
import org.dirpg.proto.train.v1.RunState;
import org.dirpg.train.Checkpoint;
import org.dirpg.train.TrainSettings;

/**
 * How a restarted server turns a stored run back into a hosted one. A final run comes back dormant. An unfinished run
 * (PENDING, RUNNING or RESUMED when the old server died) continues from its newest checkpoint that the stored metrics
 * reach, so its metric history stays contiguous: metrics recorded after that checkpoint are discarded and recomputed.
 * A run that never checkpointed starts over. At most one checkpoint interval of updates is lost. Unreadable
 * checkpoints are skipped and named in the log; a run whose every checkpoint is unreadable comes back FAILED, saying
 * so, never RUNNING from update 0.
 */
final class RunRecovery {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RunRecovery.class);

    private RunRecovery() {
    }

    static HostedRun restore(RunRecord r, BiFunction<TrainSettings, Checkpoint, HostedRun.Live> build, StoreWriter writer,
                             CheckpointStore checkpoints, int metricsInMemory) {
        TrainSettings settings = RunSpecs.toSettings(r.spec());
        if (r.ended()) {
            return new HostedRun(r, settings, writer, checkpoints);
        }
        List<Path> files = checkpoints.list(r.id());
        List<String> unreadable = new java.util.ArrayList<>();
        Checkpoint c = newest(checkpoints, r, files, unreadable);
        if (c == null && !unreadable.isEmpty()) {
            // never silently start over from update 0 when the run has checkpoints: they are all damaged
            throw new IllegalStateException("every checkpoint of the run is unreadable (" + String.join("; ", unreadable)
                    + "); restore a good copy into its directory and resume it with CreateRun(checkpoint_path)");
        }
        if (c != null && !unreadable.isEmpty()) {
            LOG.warn("run {}: skipped unreadable checkpoints ({}); continuing from update {}", r.id(),
                    String.join("; ", unreadable), c.updatesDone());
        }
        if (c == null && r.firstUpdate() > 0) {
            throw new IllegalStateException("the checkpoint it was created from is missing");
        }
        if (c != null && c.updatesDone() >= settings.updates()) {
            RunRecord done = new RunRecord(r.id(), r.owner(), r.spec(), RunState.RUN_STATE_SUCCEEDED, r.firstUpdate(),
                    c.updatesDone(), c.interactions(), r.recoveredFrom(), r.latestCheckpoint(), "", r.createdMillis(),
                    System.currentTimeMillis());
            writer.put(done);
            return new HostedRun(done, settings, writer, checkpoints);
        }
        boolean started = r.state() != RunState.RUN_STATE_PENDING || (c != null && c.updatesDone() > r.firstUpdate());
        long recoveredFrom = !started ? -1 : c == null ? r.firstUpdate() : c.updatesDone();
        HostedRun.Live live = build.apply(settings, c);
        try {
            return new HostedRun(r.id(), r.owner(), settings, r.spec().getCheckpointInterval(), r.firstUpdate(),
                    r.createdMillis(), recoveredFrom, live, writer, checkpoints, metricsInMemory);
        } catch (RuntimeException e) {
            live.env().close();
            throw e;
        }
    }

    /** A stored run this server cannot continue: FAILED, saying why, its checkpoints kept for a manual resume. */
    static HostedRun failed(RunRecord r, RuntimeException why, StoreWriter writer, CheckpointStore checkpoints) {
        RunRecord f = new RunRecord(r.id(), r.owner(), r.spec(), RunState.RUN_STATE_FAILED, r.firstUpdate(), r.updatesDone(),
                r.interactions(), r.recoveredFrom(), r.latestCheckpoint(),
                "could not be continued after a server restart: " + Messages.cut(String.valueOf(why.getMessage()), 300),
                r.createdMillis(), System.currentTimeMillis());
        writer.put(f);
        TrainSettings settings;
        try {
            settings = RunSpecs.toSettings(r.spec());
        } catch (RuntimeException e) {
            settings = null;
        }
        return new HostedRun(f, settings, writer, checkpoints);
    }

    /** The newest readable checkpoint of the run within [first update, end of its stored metrics]; null if none. */
    private static Checkpoint newest(CheckpointStore checkpoints, RunRecord r, List<Path> files, List<String> unreadable) {
        for (int i = files.size() - 1; i >= 0; i--) {
            Checkpoint c;
            try {
                c = checkpoints.read(checkpoints.relative(files.get(i)));
            } catch (RuntimeException e) {
                unreadable.add(checkpoints.relative(files.get(i)) + ": " + Messages.cut(String.valueOf(e.getMessage()), 120));
                continue;
            }
            if (c.updatesDone() >= r.firstUpdate() && c.updatesDone() <= r.updatesDone()) {
                return c;
            }
        }
        return null;
    }
}
