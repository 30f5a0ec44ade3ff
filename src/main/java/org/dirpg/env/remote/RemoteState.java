package org.dirpg.env.remote;

import com.google.protobuf.ByteString;
import java.util.List;
import org.dirpg.proto.env.v1.StateView;

/**
 * A state of a remote environment: its opaque, server-authenticated token (which carries the whole environment
 * state, so any replica can step it) and what the server reported about it. Immutable.
 */
public final class RemoteState implements org.dirpg.env.State {
    private final String envId;
    private final ByteString token;
    private final double[] features;
    private final long legalActions;
    private final boolean terminal;
    private final double upperBound;
    private final double lowerBound;
    private final boolean feasible;
    private final double heuristic;

    RemoteState(String envId, ByteString token, double[] features, long legalActions, boolean terminal,
                double upperBound, double lowerBound, boolean feasible, double heuristic) {
        this.envId = envId;
        this.token = token;
        this.features = features;
        this.legalActions = legalActions;
        this.terminal = terminal;
        this.upperBound = upperBound;
        this.lowerBound = lowerBound;
        this.feasible = feasible;
        this.heuristic = heuristic;
    }

    /**
     * The state a server's view describes; features are decoded from the observation tensors (uint8, int64,
     * float32, float64 to double).
     *
     * @throws IllegalArgumentException when the view contradicts itself or the spec's feature count
     */
    static RemoteState of(String envId, int featureSize, StateView v) {
        List<org.dirpg.proto.env.v1.Tensor> obs = v.getObservationList();
        double[] f = ProtoTensors.decode(obs);
        if (f.length != featureSize) {
            throw new IllegalArgumentException(envId + ": server sent " + f.length + " features; the spec declares "
                    + featureSize);
        }
        if (v.getTerminal() == (v.getLegalActions() != 0)) {
            throw new IllegalArgumentException(envId + ": server sent terminal=" + v.getTerminal() + " with legal actions "
                    + Long.toBinaryString(v.getLegalActions()));
        }
        double bound = v.getTerminal() ? 0.0 : v.hasReturnToGoUpperBound()
                ? bound(envId, "return_to_go_upper_bound", v.getReturnToGoUpperBound(), Double.NEGATIVE_INFINITY)
                : Double.POSITIVE_INFINITY;
        double lower = v.getTerminal() ? 0.0 : v.hasReturnToGoLowerBound()
                ? bound(envId, "return_to_go_lower_bound", v.getReturnToGoLowerBound(), Double.POSITIVE_INFINITY)
                : Double.NEGATIVE_INFINITY;
        if (v.getInfeasible() && !v.getTerminal()) {
            throw new IllegalArgumentException(envId + ": server marked a non-terminal state infeasible");
        }
        double heuristic = v.getTerminal() ? 0.0 : v.hasReturnToGoHeuristic() ? v.getReturnToGoHeuristic() : bound;
        return new RemoteState(envId, v.getStateToken(), f, v.getLegalActions(), v.getTerminal(), bound, lower,
                !v.getInfeasible(), heuristic);
    }

    /** A bound the server sent: a number, or the infinity of its open side (the same as absent); never NaN. */
    private static double bound(String envId, String field, double value, double closedSide) {
        if (Double.isNaN(value) || value == closedSide) {
            throw new IllegalArgumentException(envId + ": server sent " + field + " = " + value
                    + "; a bound is a number, the infinity of its open side, or absent");
        }
        return value;
    }

    /** The environment this state belongs to. */
    public String envId() {
        return envId;
    }

    /** The state token to send back to any server of the fleet. */
    public ByteString token() {
        return token;
    }

    @Override
    public boolean isTerminal() {
        return terminal;
    }

    @Override
    public long legalActions() {
        return legalActions;
    }

    @Override
    public double[] features() {
        return features.clone();
    }

    @Override
    public double returnToGoUpperBound() {
        return upperBound;
    }

    @Override
    public double returnToGoLowerBound() {
        return lowerBound;
    }

    @Override
    public double returnToGoHeuristic() {
        return heuristic;
    }

    @Override
    public boolean isFeasible() {
        return feasible;
    }

    @Override
    public String toString() {
        return "RemoteState[" + envId + ", " + token.size() + " token bytes, legal " + Long.toBinaryString(legalActions)
                + (terminal ? ", terminal" : "") + "]";
    }
}
