package org.dirpg.server.train;

import io.grpc.Status;
import java.nio.file.Path;
import org.dirpg.tensorboard.MetricsBoard;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.dirpg.env.Environment;
import org.dirpg.policy.Adam;
import org.dirpg.policy.Policy;
import org.dirpg.proto.train.v1.ActResponse;
import org.dirpg.proto.train.v1.Observation;
import org.dirpg.proto.train.v1.Run;
import org.dirpg.proto.train.v1.RunState;
import org.dirpg.proto.train.v1.UpdateMetrics;
import org.dirpg.train.Checkpoint;
import org.dirpg.train.TrainSettings;
import org.dirpg.train.Trainer;

/**
 * One run hosted by the server: a trainer driven update by update on a worker thread, its metrics log, the parameter
 * snapshot that Act reads, checkpoints, and its row in the {@link RunStore}.
 *
 * <p>Life cycle: built PENDING (or RESUMED when a restarted server continues it from a checkpoint); {@link #run()} on a
 * worker moves it to RUNNING and performs updates until the total is reached (SUCCEEDED), a stop was requested
 * (STOPPED; the update in progress is abandoned, see {@link CancellableEnvironment}) or an update threw or produced a
 * non-finite number (FAILED). When the server shuts down, a running run writes a checkpoint and stays RUNNING in the
 * store, so the next server continues it. Every ending writes a checkpoint if the parameters are finite, so a FAILED
 * run keeps its last good state. Checkpoints are taken under the same lock as an update, so one always sees the
 * policy, the Adam state and the update count of the same moment, and only after the metrics up to that moment are
 * committed, so a restart never finds a checkpoint ahead of the stored metrics.
 *
 * <p>A run restored in a final state is dormant: it has no trainer; Act and SaveCheckpoint use its newest checkpoint.
 */
