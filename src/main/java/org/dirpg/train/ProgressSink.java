package org.dirpg.train;

/**
 * Where long runs report how far they got: finished updates, the interactions they spent and the sum of their
 * returns (so that a reader can show a recent mean return). Implementations must be thread-safe; callers that do
 * tens of thousands of updates a second should add in chunks.
 */
@FunctionalInterface
public interface ProgressSink {
    /** Reports nothing. */
    ProgressSink NONE = (updates, interactions, returnSum) -> { };

    /**
     * Records {@code updates} more finished updates that spent {@code interactions} interactions and whose returns
     * sum to {@code returnSum} (NaN when the updates have no return to report).
     */
    void add(long updates, long interactions, double returnSum);

    /** Records one update's metrics: its interactions and the return it acted with. */
    default void add(UpdateMetrics m) {
        add(1, m.searchInteractions(), m.updateReturn());
    }
}
