package org.dirpg.policy.net;

import java.util.ArrayList;
import java.util.List;
import org.dirpg.env.State;
import org.dirpg.policy.Policy;
import org.dirpg.policy.WeightedStep;

/**
 * A policy on encoded observations ({@link Encoder}: Discrete parts one-hot, bounded Boxes scaled) around one that
 * reads raw feature vectors, e.g. the linear softmax policy: {@code --policy linear} on FrozenLake's Discrete(16)
 * observation is then the tabular policy on its one-hot state, not a linear function of the state number. Where every
 * part is read as it is (MultiBinary, unbounded Box) the encoding is the identity and the inner policy sees what it
 * did before. Call order and thread-safety are the inner policy's.
 */
public final class EncodedPolicy implements Policy {
    private final NetSpec spec;
    private final Policy inner;

    /** {@code inner} reading {@code spec.vectorWidth()} encoded features; {@code spec} has no image parts. */
    public EncodedPolicy(NetSpec spec, Policy inner) {
        if (!spec.images().isEmpty()) {
            throw new IllegalArgumentException("an encoded policy reads vectors only; " + spec.images().size()
                    + " parts are images");
        }
        this.spec = spec;
        this.inner = inner;
    }

    /** How the raw features are encoded (a spec without image parts or hidden layers). */
    public NetSpec spec() {
        return spec;
    }

    /** The width of the encoded feature vector. */
    public int encodedSize() {
        return spec.vectorWidth();
    }

    /** The policy on encoded features. */
    public Policy inner() {
        return inner;
    }

    /** The encoded features of a raw feature vector. */
    public double[] encode(double[] features) {
        float[] out = new float[spec.vectorWidth()];
        Encoder.vector(spec, features, out, 0);
        double[] d = new double[out.length];
        for (int i = 0; i < out.length; i++) {
            d[i] = out[i];
        }
        return d;
    }

    private State wrap(State s) {
        double[] encoded = encode(s.features());
        return new State() {
            @Override
            public boolean isTerminal() {
                return s.isTerminal();
            }

            @Override
            public long legalActions() {
                return s.legalActions();
            }

            @Override
            public double[] features() {
                return encoded.clone();
            }

            @Override
            public int index() {
                return s.index();
            }
        };
    }

    @Override
    public int numActions() {
        return inner.numActions();
    }

    @Override
    public int numParameters() {
        return inner.numParameters();
    }

    @Override
    public void logProbabilities(State state, double[] out) {
        inner.logProbabilities(wrap(state), out);
    }

    @Override
    public void logProbabilities(List<State> states, double[][] out) {
        List<State> wrapped = new ArrayList<>(states.size());
        for (State s : states) {
            wrapped.add(wrap(s));
        }
        inner.logProbabilities(wrapped, out);
    }

    @Override
    public void addGradient(List<WeightedStep> steps, double[] gradient) {
        List<WeightedStep> wrapped = new ArrayList<>(steps.size());
        for (WeightedStep s : steps) {
            wrapped.add(new WeightedStep(wrap(s.state()), s.action(), s.weight()));
        }
        inner.addGradient(wrapped, gradient);
    }

    @Override
    public double[] parameters() {
        return inner.parameters();
    }

    @Override
    public void setParameters(double[] theta) {
        inner.setParameters(theta);
    }
}
