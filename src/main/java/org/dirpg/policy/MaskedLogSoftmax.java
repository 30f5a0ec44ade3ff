package org.dirpg.policy;

import org.dirpg.env.ActionSets;

/**
 * The log-softmax of a logit vector restricted to a set of legal actions, and the gradient of a weighted
 * log-probability with respect to the logits, in plain double arithmetic.
 *
 * <p>For legal set L: {@code log pi(a) = z_a - log sum_{b in L} exp(z_b)} for a in L, {@code -inf} otherwise, and
 * {@code d [w log pi(a)] / d z_b = w (1[b = a] - pi(b))} for b in L, 0 for b outside L. With a single legal action
 * the log-probability is exactly 0 and its gradient exactly 0.
 */
public final class MaskedLogSoftmax {
    private MaskedLogSoftmax() {
    }

    /**
     * Writes the masked log-softmax of {@code logits} into {@code out}.
     *
     * @throws IllegalArgumentException when {@code legal} is empty or names an action beyond the logits
     */
    public static void logSoftmax(double[] logits, long legal, double[] out) {
        checkLegal(logits.length, legal);
        if (out.length != logits.length) {
            throw new IllegalArgumentException("output has length " + out.length + ", expected " + logits.length);
        }
        if (ActionSets.size(legal) == 1) {
            java.util.Arrays.fill(out, Double.NEGATIVE_INFINITY);
            out[Long.numberOfTrailingZeros(legal)] = 0.0;
            return;
        }
        double max = Double.NEGATIVE_INFINITY;
        for (long bits = legal; bits != 0; bits &= bits - 1) {
            max = Math.max(max, logits[Long.numberOfTrailingZeros(bits)]);
        }
        double sum = 0.0;
        for (long bits = legal; bits != 0; bits &= bits - 1) {
            sum += Math.exp(logits[Long.numberOfTrailingZeros(bits)] - max);
        }
        double logZ = max + Math.log(sum);
        for (int a = 0; a < logits.length; a++) {
            out[a] = ActionSets.contains(legal, a) ? logits[a] - logZ : Double.NEGATIVE_INFINITY;
        }
    }

    /**
     * Adds {@code weight * d log pi(action) / d logits} to {@code gradient}: {@code weight * (onehot(action) - pi)}
     * over the legal actions, nothing elsewhere.
     *
     * @throws IllegalArgumentException when the action is not legal (its log-probability is -inf)
     */
    public static void addLogProbabilityGradient(double[] logits, long legal, int action, double weight,
            double[] gradient) {
        checkLegal(logits.length, legal);
        if (!ActionSets.contains(legal, action)) {
            throw new IllegalArgumentException("action " + action + " is not among the legal actions "
                    + ActionSets.toString(legal) + ": its log-probability is -inf and has no gradient");
        }
        double[] logPi = new double[logits.length];
        logSoftmax(logits, legal, logPi);
        for (long bits = legal; bits != 0; bits &= bits - 1) {
            int b = Long.numberOfTrailingZeros(bits);
            gradient[b] += weight * ((b == action ? 1.0 : 0.0) - Math.exp(logPi[b]));
        }
    }

    private static void checkLegal(int numActions, long legal) {
        if (legal == 0) {
            throw new IllegalArgumentException("no legal actions: a terminal state has no action distribution");
        }
        if (numActions < 64 && (legal >>> numActions) != 0) {
            throw new IllegalArgumentException("legal actions " + ActionSets.toString(legal) + " name an action >= "
                    + numActions + ", the number of logits");
        }
    }
}
