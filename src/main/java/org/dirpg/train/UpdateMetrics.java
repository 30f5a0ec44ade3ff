package org.dirpg.train;

/**
 * What one update of a trainer measured. Fields a trainer does not have are NaN (or -1 for counts) here, and absent
 * in the files: an empty cell in {@code metrics.csv}, {@code null} in {@code metrics.jsonl}, never a sentinel.
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

    /** One CSV row; absent values are empty cells. */
    public String toCsv() {
        return update + "," + interactions + "," + cell(updateReturn) + "," + cell(dirReturn) + "," + cell(dOpt) + ","
                + cell(dDir) + "," + count(candidates) + "," + searchInteractions + "," + count(firstImprovement) + ","
                + cell(gradientNorm);
    }

    /** Reads a row of {@link #toCsv()} back (empty cells are the absent NaN or -1). */
    public static UpdateMetrics fromCsv(String row) {
        String[] f = row.split(",", -1);
        if (f.length != 10) {
            throw new IllegalArgumentException("metrics row: expected 10 cells (" + CSV_HEADER + "), got " + f.length
                    + ": " + row);
        }
        return new UpdateMetrics(Long.parseLong(f[0]), Long.parseLong(f[1]), real(f[2]), real(f[3]), real(f[4]),
                real(f[5]), (int) whole(f[6]), Long.parseLong(f[7]), whole(f[8]), real(f[9]));
    }

    private static String cell(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "";
    }

    private static String count(long v) {
        return v >= 0 ? Long.toString(v) : "";
    }

    private static double real(String cell) {
        return cell.isEmpty() ? Double.NaN : Double.parseDouble(cell);
    }

    private static long whole(String cell) {
        return cell.isEmpty() ? -1 : Long.parseLong(cell);
    }

    /** One JSON object on one line. */
    public String toJson() {
        return "{\"update\":" + update + ",\"interactions\":" + interactions + ",\"return\":" + num(updateReturn)
                + ",\"dir_return\":" + num(dirReturn) + ",\"d_opt\":" + num(dOpt) + ",\"d_dir\":" + num(dDir)
                + ",\"candidates\":" + (candidates >= 0 ? candidates : "null") + ",\"search_interactions\":"
                + searchInteractions + ",\"first_improvement\":" + (firstImprovement >= 0 ? firstImprovement : "null")
                + ",\"gradient_norm\":" + num(gradientNorm) + "}";
    }

    private static String num(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "null";
    }

    /** Metrics of a trainer that has no search. */
    static UpdateMetrics simple(long update, long interactions, double ret, long spent, double gradientNorm) {
        return new UpdateMetrics(update, interactions, ret, Double.NaN, Double.NaN, Double.NaN, -1, spent, -1, gradientNorm);
    }
}
