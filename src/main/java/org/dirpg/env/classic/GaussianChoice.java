package org.dirpg.env.classic;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.dirpg.env.EncodableEnvironment;
import org.dirpg.env.EnumerableEnvironment;
import org.dirpg.env.Environment;
import org.dirpg.env.EnvironmentSpec;
import org.dirpg.env.NoiseKeys;
import org.dirpg.env.Outcome;
import org.dirpg.env.State;
import org.dirpg.env.Space;
import org.dirpg.env.TensorSpec;
import org.dirpg.env.Transition;
import org.dirpg.gumbel.Gumbels;

/**
 * The "Gaussian choice" problem of Sec. 6.2 (Fig. 2d): the smallest setting that separates controllable risk (from
 * the policy) from uncontrollable risk (from the environment) in the objective l(theta, eps) of eq. (11).
 *
 * <h2>Description</h2>
 * One decision: take a Gaussian reward or take nothing. A policy choosing the Gaussian with probability p has
 * expected return p * mean for every eps, but l(p, eps) of eq. (11) rewards (eps > 0) or penalises (eps < 0) the
 * conditional variance p (1 - p) X^2 of eq. (14); {@link #objective} evaluates it by quadrature.
 *
 * <h2>Action Space</h2>
 * {@code Discrete(2)}: 0 = take reward 0, 1 = take a reward X ~ N(mean, sd^2). Both legal at the start.
 *
 * <h2>Observation Space</h2>
 * One tensor {@code stage} of shape (2): one-hot of (start, end). {@link State#index()} is 0 at the start, 1 at the end.
 *
 * <h2>Rewards</h2>
 * 0 for action 0; X ~ N(mean, sd^2) for action 1, drawn from the episode's state-reward tree S (re-stepping repeats
 * it). Unbounded, so no return-to-go bounds. {@link #outcomes} gives X by Gauss–Hermite quadrature.
 *
 * <h2>Starting State</h2>
 * The single decision state, for every seed.
 *
 * <h2>Episode End</h2>
 * Terminated after the one decision. Never truncated.
 *
 * <h2>Arguments</h2>
 * {@code mean} (default 0), {@code sd} >= 0 (default 1), {@code quadratureNodes} (default 20).
 */
public final class GaussianChoice implements EnumerableEnvironment, EncodableEnvironment {
    public static final String ID = "GaussianChoice-v0";
    public static final int NOTHING = 0;
    public static final int GAUSSIAN = 1;

    private final double mean;
    private final double sd;
    private final GaussHermite quadrature;
    private final long fingerprint;
    private final EnvironmentSpec spec;

    /** X ~ N(0, 1), 20 quadrature nodes. */
    public GaussianChoice() {
        this(0.0, 1.0, 20);
    }

    public GaussianChoice(double mean, double sd, int quadratureNodes) {
        if (Double.isNaN(mean) || Double.isInfinite(mean)) {
            throw new IllegalArgumentException(ID + ": mean must be finite, got " + mean);
        }
        if (!(sd >= 0) || Double.isInfinite(sd)) {
            throw new IllegalArgumentException(ID + ": sd must be a finite number >= 0, got " + sd);
        }
        this.mean = mean;
        this.sd = sd;
        this.quadrature = new GaussHermite(quadratureNodes);
        this.fingerprint = StateCodec.fingerprint(mean, sd);
        double min = sd > 0 ? Double.NEGATIVE_INFINITY : Math.min(0, mean);
        double max = sd > 0 ? Double.POSITIVE_INFINITY : Math.max(0, mean);
        this.spec = new EnvironmentSpec(ID, 2, List.of(new TensorSpec("stage", new int[] {2}, "float64",
                new Space.MultiBinary())), false, min, max, 1);
    }

