package org.dirpg.train;

/**
 * What one update of a trainer measured. Fields a trainer does not have are NaN (or -1 for counts).
 *
 * @param update            the update's index, from 0
 * @param interactions      cumulative environment interactions after this update
 * @param updateReturn      the return of the trajectory the trainer "acted" with: a_opt for DirPG (a sample from the
 *                          policy), the mean sampled return for REINFORCE and CEM, the chosen tree's reward for UCB
 * @param dirReturn         DirPG: R(a_dir)
 * @param dOpt              DirPG: D(a_opt; eps)
 * @param dDir              DirPG: D(a_dir; eps)
 * @param candidates        DirPG: complete trajectories the search yielded
 * @param searchInteractions interactions spent by this update
 * @param firstImprovement  DirPG: interactions spent when a_dir was found, -1 if nothing improved (Fig. 2b)
 * @param gradientNorm      Euclidean norm of the update direction
 */
public record UpdateMetrics(long update, long interactions, double updateReturn, double dirReturn, double dOpt,
                            double dDir, int candidates, long searchInteractions, long firstImprovement,
                            double gradientNorm) {

    /** The CSV header matching {@link #toCsv()}. */
    public static final String CSV_HEADER =
            "update,interactions,return,dir_return,d_opt,d_dir,candidates,search_interactions,first_improvement,gradient_norm";

    public String toCsv() {
        return update + "," + interactions + "," + updateReturn + "," + dirReturn + "," + dOpt + "," + dDir + ","
                + candidates + "," + searchInteractions + "," + firstImprovement + "," + gradientNorm;
    }

    /** One JSON object on one line. */
    public String toJson() {
        return "{\"update\":" + update + ",\"interactions\":" + interactions + ",\"return\":" + num(updateReturn)
                + ",\"dir_return\":" + num(dirReturn) + ",\"d_opt\":" + num(dOpt) + ",\"d_dir\":" + num(dDir)
                + ",\"candidates\":" + candidates + ",\"search_interactions\":" + searchInteractions
                + ",\"first_improvement\":" + firstImprovement + ",\"gradient_norm\":" + num(gradientNorm) + "}";
    }

    private static String num(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "null";
    }

    /** Metrics of a trainer that has no search. */
    static UpdateMetrics simple(long update, long interactions, double ret, long spent, double gradientNorm) {
        return new UpdateMetrics(update, interactions, ret, Double.NaN, Double.NaN, Double.NaN, -1, spent, -1, gradientNorm);
    }
}
