package org.dirpg.server.train;

import io.grpc.Status;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.dirpg.env.Environment;
import org.dirpg.env.classic.SpanningTreeBandit;
import org.dirpg.env.remote.RemoteOptions;
import org.dirpg.env.remote.RemoteUnavailableException;
import org.dirpg.policy.Policy;
import org.dirpg.proto.train.v1.CreateRunRequest;
import org.dirpg.proto.train.v1.RunState;
import org.dirpg.env.remote.RemoteCredentials;
import org.dirpg.server.auth.EndpointAllowList;
import org.dirpg.server.auth.Identity;
import org.dirpg.train.Checkpoint;
import org.dirpg.train.TrainSettings;
import org.dirpg.train.Trainer;
import org.dirpg.train.TrainerFactory;

/**
 * The runs of one server: creates them (validating everything, limits included, before anything is queued), executes
 * them on a fixed pool of worker threads (a run holds a worker from its first update to its end; more runs than
 * workers wait PENDING), finds, lists, stops and evicts them, and keeps them in the {@link RunStore} so that a
 * restarted server lists every run and continues those that were running.
 *
 * <p>Call order: construct (which restores the store's runs and queues the unfinished ones); {@link #create},
 * {@link #get}, {@link #list}, {@link #stop} from any thread; {@link #shutdown} once, which stops every run between
 * updates, checkpoints those that were running (they stay RUNNING in the store), waits for the workers and closes the
 * store.
 */
