package org.dirpg.env;

/** One possible realisation of a step, with its probability (or quadrature weight). */
public record Outcome(double probability, Transition transition) {
    public Outcome {
        if (!(probability > 0) || probability > 1 + 1e-12) {
            throw new IllegalArgumentException("outcome probability must be in (0, 1], got " + probability);
        }
    }
}
