package org.dirpg.server.train;

import java.nio.file.Path;
import java.util.List;
import org.dirpg.env.Environment;
import org.dirpg.policy.Adam;
import org.dirpg.policy.Policy;
import org.dirpg.proto.train.v1.ActResponse;
import org.dirpg.proto.train.v1.Observation;
import org.dirpg.proto.train.v1.Progress;
import org.dirpg.proto.train.v1.Run;
import org.dirpg.proto.train.v1.RunState;
import org.dirpg.proto.train.v1.UpdateMetrics;
import org.dirpg.train.Checkpoint;
import org.dirpg.train.TrainSettings;
import org.dirpg.train.Trainer;
import org.dirpg.train.TrainerFactory;

/**
 * One run hosted by the server: a trainer driven update by update on a worker thread, its metrics log, the parameter
 * snapshot that Act reads, and checkpoints.
 *
 * <p>Life cycle: built PENDING; {@link #run()} on a worker moves it to RUNNING and performs updates until the total is
 * reached (SUCCEEDED), a stop was requested (STOPPED, checked between updates) or an update threw (FAILED). A PENDING
 * run that is stopped ends at once. Checkpoints are taken under the same lock as an update, so one always sees the
 * policy, the Adam state and the update count of the same moment.
 */
final class HostedRun implements Runnable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HostedRun.class);

    /** What a saved checkpoint is and where it went. */
    record Saved(Path path, Checkpoint checkpoint) {
    }

    private final String id;
    private final TrainSettings settings;
    private final long checkpointInterval;
    private final long resumedFrom;
    private final long resumedInteractions;
    private final Environment env;
    private final org.dirpg.proto.env.v1.EnvironmentDescription environment;
    private final Trainer trainer;
    private final Policy policy;
    private final Adam adam;
    private final CheckpointStore store;
    private final MetricsLog log;
    private final Object updateLock = new Object();
    private PolicyActor actor;

    /** Written by the worker under updateLock; read anywhere. */
    private volatile long updatesDone;
    private volatile long interactions;
    private RunState state = RunState.PENDING;
    private volatile boolean stopRequested;
    private volatile boolean checkpointOnStop;
    private volatile String error = "";
    private volatile String latestCheckpoint = "";
    private volatile PolicyActor.Snapshot snapshot;

    /**
     * @param resume the checkpoint to continue from, or null for a fresh run; its parameters and Adam state are
     *               restored into {@code trainer}, which must have been built for the resumed seed
     */
    HostedRun(String id, TrainSettings settings, long checkpointInterval, Environment env, Trainer trainer,
              Checkpoint resume, CheckpointStore store) {
        this.id = id;
        this.settings = settings;
        this.checkpointInterval = checkpointInterval;
        this.env = env;
        // Described once: a client that calls Act needs the feature layout and the action count (issue #10).
        this.environment = org.dirpg.env.remote.ProtoSpecs.toProto(env.spec(), "the environment of run " + id + ": "
                + env.spec());
        this.trainer = trainer;
        this.policy = trainer.policy();
        this.adam = trainer.adam();
        this.store = store;
        this.resumedFrom = resume == null ? 0 : resume.updatesDone();
        this.resumedInteractions = resume == null ? 0 : resume.interactions();
        if (resume != null) {
            restore(resume);
        }
        if (settings.updates() <= resumedFrom) {
            throw new IllegalArgumentException("updates: the checkpoint already holds " + resumedFrom
                    + " updates; ask for more than that in total, got " + settings.updates());
        }
        this.updatesDone = resumedFrom;
        this.interactions = resumedInteractions;
        this.log = new MetricsLog(resumedFrom);
        this.snapshot = policy == null ? null : new PolicyActor.Snapshot(policy.parameters(), updatesDone);
    }

    private void restore(Checkpoint c) {
        double[] theta = c.parameters();
        if (policy == null || theta == null) {
            throw new IllegalArgumentException("checkpoint: " + trainer.name() + " has no policy to restore");
        }
        if (theta.length != policy.numParameters()) {
            throw new IllegalArgumentException("checkpoint: holds " + theta.length + " parameters, but the "
                    + settings.policy() + " policy for " + settings.envId() + " has " + policy.numParameters());
        }
        policy.setParameters(theta);
        if (adam != null && c.adamState() != null) {
            adam.restore(c.adamState());
        }
    }

    String id() {
        return id;
    }

    MetricsLog log() {
        return log;
    }

    @Override
    public void run() {
        synchronized (this) {
            if (state != RunState.PENDING) {
                return;
            }
            state = RunState.RUNNING;
        }
        LOG.info("run {} started: {} on {}, {} updates", id, settings.algorithm().cliName(), settings.envId(), settings.updates());
        RunState end;
        try {
            while (!stopRequested && updatesOf() < settings.updates()) {
                UpdateMetrics m;
                long done;
                synchronized (updateLock) {
                    org.dirpg.train.UpdateMetrics raw = trainer.update();
                    done = updatesDone + 1;
                    updatesDone = done;
                    interactions = resumedInteractions + raw.interactions();
                    m = toProto(raw, done - 1, interactions);
                    if (policy != null) {
                        snapshot = new PolicyActor.Snapshot(policy.parameters(), done);
                    }
                }
                log.append(m);
                if (checkpointInterval > 0 && done % checkpointInterval == 0 && policy != null) {
                    saveCheckpoint();
                }
            }
            if (updatesOf() >= settings.updates()) {
                end = RunState.SUCCEEDED;
            } else {
                end = RunState.STOPPED;
                if (checkpointOnStop && policy != null) {
                    saveCheckpoint();
                }
            }
        } catch (RuntimeException | Error e) {
            error = e.getClass().getSimpleName() + ": " + e.getMessage();
            end = RunState.FAILED;
            LOG.warn("run {} failed after {} updates: {}", id, updatesDone, error);
        }
        release();
        LOG.info("run {} {} after {} updates, {} interactions", id, end, updatesDone, interactions);
        synchronized (this) {
            state = end;
        }
        log.end();
    }

    private long updatesOf() {
        return updatesDone;
    }

    /**
     * Asks the run to stop between updates; a PENDING run ends STOPPED at once.
     *
     * @param checkpoint whether a RUNNING run writes a checkpoint when it stops (server shutdown)
     */
    void requestStop(boolean checkpoint) {
        boolean endNow;
        synchronized (this) {
            checkpointOnStop = checkpoint;
            stopRequested = true;
            endNow = state == RunState.PENDING;
            if (endNow) {
                state = RunState.STOPPED;
            }
        }
        if (endNow) {
            release();
            log.end();
        }
    }

    /** Frees the trainer's threads (DirPG with several searches in flight) and the environment. */
    private void release() {
        if (trainer instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                // Closing only frees resources; the run's outcome stands.
            }
        }
        env.close();
    }

    synchronized RunState state() {
        return state;
    }

    /** Writes a checkpoint of the run as it is between two updates. */
    Saved saveCheckpoint() {
        if (policy == null) {
            throw new IllegalStateException("run " + id + " uses " + trainer.name() + ", which has no policy to checkpoint");
        }
        Checkpoint c;
        synchronized (updateLock) {
            c = Checkpoint.of(settings, updatesDone, interactions, policy.parameters(), adam == null ? null : adam.state());
        }
        Path path = store.write(id, c);
        latestCheckpoint = path.toString();
        return new Saved(path, c);
    }

    /** Act with the newest parameter snapshot on a private copy of the policy. */
    ActResponse act(List<Observation> observations, boolean greedy, long seed) {
        PolicyActor.Snapshot s = snapshot;
        if (s == null) {
            throw new IllegalStateException("run " + id + " uses " + trainer.name() + ", which has no policy to act with");
        }
        PolicyActor a;
        synchronized (this) {
            if (actor == null) {
                actor = new PolicyActor(TrainerFactory.policy(settings, env), env.spec());
            }
            a = actor;
        }
        return ActResponse.newBuilder().addAllChoices(a.act(s, observations, greedy, seed))
                .setPolicyUpdates(s.updates()).build();
    }

    /** The run as the protocol shows it. */
    Run toProto() {
        RunState st;
        long done;
        long inter;
        synchronized (this) {
            st = state;
        }
        done = updatesDone;
        inter = interactions;
        Run.Builder b = Run.newBuilder()
                .setRunId(id)
                .setSpec(RunSpecs.toSpec(settings, checkpointInterval))
                .setState(st)
                .setProgress(Progress.newBuilder().setUpdatesDone(done).setUpdatesTotal(settings.updates())
                        .setInteractions(inter))
                .setErrorMessage(error)
                .setLatestCheckpoint(latestCheckpoint)
                .setResumedFromUpdate(resumedFrom)
                .setEnvironment(environment);
        UpdateMetrics latest = log.latest();
        if (latest != null) {
            b.setLatestMetrics(latest);
        }
        return b.build();
    }

    static UpdateMetrics toProto(org.dirpg.train.UpdateMetrics m, long update, long interactions) {
        return UpdateMetrics.newBuilder()
                .setUpdate(update)
                .setInteractions(interactions)
                .setUpdateReturn(m.updateReturn())
                .setDirReturn(m.dirReturn())
                .setDOpt(m.dOpt())
                .setDDir(m.dDir())
                .setCandidates(m.candidates())
                .setSearchInteractions(m.searchInteractions())
                .setFirstImprovement(m.firstImprovement())
                .setGradientNorm(m.gradientNorm())
                .build();
    }
}
