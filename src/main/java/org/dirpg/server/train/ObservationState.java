package org.dirpg.server.train;

import org.dirpg.env.State;

/**
 * A client's observation as a {@link State} a policy can read: the flat features and the legal actions. It cannot
 * be stepped and has no tabular index; policies only read {@link #features()} and {@link #legalActions()}.
 */
record ObservationState(double[] features, long legalActions) implements State {
    ObservationState {
        features = features.clone();
    }

    @Override
    public double[] features() {
        return features.clone();
    }

    @Override
    public boolean isTerminal() {
        return false;
    }
}
