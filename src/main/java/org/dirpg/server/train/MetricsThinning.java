package org.dirpg.server.train;

/**
 * How the run store bounds one run's metrics: at most {@code cap + 1} rows per run, whatever its number of updates.
 *
 * <p>A run whose updates {@code first .. n} number {@code count = n - first + 1} keeps the rows of the updates
 * {@code first + k * stride} (every {@code stride}-th update from its first) and always its newest, {@code n}, where
 * {@code stride} is the smallest power of two with {@code ceil(count / stride) <= cap}. Each time the count passes
 * {@code cap * stride} the stride doubles and every other older row goes: a long run's history thins out evenly
 * (update 0, 4, 8, ... then 0, 8, 16, ...) rather than losing its beginning, and the rows kept depend only on the
 * update count, so a restarted server thins exactly as the one before it. The newest {@link ServerLimits#metricsInMemory()}
 * updates are also held in memory, every one of them, while the run is hosted.
 */
final class MetricsThinning {
    private MetricsThinning() {
    }

    /** The stride among a run's stored rows once it has done {@code count} updates (1 for count <= cap). */
    static long stride(long count, int cap) {
        long s = 1;
        while (count > cap * s) {
            s <<= 1;
        }
        return s;
    }
}
