package org.dirpg.server.train;

import java.util.List;
import java.util.SplittableRandom;
import org.dirpg.env.EnvironmentSpec;
import org.dirpg.gumbel.Gumbels;
import org.dirpg.policy.Policy;
import org.dirpg.proto.train.v1.ActionChoice;
import org.dirpg.proto.train.v1.Observation;

/**
 * Answers Act requests with a private copy of a run's policy, so acting never touches the instance the run's worker
 * is training. Before each batch the copy takes the newest published parameter snapshot.
 *
 * <p>Sampling draws a ~ pi(.|s) by Gumbel-argmax over the legal actions with a generator seeded by the request; greedy
 * picks argmax pi(.|s), the lowest index on ties.
 */
final class PolicyActor {
    /** theta after {@code updates} updates. */
    record Snapshot(double[] parameters, long updates) {
    }

    private final Policy copy;
    private final EnvironmentSpec spec;
    private Snapshot loaded;

    PolicyActor(Policy copy, EnvironmentSpec spec) {
        this.copy = copy;
        this.spec = spec;
    }

    /** The choices for {@code observations} under the snapshot's parameters. */
    synchronized List<ActionChoice> act(Snapshot snapshot, List<Observation> observations, boolean greedy, long seed) {
        if (observations.isEmpty()) {
            throw new IllegalArgumentException("observations: at least one observation is required");
        }
        int n = spec.featureSize();
        long[] legal = new long[observations.size()];
        for (int i = 0; i < observations.size(); i++) {
            Observation o = observations.get(i);
            if (o.getFeaturesCount() != n) {
                throw new IllegalArgumentException("observations[" + i + "].features: " + spec.id() + " observes "
                        + n + " features (" + spec.observation() + "), got " + o.getFeaturesCount());
            }
            legal[i] = legalActions(o, i);
        }
        if (loaded != snapshot) {
            copy.setParameters(snapshot.parameters());
            loaded = snapshot;
        }
        SplittableRandom rng = new SplittableRandom(seed);
        double[] logp = new double[spec.numActions()];
        List<ActionChoice> out = new java.util.ArrayList<>(observations.size());
        for (int i = 0; i < observations.size(); i++) {
            Observation o = observations.get(i);
            double[] x = new double[n];
            for (int j = 0; j < n; j++) {
                x[j] = o.getFeatures(j);
            }
            copy.logProbabilities(new ObservationState(x, legal[i]), logp);
            int a = greedy ? argmax(logp, legal[i]) : Gumbels.sampleFromSubset(logp, legal[i], rng);
            ActionChoice.Builder c = ActionChoice.newBuilder().setAction(a).setLogProb(logp[a]);
            for (double v : logp) {
                c.addLogProbs(v);
            }
            out.add(c.build());
        }
        return out;
    }

    /**
     * The observation's legal-action mask with the protocol's one meaning of each value: unset = every action, 0 = no
     * action (as at a terminal StateView, so nothing to choose: rejected rather than read as "all", which a client
     * passing a terminal state's mask through would not expect).
     */
    private long legalActions(Observation o, int i) {
        long all = spec.allActions();
        if (!o.hasLegalActions()) {
            return all;
        }
        long mask = o.getLegalActions();
        if (mask == 0) {
            throw new IllegalArgumentException("observations[" + i + "].legal_actions: 0 means no action is legal "
                    + "(a terminal state); leave it unset when every action is legal");
        }
        if ((mask & ~all) != 0) {
            throw new IllegalArgumentException("observations[" + i + "].legal_actions: mask "
                    + Long.toBinaryString(mask) + " names actions outside [0, " + spec.numActions() + ")");
        }
        return mask;
    }

    private static int argmax(double[] logp, long legal) {
        int best = -1;
        for (long bits = legal; bits != 0; bits &= bits - 1) {
            int i = Long.numberOfTrailingZeros(bits);
            if (best < 0 || logp[i] > logp[best]) {
                best = i;
            }
        }
        return best;
    }
}
