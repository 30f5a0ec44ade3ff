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
import java.util.concurrent.atomic.AtomicInteger;
import org.dirpg.env.Environment;
import org.dirpg.env.remote.RemoteUnavailableException;
import org.dirpg.policy.Policy;
import org.dirpg.proto.train.v1.CreateRunRequest;
import org.dirpg.proto.train.v1.RunState;
import org.dirpg.train.Checkpoint;
import org.dirpg.train.TrainSettings;
import org.dirpg.train.Trainer;
import org.dirpg.train.TrainerFactory;

/**
 * The runs of one server: creates them (validating everything before anything is queued), executes them on a fixed
 * pool of worker threads (a run holds a worker from its first update to its end; more runs than workers wait PENDING),
 * finds, lists and stops them.
 *
 * <p>Call order: construct; {@link #create}, {@link #get}, {@link #list}, {@link #stop} from any thread;
 * {@link #shutdown} once, which stops every run between updates, checkpoints those that were running, and waits for
 * the workers.
 */
public final class RunManager {
    private final ExecutorService workers;
    private final CheckpointStore store;
    private final Map<String, HostedRun> runs = new LinkedHashMap<>();

    /**
     * @param workers       the number of runs that update at the same time
     * @param checkpointDir where checkpoints are written and the only place checkpoint paths may point to
     */
    public RunManager(int workers, Path checkpointDir) {
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
        this.store = new CheckpointStore(checkpointDir);
    }

    /** The directory checkpoints go to. */
    public Path checkpointDirectory() {
        return store.directory();
    }

    /**
     * Validates the request, builds the run (environment, policy, trainer; restoring a checkpoint if asked) and queues
     * it.
     *
     * @throws IllegalArgumentException naming the offending field
     * @throws NoSuchElementException   if a checkpoint path names no file
     * @throws io.grpc.StatusRuntimeException UNAVAILABLE if no server of a remote environment's fleet answers
     */
    HostedRun create(CreateRunRequest request) {
        Checkpoint resume = switch (request.getResumeFromCase()) {
            case CHECKPOINT_PATH -> store.read(request.getCheckpointPath());
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
        long interval = request.hasSpec() ? request.getSpec().getCheckpointInterval() : 0;
        Environment env;
        boolean remote = !settings.remoteEndpoints().isEmpty();
        try {
            env = TrainerFactory.environment(settings);
        } catch (IllegalArgumentException e) {
            throw RunSpecs.named(remote ? "remote_environment" : "native_environment.options", e);
        } catch (RemoteUnavailableException e) {
            throw Status.UNAVAILABLE.withDescription("remote_environment.endpoints: " + e.getMessage()).withCause(e)
                    .asRuntimeException();
        }
        try {
            Policy policy;
            try {
                policy = TrainerFactory.policy(settings, env);
            } catch (IllegalArgumentException e) {
                throw RunSpecs.named("policy", e);
            }
            TrainSettings trainerSettings = resume == null ? settings : settings.toBuilder().seed(resume.resumeSeed()).build();
            Trainer trainer;
            try {
                trainer = TrainerFactory.trainer(trainerSettings, env, policy);
            } catch (IllegalArgumentException e) {
                throw RunSpecs.named("algorithm", e);
            }
            HostedRun run = new HostedRun(newId(), settings, interval, env, trainer, resume, store);
            synchronized (runs) {
                if (workers.isShutdown()) {
                    throw new IllegalStateException("the server is shutting down");
                }
                runs.put(run.id(), run);
                workers.execute(run);
            }
            return run;
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
                throw new NoSuchElementException("run_id: no run '" + runId + "' on this server");
            }
            return run;
        }
    }

    /** The runs in creation order, only those in {@code state} unless it is UNSPECIFIED. */
    List<HostedRun> list(RunState state) {
        List<HostedRun> all;
        synchronized (runs) {
            all = new ArrayList<>(runs.values());
        }
        if (state == RunState.RUN_STATE_UNSPECIFIED) {
            return all;
        }
        List<HostedRun> out = new ArrayList<>();
        for (HostedRun r : all) {
            if (r.state() == state) {
                out.add(r);
            }
        }
        return out;
    }

    /** Asks the run to stop between updates (no checkpoint). */
    HostedRun stop(String runId) {
        HostedRun run = get(runId);
        run.requestStop(false);
        return run;
    }

    /**
     * Stops accepting runs, stops every run between updates (running ones write a checkpoint as they stop), and waits
     * up to {@code timeoutMillis} for them.
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
            r.requestStop(true);
        }
        return workers.awaitTermination(timeoutMillis, TimeUnit.MILLISECONDS);
    }
}
