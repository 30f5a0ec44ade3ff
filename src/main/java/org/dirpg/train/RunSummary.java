package org.dirpg.train;

/**
 * The totals of a run: updates, interactions, the mean return over the first and the last tenth of the updates,
 * and the wall time.
 */
public record RunSummary(String algorithm, long updates, long interactions, double firstReturn, double lastReturn,
                         double seconds) {

    /** One-line JSON. */
    public String toJson() {
        return "{\"algorithm\":\"" + algorithm + "\",\"updates\":" + updates + ",\"interactions\":" + interactions
                + ",\"first_return\":" + num(firstReturn) + ",\"last_return\":" + num(lastReturn)
                + ",\"seconds\":" + seconds + "}";
    }

    private static String num(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "null";
    }
}
