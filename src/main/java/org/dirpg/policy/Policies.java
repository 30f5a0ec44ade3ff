package org.dirpg.policy;

import org.dirpg.env.EnvironmentSpec;

/** Makes the plain-array policies by name for an environment spec (the command line's {@code --policy}). */
public final class Policies {
    /** The names {@link #create} accepts. */
    public static final java.util.List<String> NAMES = java.util.List.of("linear", "bernoulli");

    private Policies() {
    }

    /**
     * "linear": {@link LinearSoftmaxPolicy} on the spec's features with W ~ N(0, initScale^2) from {@code seed};
     * "bernoulli": {@link BernoulliPolicy} with one theta per feature (the one-hot decision index), for two actions.
     */
    public static Policy create(String name, EnvironmentSpec spec, double initScale, long seed) {
        switch (name) {
            case "linear":
                return new LinearSoftmaxPolicy(spec.featureSize(), spec.numActions(), initScale, seed);
            case "bernoulli":
                if (spec.numActions() != 2) {
                    throw new IllegalArgumentException("policy 'bernoulli' needs 2 actions, but " + spec.id() + " has " + spec.numActions());
                }
                return new BernoulliPolicy(spec.featureSize());
            default:
                throw new IllegalArgumentException("unknown policy '" + name + "'; known policies: " + String.join(", ", NAMES));
        }
    }
}