final class HostedRun implements Runnable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HostedRun.class);
    static final Status SHUTTING_DOWN = Status.UNAVAILABLE.withDescription("server shutting down; run will resume");

    /** What a saved checkpoint is and where it went. */
    record Saved(Path path, Checkpoint checkpoint) {
    }

    /**
     * The parts of a run that trains: its environment, its trainer (stepping a {@link CancellableEnvironment} that
     * watches {@code cancel}) and the checkpoint it starts from (or null).
     */
    record Live(Environment env, Trainer trainer, Checkpoint from, AtomicBoolean cancel) {
    }

    private final String id;
    private final String owner;
    private final TrainSettings settings;
    /** The settings as the protocol shows them (a dormant run may hold a spec this server can no longer build). */
    private final org.dirpg.proto.train.v1.RunSpec spec;
    private final long checkpointInterval;
    private final long firstUpdate;
    private final long createdMillis;
    private final StoreWriter writer;
    private final CheckpointStore checkpoints;
    private final MetricsLog log;
    /** The run's TensorBoard events, open while it trains (from {@link #run()} to {@link #release()}). */
    private volatile MetricsBoard board;
    private final Live live;
    /** Run.environment: what a client needs to call Act (issue #10); null for a run restored in a final state. */
    private final org.dirpg.proto.env.v1.EnvironmentDescription environment;
    private final Policy policy;
    private final Adam adam;
    private final long startInteractions;
    private final Object updateLock = new Object();
    private final RunActing acting;

    private volatile long updatesDone;
    private volatile long interactions;
    private RunState state;
    private volatile long recoveredFrom;
    private volatile boolean stopRequested;
    private volatile boolean shuttingDown;
    private volatile String error;
    private volatile String latestCheckpoint;
    private volatile long endedMillis = -1;

    /**
     * A run that trains: new (state PENDING) or continued by a restarted server (RESUMED).
     *
     * @param live       its environment and trainer; {@code live.from()}'s parameters and Adam state are restored into
     *                   the trainer, which must have been built for that checkpoint's resume seed
     * @param firstUpdate the index of the run's first update
     * @param recoveredFrom the update a restarted server continues from, or -1 for a new run
     */
    HostedRun(String id, String owner, TrainSettings settings, long checkpointInterval, long firstUpdate,
              long createdMillis, long recoveredFrom, Live live, StoreWriter writer, CheckpointStore checkpoints,
              int metricsInMemory) {
        this.id = id;
        this.owner = owner;
        this.settings = settings;
        this.spec = RunSpecs.toSpec(settings, checkpointInterval);
        this.checkpointInterval = checkpointInterval;
        this.firstUpdate = firstUpdate;
        this.createdMillis = createdMillis;
        this.writer = writer;
        this.checkpoints = checkpoints;
        this.live = live;
        this.environment = org.dirpg.env.remote.ProtoSpecs.toProto(live.env().spec(), "the environment of run " + id
                + ": " + live.env().spec());
        this.policy = live.trainer().policy();
        this.adam = live.trainer().adam();
        Checkpoint from = live.from();
        long start = from == null ? firstUpdate : from.updatesDone();
        this.startInteractions = from == null ? 0 : from.interactions();
        if (from != null) {
            RunProtos.restore(from, policy, adam, settings, live.trainer().name());
        }
        if (settings.updates() <= start) {
            throw new IllegalArgumentException("updates: the checkpoint already holds " + start
                    + " updates; ask for more than that in total, got " + settings.updates());
        }
        this.updatesDone = start;
        this.interactions = startInteractions;
        this.recoveredFrom = recoveredFrom;
        this.state = recoveredFrom >= 0 ? RunState.RUN_STATE_RESUMED : RunState.RUN_STATE_PENDING;
        this.error = "";
        this.latestCheckpoint = "";
        this.log = new MetricsLog(id, writer, metricsInMemory, firstUpdate, start);
        this.acting = new RunActing(id, settings, live.env(), policy == null ? live.trainer().name() : null,
                policy == null ? null : new PolicyActor.Snapshot(policy.parameters(), start));
        if (recoveredFrom >= 0) {
            writer.truncate(id, start);
        }
        if (from != null && policy != null) {
            latestCheckpoint = checkpoints.relative(checkpoints.write(id, from));
        }
        persist();
    }

    /**
     * A run restored in a final state: its record only.
     *
     * @param settings its settings, or null if this server cannot build them (it can then only be listed)
     */
    HostedRun(RunRecord r, TrainSettings settings, StoreWriter writer, CheckpointStore checkpoints) {
        this.id = r.id();
        this.owner = r.owner();
        this.settings = settings;
        this.spec = r.spec();
        this.checkpointInterval = r.spec().getCheckpointInterval();
        this.firstUpdate = r.firstUpdate();
        this.createdMillis = r.createdMillis();
        this.writer = writer;
        this.checkpoints = checkpoints;
        this.live = null;
        this.environment = null;
        this.policy = null;
        this.adam = null;
        this.startInteractions = r.interactions();
        this.updatesDone = r.updatesDone();
        this.interactions = r.interactions();
        this.recoveredFrom = r.recoveredFrom();
        this.state = r.state();
        this.error = r.error();
        this.latestCheckpoint = r.latestCheckpoint();
        this.endedMillis = r.endedMillis();
        this.log = new MetricsLog(id, writer, 1, r.firstUpdate(), r.updatesDone());
        this.acting = new RunActing(id, settings, null, null, null);
        log.end();
    }

    String id() {
        return id;
    }

    String owner() {
        return owner;
    }

    MetricsLog log() {
        return log;
    }

    long createdMillis() {
        return createdMillis;
    }

    long endedMillis() {
        return endedMillis;
    }

    @Override
    public void run() {
        synchronized (this) {
            if (state != RunState.RUN_STATE_PENDING && state != RunState.RUN_STATE_RESUMED) {
                return;
            }
            state = RunState.RUN_STATE_RUNNING;
        }
        persist();
        LOG.info("run {} started: {} on {}, updates {} to {}", id, settings.algorithm().cliName(), settings.envId(),
                updatesDone, settings.updates());
        RunState end;
        try {
            board = MetricsBoard.in(boardDirectory(writer, id), "train");
            while (!stopRequested && updatesDone < settings.updates()) {
                long done = updateOnce();
                if (done % checkpointInterval == 0 && policy != null) {
                    saveCheckpoint();
                }
            }
            end = updatesDone >= settings.updates() ? RunState.RUN_STATE_SUCCEEDED : RunState.RUN_STATE_STOPPED;
        } catch (RuntimeException | Error e) {
            if ((stopRequested && causedByCancel(e)) || shuttingDown) {
                // on shutdown any abandoned update (cancelled, or interrupted while the fleet is down) pauses the run;
                // the interrupt is cleared so that the checkpoint of the last completed update can still be written
                Thread.interrupted();
                end = RunState.RUN_STATE_STOPPED;
            } else {
                error = e instanceof NonFinite.Exception ? e.getMessage()
                        : e.getClass().getSimpleName() + ": " + e.getMessage();
                end = RunState.RUN_STATE_FAILED;
                LOG.warn("run {} failed after {} updates: {}", id, updatesDone, error);
            }
        }
        finish(end);
    }

    /** One update under the lock; returns the updates done after it. */
    private long updateOnce() {
        UpdateMetrics m;
        org.dirpg.train.UpdateMetrics raw;
        long done;
        synchronized (updateLock) {
            raw = live.trainer().update();
            done = updatesDone + 1;
            long inter = startInteractions + raw.interactions();
            m = RunProtos.metrics(raw, done - 1, inter);
            double[] theta = policy == null ? null : policy.parameters();
            NonFinite.checkUpdate(done - 1, raw, theta);
            updatesDone = done;
            interactions = inter;
            if (theta != null) {
                acting.publish(theta, done);
            }
        }
        log.append(m);
        board.accept(new org.dirpg.train.UpdateMetrics(done - 1, m.getInteractions(), raw.updateReturn(), raw.dirReturn(),
                raw.dOpt(), raw.dDir(), raw.candidates(), raw.searchInteractions(), raw.firstImprovement(),
                raw.gradientNorm()));
        return done;
    }

    private static boolean causedByCancel(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RunCancelledException) {
                return true;
            }
        }
        return false;
    }

    /**
     * Ends the run: a checkpoint of its last good state, then its record, then the end of its metrics. On shutdown the
     * record stays RUNNING so that the next server continues the run.
     */
    private void finish(RunState end) {
        if (policy != null && NonFinite.allFinite(policy.parameters())) {
            try {
                saveCheckpoint();
            } catch (RuntimeException e) {
                LOG.warn("run {}: final checkpoint failed: {}", id, e.getMessage());
            }
        }
        release();
        if (shuttingDown && end != RunState.RUN_STATE_SUCCEEDED && end != RunState.RUN_STATE_FAILED) {
            LOG.info("run {} paused for shutdown after {} updates", id, updatesDone);
            persist();
            log.abort(SHUTTING_DOWN);
            return;
        }
        LOG.info("run {} {} after {} updates, {} interactions", id, end.name().substring("RUN_STATE_".length()),
                updatesDone, interactions);
        synchronized (this) {
            state = end;
        }
        endedMillis = System.currentTimeMillis();
        persist();
        log.end();
    }

    /**
     * Asks the run to stop: a PENDING or RESUMED run ends STOPPED at once; a RUNNING one abandons its update in
     * progress and ends STOPPED (with a checkpoint).
     */
    void requestStop() {
        boolean endNow;
        synchronized (this) {
            stopRequested = true;
            cancelLive();
            endNow = state == RunState.RUN_STATE_PENDING || state == RunState.RUN_STATE_RESUMED;
            if (endNow) {
                state = RunState.RUN_STATE_STOPPED;
            }
        }
        if (endNow) {
            release();
            endedMillis = System.currentTimeMillis();
            persist();
            log.end();
        }
    }

    /**
     * The server is stopping: a RUNNING run abandons its update, checkpoints and stays RUNNING in the store; a run
     * that has not started stays as it is in the store. Either way its streams end UNAVAILABLE.
     */
    void shutdown() {
        boolean waiting;
        synchronized (this) {
            shuttingDown = true;
            stopRequested = true;
            cancelLive();
            waiting = state == RunState.RUN_STATE_PENDING || state == RunState.RUN_STATE_RESUMED;
        }
        if (waiting) {
            release();
            log.abort(SHUTTING_DOWN);
        }
    }


    private void cancelLive() {
        if (live != null) {
            live.cancel().set(true);
        }
    }

    /** Frees the trainer's threads (DirPG with several searches in flight) and the environment. */
    /**
     * Where a run's TensorBoard events go: {@code <data-dir>/tensorboard/<run id>/} (tags train/*, step = the update
     * index), so {@code tensorboard --logdir <data-dir>/tensorboard} shows every run; a resumed run adds a file.
     */
    static Path boardDirectory(StoreWriter writer, String id) {
        return writer.store().directory().resolve("tensorboard").resolve(id);
    }

    private void release() {
        if (board != null) {
            board.close();
        }
        if (live == null) {
            return;
        }
        if (live.trainer() instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                // Closing only frees resources; the run's outcome stands.
            }
        }
        live.env().close();
    }

    synchronized RunState state() {
        return state;
    }

    /** Writes a checkpoint of the run as it is between two updates (a dormant run returns its newest one). */
    Saved saveCheckpoint() {
        if (live == null) {
            return newestCheckpoint();
        }
        if (policy == null) {
            throw new IllegalStateException("run " + id + " uses " + live.trainer().name()
                    + ", which has no policy to checkpoint");
        }
        Checkpoint c;
        synchronized (updateLock) {
            writer.flush();
            c = Checkpoint.of(settings, updatesDone, interactions, policy, adam == null ? null : adam.state());
        }
        if (!NonFinite.allFinite(c.parameters())) {
            throw new IllegalStateException("run " + id + ": its parameters are not finite; its newest checkpoint is "
                    + latestCheckpoint);
        }
        Path path = checkpoints.write(id, c);
        latestCheckpoint = checkpoints.relative(path);
        persist();
        return new Saved(path, c);
    }

    private Saved newestCheckpoint() {
        if (latestCheckpoint.isEmpty()) {
            throw new IllegalStateException("run " + id + " ended before this server started and left no checkpoint");
        }
        return new Saved(checkpoints.directory().resolve(latestCheckpoint), checkpoints.read(latestCheckpoint));
    }

    /** Act with the newest parameter snapshot on a private copy of the policy (see {@link RunActing}). */
    ActResponse act(List<Observation> observations, boolean greedy, long seed,
                    org.dirpg.env.remote.RemoteOptions remote) {
        return acting.act(observations, greedy, seed, remote, () -> newestCheckpoint().checkpoint());
    }

    /** What the store keeps of this run now. */
    RunRecord record() {
        RunState st;
        synchronized (this) {
            st = state;
        }
        return new RunRecord(id, owner, spec, st, firstUpdate, updatesDone,
                interactions, recoveredFrom, latestCheckpoint, error, createdMillis, endedMillis);
    }

    private void persist() {
        writer.put(record());
    }

    /** The run as the protocol shows it. */
    Run toProto() {
        return RunProtos.run(record(), environment, log.latest());
    }

    /** As {@link #toProto()}, with the run's disk use (GetRun): its stored metrics rows and checkpoint files. */
    Run toProtoWithStorage() {
        long[] metrics = writer.store().metricsUse(id);
        long checkpointBytes = 0;
        List<Path> files = checkpoints.list(id);
        for (Path p : files) {
            try {
                checkpointBytes += java.nio.file.Files.size(p);
            } catch (java.io.IOException e) {
                // Deleted by retention between listing and sizing: it holds no disk any more.
            }
        }
        long stride = MetricsThinning.stride(Math.max(0, log.endIndex() - log.first()), writer.metricsStoredPerRun());
        return toProto().toBuilder().setStorage(org.dirpg.proto.train.v1.Storage.newBuilder()
                .setMetricsRows(metrics[0]).setMetricsBytes(metrics[1]).setMetricsStride(stride)
                .setCheckpointFiles(files.size()).setCheckpointBytes(checkpointBytes)).build();
    }
}
