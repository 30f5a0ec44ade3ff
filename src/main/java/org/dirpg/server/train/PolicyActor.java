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
        long all = spec.allActions();
        for (int i = 0; i < observations.size(); i++) {
            Observation o = observations.get(i);
            if (o.getFeaturesCount() != n) {
                throw new IllegalArgumentException("observations[" + i + "].features: " + spec.id() + " observes "
                        + n + " features (" + spec.observation() + "), got " + o.getFeaturesCount());
            }
            if ((o.getLegalActions() & ~all) != 0) {
                throw new IllegalArgumentException("observations[" + i + "].legal_actions: mask "
                        + Long.toBinaryString(o.getLegalActions()) + " names actions outside [0, " + spec.numActions() + ")");
            }
        }
        if (loaded != snapshot) {
            copy.setParameters(snapshot.parameters());
            loaded = snapshot;
        }
        SplittableRandom rng = new SplittableRandom(seed);
        double[] logp = new double[spec.numActions()];
        List<ActionChoice> out = new java.util.ArrayList<>(observations.size());
        for (Observation o : observations) {
            long legal = o.getLegalActions() == 0 ? all : o.getLegalActions();
            double[] x = new double[n];
            for (int j = 0; j < n; j++) {
                x[j] = o.getFeatures(j);
            }
            copy.logProbabilities(new ObservationState(x, legal), logp);
            int a = greedy ? argmax(logp, legal) : Gumbels.sampleFromSubset(logp, legal, rng);
            ActionChoice.Builder c = ActionChoice.newBuilder().setAction(a).setLogProb(logp[a]);
            for (double v : logp) {
                c.addLogProbs(v);
            }
            out.add(c.build());
        }
        return out;
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
