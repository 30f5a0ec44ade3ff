package org.dirpg.server.train;

import java.util.List;
import org.dirpg.proto.train.v1.Observation;

/**
 * Keeps NaN and infinity out of the server: refused at the edge (Act features, checkpoint parameters) with
 * INVALID_ARGUMENT naming the field, and a run whose update produces them fails naming the update, instead of
 * "succeeding" with NaN metrics and parameters.
 */
final class NonFinite {
    private NonFinite() {
    }

    /** A run's update produced a non-finite number; the message names the update and the quantity. */
    static final class Exception extends RuntimeException {
        Exception(String message) {
            super(message);
        }
    }

    static boolean allFinite(double[] xs) {
        if (xs == null) {
            return true;
        }
        for (double x : xs) {
            if (!Double.isFinite(x)) {
                return false;
            }
        }
        return true;
    }

    /** @throws IllegalArgumentException naming {@code field} and the first bad index */
    static void requireFinite(String field, double[] xs) {
        if (xs == null) {
            return;
        }
        for (int i = 0; i < xs.length; i++) {
            if (!Double.isFinite(xs[i])) {
                throw new IllegalArgumentException(field + "[" + i + "] is " + xs[i] + "; only finite numbers are accepted");
            }
        }
    }

    /** Every feature of every observation must be finite. */
    static void checkObservations(List<Observation> observations) {
        for (int i = 0; i < observations.size(); i++) {
            Observation o = observations.get(i);
            for (int j = 0; j < o.getFeaturesCount(); j++) {
                double x = o.getFeatures(j);
                if (!Double.isFinite(x)) {
                    throw new IllegalArgumentException("observations[" + i + "].features[" + j + "] is " + x
                            + "; only finite numbers are accepted");
                }
            }
        }
    }

    /**
     * A policy run's update must leave finite parameters and report a finite gradient norm and return.
     *
     * @param theta the parameters after the update, or null for a policy-free run (nothing to check)
     */
    static void checkUpdate(long update, org.dirpg.train.UpdateMetrics m, double[] theta) {
        if (theta == null) {
            return;
        }
        String what = null;
        if (!allFinite(theta)) {
            what = "the policy parameters";
        } else if (!Double.isFinite(m.gradientNorm())) {
            what = "the gradient norm";
        } else if (Double.isNaN(m.updateReturn())) {
            what = "the return";
        }
        if (what != null) {
            throw new Exception("update " + update + ": " + what + " became NaN or infinite (is learning_rate too "
                    + "large?); the run keeps its newest finite checkpoint");
        }
    }
}