public final class RunManager {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RunManager.class);

    private final ExecutorService workers;
    private final CheckpointStore checkpoints;
    private final StoreWriter writer;
    private final ServerLimits limits;
    private final RemoteOptions remote;
    private final EndpointAllowList allowed;
    private volatile EndpointAllowList credentialed;
    /** In creation order; the position is the key of ListRuns page tokens. */
    private final Map<String, HostedRun> runs = new LinkedHashMap<>();
    /** How long a stopping server lets runs finish their update before interrupting them. */
    static final long SHUTDOWN_GRACE_MILLIS = 2_000;
    /** The newest creation time handed out or restored (guarded by {@code runs}). */
    private long lastCreatedMillis;

    /**
     * @param workers       the number of runs that update at the same time
     * @param dataDir       where the run store lives
     * @param checkpointDir where checkpoints are written and the only place checkpoint paths may point to
     */
    public RunManager(int workers, Path dataDir, Path checkpointDir, ServerLimits limits) {
        this(workers, dataDir, checkpointDir, limits, RemoteOptions.defaults());
    }

    public RunManager(int workers, Path dataDir, Path checkpointDir, ServerLimits limits, RemoteOptions remote) {
        this(workers, dataDir, checkpointDir, limits, remote, new EndpointAllowList(List.of()));
    }

    /**
     * @param remote  how runs on remote environments call their fleet (deadlines, retry budget)
     * @param allowed the remote environment endpoints a run may name
     */
    public RunManager(int workers, Path dataDir, Path checkpointDir, ServerLimits limits, RemoteOptions remote,
                      EndpointAllowList allowed) {
        if (workers < 1) {
            throw new IllegalArgumentException("workers: must be at least 1, got " + workers);
        }
        AtomicInteger n = new AtomicInteger();
        ThreadFactory daemons = r -> {
            Thread t = new Thread(r, "dirpg-run-worker-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        this.workers = Executors.newFixedThreadPool(workers, daemons);
        this.limits = limits;
        this.remote = remote;
        this.allowed = allowed;
        this.credentialed = allowed;
        this.checkpoints = new CheckpointStore(checkpointDir, limits.checkpointsKept());
        RunStore store = new RunStore(dataDir);
        if (store.fresh()) {
            List<String> orphans = checkpoints.runDirectories();
            if (!orphans.isEmpty()) {
                store.close();
                // an emptied or lost run store beside existing checkpoints: starting would list none of those runs
                throw new IllegalStateException("the run store " + dataDir.resolve(RunStore.FILE) + " holds no runs, but "
                        + orphans.size() + " run directories with checkpoints are in " + checkpoints.directory()
                        + " (e.g. " + orphans.get(0) + "): the store was emptied or lost; restore it from a backup, or "
                        + "move the checkpoint directory aside to start empty (its files stay usable with CreateRun "
                        + "checkpoint_path)");
            }
        }
        this.writer = new StoreWriter(store, limits.metricsStoredPerRun());
        recover();
    }

    /** The directory checkpoints go to. */
    public Path checkpointDirectory() {
        return checkpoints.directory();
    }

    /** {@code p} as clients see it: relative to the checkpoint directory. */
    String relativeCheckpointPath(Path p) {
        return checkpoints.relative(p);
    }

    /**
     * The endpoints the server's fleet credentials (bearer token, client certificate) may be sent to; a run naming any
     * other endpoint is refused while the server has such credentials. Default: the allow-list itself.
     */
    public void credentialEndpoints(EndpointAllowList v) {
        credentialed = v;
    }

    /** Restores every stored run: final ones as they are, unfinished ones continued from their newest checkpoint. */
    private void recover() {
        List<RunRecord> stored = writer.store().loadAll();
        int resumed = 0;
        for (RunRecord r : stored) {
            HostedRun run;
            try {
                run = RunRecovery.restore(r, this::build, writer, checkpoints, limits.metricsInMemory());
            } catch (RuntimeException e) {
                LOG.warn("run {} could not be restored: {}", r.id(), e.getMessage());
                run = RunRecovery.failed(r, e, writer, checkpoints);
            }
            register(run);
            RunState s = run.state();
            if (s == RunState.RUN_STATE_PENDING || s == RunState.RUN_STATE_RESUMED) {
                workers.execute(run);
                resumed++;
            }
        }
        if (!stored.isEmpty()) {
            LOG.info("restored {} runs from the run store; {} continue", stored.size(), resumed);
        }
    }

    /**
     * The creation time of a new run: the clock's, but strictly after every run this server knows, so that creation
     * times order the runs as they were created (ListRuns pages by them, see {@link PageTokens}) even when several
     * are created within a millisecond or the clock steps back.
     */
    private long creationStamp() {
        synchronized (runs) {
            lastCreatedMillis = Math.max(System.currentTimeMillis(), lastCreatedMillis + 1);
            return lastCreatedMillis;
        }
    }

    private void register(HostedRun run) {
        synchronized (runs) {
            lastCreatedMillis = Math.max(lastCreatedMillis, run.createdMillis());
            runs.put(run.id(), run);
        }
    }

    /**
     * Validates the request, builds the run (environment, policy, trainer; restoring a checkpoint if asked) and queues
     * it.
     *
     * @param who the caller, recorded as the run's owner; a checkpoint_path must name a checkpoint of a run it may access
     *            (another identity's checkpoint is answered as a missing file, so paths reveal nothing)
     * @throws IllegalArgumentException naming the offending field
     * @throws NoSuchElementException   if a checkpoint path names no file
     * @throws io.grpc.StatusRuntimeException UNAVAILABLE if no server of a remote environment's fleet answers,
     *                                        RESOURCE_EXHAUSTED if too many runs are queued
     */
    HostedRun create(CreateRunRequest request, Identity who) {
        String owner = who.name();
        Checkpoint resume = switch (request.getResumeFromCase()) {
            case CHECKPOINT_PATH -> checkpoints.read(request.getCheckpointPath(), runId -> mayReadCheckpointsOf(runId, who));
            case CHECKPOINT_BYTES -> Checkpoint.fromBytes(request.getCheckpointBytes().toByteArray());
            case RESUMEFROM_NOT_SET -> null;
        };
        TrainSettings settings;
        if (request.hasSpec()) {
            settings = RunSpecs.toSettings(request.getSpec());
            if (resume != null && (!resume.settings().envId().equals(settings.envId())
                    || !resume.settings().envOptions().equals(settings.envOptions()))) {
                throw new IllegalArgumentException("spec: the environment " + settings.envId() + " " + settings.envOptions()
                        + " differs from the checkpoint's " + resume.settings().envId() + " " + resume.settings().envOptions());
            }
        } else if (resume != null) {
            settings = resume.settings();
        } else {
            throw new IllegalArgumentException("spec: required (unless resuming from a checkpoint)");
        }
        for (String e : settings.remoteEndpoints()) {
            if (!allowed.allows(e)) {
                throw Status.PERMISSION_DENIED.withDescription("remote_environment.endpoints: '" + Messages.cut(e)
                        + "' is not an endpoint this server may call (allowed: " + allowed.describe()
                        + "; serve --remote-allow)").asRuntimeException();
            }
        }
        RemoteCredentials fleet = remote.credentials();
        if (fleet != null && (fleet.token() != null || fleet.clientCert() != null)) {
            for (String e : settings.remoteEndpoints()) {
                if (!credentialed.allows(e)) {
                    // the fleet's bearer token or client certificate goes only where the operator said
                    throw Status.PERMISSION_DENIED.withDescription("remote_environment.endpoints: '" + Messages.cut(e)
                            + "' is not an endpoint this server's fleet credentials are for (" + credentialed.describe()
                            + "; serve --remote-credentials-for)").asRuntimeException();
                }
            }
        }
        long interval = limits.check(settings, request.hasSpec() ? request.getSpec().getCheckpointInterval() : 0);
        synchronized (runs) {
            long active = runs.values().stream().filter(r -> !RunRecord.isFinal(r.state())).count();
            if (active >= limits.maxQueuedRuns()) {
                throw Status.RESOURCE_EXHAUSTED.withDescription("runs: " + active + " runs are already queued or "
                        + "running on this server, its limit (serve --max-queued-runs); stop one or wait").asRuntimeException();
            }
            long mine = runs.values().stream().filter(r -> !RunRecord.isFinal(r.state()) && r.owner().equals(owner))
                    .count();
            if (!who.admin() && mine >= limits.maxQueuedRunsPerOwner()) {
                throw Status.RESOURCE_EXHAUSTED.withDescription("runs: " + mine + " of your runs are already queued or "
                        + "running, the limit for one owner (serve --max-queued-runs-per-owner); stop one or wait")
                        .asRuntimeException();
            }
        }
        evict();
        HostedRun.Live live = build(settings, resume);
        try {
            HostedRun run = new HostedRun(newId(), owner, settings, interval, resume == null ? 0 : resume.updatesDone(),
                    creationStamp(), -1, live, writer, checkpoints, limits.metricsInMemory());
            synchronized (runs) {
                if (workers.isShutdown()) {
                    throw new IllegalStateException("the server is shutting down");
                }
                register(run);
                workers.execute(run);
            }
            return run;
        } catch (RuntimeException e) {
            live.env().close();
            throw e;
        }
    }

    /** The environment, policy and trainer of {@code settings}, the trainer seeded for {@code resume} if given. */
    private HostedRun.Live build(TrainSettings settings, Checkpoint resume) {
        Environment env;
        boolean isRemote = !settings.remoteEndpoints().isEmpty();
        try {
            env = TrainerFactory.environment(settings, remote);
        } catch (IllegalArgumentException e) {
            throw RunSpecs.named(isRemote ? "remote_environment" : "native_environment.options", e);
        } catch (RemoteUnavailableException | IllegalStateException e) {
            if (!isRemote) {
                throw e; // a native environment's own failure is not an endpoint's
            }
            // One answer for a closed port, a port that does not speak gRPC and a gRPC server without the environment
            // service, so that CreateRun is no port scanner; the operator reads which it was in the log.
            LOG.warn("a run's remote environment {} at {} did not answer: {}", settings.envId(),
                    settings.remoteEndpoints(), e.getMessage());
            throw Status.UNAVAILABLE.withDescription("remote_environment.endpoints: no environment server answered at "
                    + Messages.cut(String.join(", ", settings.remoteEndpoints())) + " (the trainer's log has the detail)")
                    .asRuntimeException();
        }
        try {
            Policy policy;
            try {
                policy = TrainerFactory.policy(settings, env);
            } catch (IllegalArgumentException e) {
                throw RunSpecs.named("policy", e);
            }
            LOG.info("run on {}: {}", settings.envId(), TrainerFactory.describe(policy));
            TrainSettings trainerSettings = resume == null ? settings : settings.toBuilder().seed(resume.resumeSeed()).build();
            AtomicBoolean cancel = new AtomicBoolean();
            // The trainer steps a cancellable view of the environment, so StopRun takes effect within one step. The
            // bandit baselines need the bandit itself (and update in microseconds).
            Environment seen = env instanceof SpanningTreeBandit ? env : new CancellableEnvironment(env, cancel::get);
            Trainer trainer;
            try {
                trainer = TrainerFactory.trainer(trainerSettings, seen, policy);
            } catch (IllegalArgumentException e) {
                throw RunSpecs.named("algorithm", e);
            }
            return new HostedRun.Live(env, trainer, resume, cancel);
        } catch (RuntimeException e) {
            env.close();
            throw e;
        }
    }

    private String newId() {
        synchronized (runs) {
            String id;
            do {
                id = "run-" + UUID.randomUUID().toString().substring(0, 8);
            } while (runs.containsKey(id));
            return id;
        }
    }

    /** @throws NoSuchElementException if no run has this id */
    HostedRun get(String runId) {
        synchronized (runs) {
            HostedRun run = runs.get(runId);
            if (run == null) {
                throw new NoSuchElementException("run_id: no run '" + Messages.cut(runId) + "' on this server");
            }
            return run;
        }
    }

    /** Act of the run the request names (a dormant remote run connects with this server's remote options). */
    org.dirpg.proto.train.v1.ActResponse act(org.dirpg.proto.train.v1.ActRequest request, Identity who) {
        return checkedForAct(request, who).act(request.getObservationsList(), request.getGreedy(), request.getSeed(),
                remote);
    }

    /** The run an Act request names, once the request is within the limits. */
    HostedRun checkedForAct(org.dirpg.proto.train.v1.ActRequest request, Identity who) {
        if (request.getObservationsCount() > limits.maxActObservations()) {
            throw new IllegalArgumentException("observations: at most " + limits.maxActObservations()
                    + " per call on this server (serve --max-act-observations), got " + request.getObservationsCount());
        }
        return getFor(request.getRunId(), who);
    }

    /**
     * The run, if {@code who} may access it.
     *
     * @throws NoSuchElementException if there is no such run
     * @throws io.grpc.StatusRuntimeException PERMISSION_DENIED if it belongs to another identity
     */
    HostedRun getFor(String runId, Identity who) {
        HostedRun run = get(runId);
        if (!who.mayAccess(run.owner())) {
            // the same answer as for a run that does not exist: an id reveals nothing about other identities' runs
            throw new NoSuchElementException("run_id: no run '" + Messages.cut(runId) + "' on this server");
        }
        return run;
    }

    /**
     * Whether {@code who} may resume from the checkpoints in run directory {@code runId} (null: a file directly in the
     * checkpoint directory): those of a run it may access; files of no known run only for admins.
     */
    private boolean mayReadCheckpointsOf(String runId, Identity who) {
        HostedRun run;
        synchronized (runs) {
            run = runId == null ? null : runs.get(runId);
        }
        return run == null ? who.admin() : who.mayAccess(run.owner());
    }

    /** Asks the run to stop, if {@code who} may. */
    HostedRun stop(String runId, Identity who) {
        HostedRun run = getFor(runId, who);
        run.requestStop();
        return run;
    }

    /** One page of runs. */
    record Page(List<HostedRun> runs, String nextPageToken) {
    }

    /**
     * The runs in creation order that {@code visible} admits and that are in {@code state} (unless UNSPECIFIED), one
     * page at a time.
     *
     * @param pageSize  0 = the default; capped at the server's maximum
     * @param pageToken "" = the first page
     */
    Page list(RunState state, int pageSize, String pageToken, Predicate<HostedRun> visible) {
        if (pageSize < 0) {
            throw new IllegalArgumentException("page_size: must be >= 0, got " + pageSize);
        }
        int size = pageSize == 0 ? limits.defaultPageSize() : Math.min(pageSize, limits.maxPageSize());
        PageTokens.Cursor after = PageTokens.decode(pageToken, state);
        evict();
        List<HostedRun> all = new ArrayList<>();
        synchronized (runs) {
            for (HostedRun r : runs.values()) {
                if (PageTokens.after(r, after)) {
                    all.add(r);
                }
            }
        }
        all.sort(PageTokens.ORDER);
        List<HostedRun> page = new ArrayList<>();
        for (HostedRun r : all) {
            if (!visible.test(r) || (state != RunState.RUN_STATE_UNSPECIFIED && r.state() != state)) {
                continue;
            }
            if (page.size() == size) {
                return new Page(page, PageTokens.encode(page.get(page.size() - 1), state));
            }
            page.add(r);
        }
        return new Page(page, "");
    }

    /** Asks the run to stop (it abandons its update in progress and writes a checkpoint). */
    HostedRun stop(String runId) {
        HostedRun run = get(runId);
        run.requestStop();
        return run;
    }

    /**
     * Forgets ended runs beyond the newest {@link ServerLimits#finishedRunsKept()} and those older than
     * {@link ServerLimits#finishedRunMaxAge()}, with their metrics and checkpoint files.
     */
    void evict() {
        long cutoff = System.currentTimeMillis() - limits.finishedRunMaxAge().toMillis();
        List<HostedRun> gone = new ArrayList<>();
        synchronized (runs) {
            List<HostedRun> ended = new ArrayList<>();
            for (HostedRun r : runs.values()) {
                if (RunRecord.isFinal(r.state())) {
                    ended.add(r);
                }
            }
            // retention counts per owner (oldest first, in creation order): one owner's runs never evict another's
            Map<String, Integer> excess = new java.util.HashMap<>();
            for (HostedRun r : ended) {
                excess.merge(r.owner(), 1, Integer::sum);
            }
            excess.replaceAll((owner, n) -> n - limits.finishedRunsKept());
            for (HostedRun r : ended) {
                boolean over = excess.get(r.owner()) > 0;
                if (over || (r.endedMillis() >= 0 && r.endedMillis() < cutoff)) {
                    if (over) {
                        excess.merge(r.owner(), -1, Integer::sum);
                    }
                    gone.add(r);
                    runs.remove(r.id());
                }
            }
        }
        for (HostedRun r : gone) {
            writer.delete(r.id());
            checkpoints.deleteAll(r.id());
        }
        if (!gone.isEmpty()) {
            LOG.info("evicted {} ended runs", gone.size());
        }
    }

    /**
     * Stops accepting runs, stops every run between updates (running ones write a checkpoint and stay RUNNING in the
     * store, to be continued by the next server; their streams end UNAVAILABLE), waits up to {@code timeoutMillis}
     * for them, and closes the store.
     *
     * @return true if every worker finished in time
     */
    public boolean shutdown(long timeoutMillis) throws InterruptedException {
        List<HostedRun> all;
        synchronized (runs) {
            workers.shutdown();
            all = new ArrayList<>(runs.values());
        }
        for (HostedRun r : all) {
            r.shutdown();
        }
        // A run blocked on a fleet that is down would wait out its retry budget: after a short grace its call is
        // interrupted, and the run checkpoints its last completed update and stays RUNNING for the next server.
        long grace = Math.min(timeoutMillis, SHUTDOWN_GRACE_MILLIS);
        boolean done = workers.awaitTermination(grace, TimeUnit.MILLISECONDS);
        if (!done) {
            workers.shutdownNow();
            done = workers.awaitTermination(timeoutMillis - grace, TimeUnit.MILLISECONDS);
        }
        writer.close();
        return done;
    }
}
