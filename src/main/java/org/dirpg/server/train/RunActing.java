package org.dirpg.server.train;

import java.util.List;
import java.util.function.Supplier;
import org.dirpg.env.Environment;
import org.dirpg.env.remote.RemoteOptions;
import org.dirpg.proto.train.v1.ActResponse;
import org.dirpg.proto.train.v1.Observation;
import org.dirpg.train.Checkpoint;
import org.dirpg.train.TrainSettings;
import org.dirpg.train.TrainerFactory;

/**
 * Act for one run: the newest parameter snapshot its updates {@link #publish}, and a private copy of its policy that
 * acts with it, built on the first Act. A training run builds the copy from its live environment's spec; a dormant run
 * (restored in a final state) from its newest checkpoint, connecting to its environment once (with the server's
 * remote options, for a remote one) for the spec.
 */
final class RunActing {
    private final String runId;
    private final TrainSettings settings;
    /** The environment of a training run; null for a dormant one. */
    private final Environment liveEnv;
    /** Why a run without a policy cannot act (its trainer's name), or null if it has one. */
    private final String noPolicy;
    private PolicyActor actor;
    private volatile PolicyActor.Snapshot snapshot;

    /**
     * @param liveEnv  the training run's environment, or null for a dormant run
     * @param noPolicy the trainer's name when it has no policy (UCB), else null
     * @param first    the snapshot to act with before the first update, or null
     */
    RunActing(String runId, TrainSettings settings, Environment liveEnv, String noPolicy, PolicyActor.Snapshot first) {
        this.runId = runId;
        this.settings = settings;
        this.liveEnv = liveEnv;
        this.noPolicy = noPolicy;
        this.snapshot = first;
    }

    /** The parameters after {@code updates} updates; later Act calls use them. */
    void publish(double[] theta, long updates) {
        snapshot = new PolicyActor.Snapshot(theta, updates);
    }

    /**
     * Actions of the newest snapshot for {@code observations}.
     *
     * @param newest the newest checkpoint, read by a dormant run on its first Act
     */
    ActResponse act(List<Observation> observations, boolean greedy, long seed, RemoteOptions remote,
                    Supplier<Checkpoint> newest) {
        NonFinite.checkObservations(observations);
        PolicyActor a;
        PolicyActor.Snapshot s;
        synchronized (this) {
            if (actor == null) {
                actor = liveEnv != null ? liveActor() : dormantActor(remote, newest.get());
            }
            a = actor;
            s = snapshot;
        }
        return ActResponse.newBuilder().addAllChoices(a.act(s, observations, greedy, seed))
                .setPolicyUpdates(s.updates()).build();
    }

    private PolicyActor liveActor() {
        if (noPolicy != null || snapshot == null) {
            throw new IllegalStateException("run " + runId + " uses " + noPolicy + ", which has no policy to act with");
        }
        return new PolicyActor(TrainerFactory.policy(settings, liveEnv), liveEnv.spec());
    }

    private PolicyActor dormantActor(RemoteOptions remote, Checkpoint c) {
        if (c.parameters() == null || settings == null) {
            throw new IllegalStateException("run " + runId + " has no policy to act with");
        }
        Environment env = TrainerFactory.environment(settings, remote);
        try {
            snapshot = new PolicyActor.Snapshot(c.parameters(), c.updatesDone());
            return new PolicyActor(TrainerFactory.policy(settings, env), env.spec());
        } finally {
            env.close();
        }
    }
}