    /**
     * l(p, eps) of eq. (11) for this problem: {@code E_X[(1/eps) log(p e^{eps X} + (1 - p))]} with X ~ N(mean, sd^2),
     * by {@code nodes}-point Gauss–Hermite quadrature; at eps = 0 its limit, the expected return p * mean.
     */
    public static double objective(double p, double epsilon, double mean, double sd, int nodes) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("choice probability p must be in [0, 1], got " + p);
        }
        if (Double.isNaN(epsilon) || Double.isInfinite(epsilon)) {
            throw new IllegalArgumentException("epsilon must be finite, got " + epsilon);
        }
        if (epsilon == 0 || p == 0 || p == 1) {
            return p * mean;
        }
        GaussHermite rule = new GaussHermite(nodes);
        double logP = Math.log(p);
        double log1mP = Math.log1p(-p);
        return rule.expectation(mean, sd, x -> Gumbels.logAddExp(logP + epsilon * x, log1mP) / epsilon);
    }

    /** {@link #objective(double, double, double, double, int)} for X ~ N(0, 1) with 60 nodes, as in Fig. 2d. */
    public static double objective(double p, double epsilon) {
        return objective(p, epsilon, 0.0, 1.0, 60);
    }

    public double mean() {
        return mean;
    }

    public double sd() {
        return sd;
    }

    @Override
    public EnvironmentSpec spec() {
        return spec;
    }

    @Override
    public State initialState() {
        return new Stage(this, false, 0L);
    }

    @Override
    public State reset(long seed) {
        return new Stage(this, false, NoiseKeys.root(seed));
    }

    @Override
    public Transition step(State state, int action) {
        Stage s = own(state);
        Environment.requireLegal(spec, s, action);
        long childKey = NoiseKeys.child(s.key, action);
        double reward = action == NOTHING ? 0.0 : mean + sd * NoiseKeys.random(childKey).nextGaussian();
        return Transition.of(new Stage(this, true, childKey), reward, true, false);
    }

    @Override
    public List<Outcome> outcomes(State state, int action) {
        Stage s = own(state);
        Environment.requireLegal(spec, s, action);
        Stage next = new Stage(this, true, NoiseKeys.child(s.key, action));
        if (action == NOTHING || sd == 0) {
            return List.of(new Outcome(1.0, Transition.of(next, action == NOTHING ? 0.0 : mean, true, false)));
        }
        List<Outcome> out = new ArrayList<>(quadrature.size());
        for (int i = 0; i < quadrature.size(); i++) {
            out.add(new Outcome(quadrature.weight(i), Transition.of(next, mean + sd * quadrature.node(i), true, false)));
        }
        return out;
    }

    @Override
    public byte[] encode(State state) {
        Stage s = own(state);
        return StateCodec.writer(ID, fingerprint).writeInt(s.done ? 1 : 0).writeLong(s.key).toBytes();
    }

    @Override
    public State decode(byte[] bytes) {
        StateCodec.Reader r = StateCodec.reader(bytes, ID, fingerprint);
        boolean done = r.readInt("done", 0, 1) == 1;
        long key = r.readLong("key");
        r.finish();
        return new Stage(this, done, key);
    }

    private Stage own(State state) {
        if (state instanceof Stage s && s.env.fingerprint == fingerprint) {
            return s;
        }
        throw new IllegalArgumentException(ID + ": state " + state + " was not made by this environment");
    }

    /** Before or after the decision, with the noise key of its node of S. */
    static final class Stage implements State {
        private final GaussianChoice env;
        private final boolean done;
        private final long key;

        Stage(GaussianChoice env, boolean done, long key) {
            this.env = env;
            this.done = done;
            this.key = key;
        }

        @Override
        public boolean isTerminal() {
            return done;
        }

        @Override
        public long legalActions() {
            return done ? 0L : 0b11L;
        }

        @Override
        public double[] features() {
            double[] f = new double[2];
            f[index()] = 1.0;
            return f;
        }

        @Override
        public int index() {
            return done ? 1 : 0;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Stage s && s.done == done && s.key == key && s.env.fingerprint == env.fingerprint;
        }

        @Override
        public int hashCode() {
            return Objects.hash(done, key);
        }

        @Override
        public String toString() {
            return "GaussianChoice.Stage(" + (done ? "end" : "start") + ")";
        }
    }
}
