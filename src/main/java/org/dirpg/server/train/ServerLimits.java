package org.dirpg.server.train;

import java.time.Duration;
import org.dirpg.train.TrainSettings;

/**
 * What one request may ask of the server, set by the operator ({@code serve --max-...}). A run spec beyond a cap is
 * refused with INVALID_ARGUMENT naming the field, the cap and the option that sets it; nothing a client sends can make
 * the server hold unbounded memory, threads, files or workers.
 *
 * @param maxUpdates                updates of one run
 * @param maxBudget                 environment interactions of one search (DirPG budget)
 * @param maxRollouts               REINFORCE/CEM trajectories per update
 * @param maxSteps                  steps of one rollout
 * @param maxSearchesInFlight       DirPG searches in flight (threads of one run)
 * @param maxExpansionsPerRound     DirPG regions expanded per round
 * @param defaultCheckpointInterval the checkpoint interval of a spec that leaves it 0
 * @param minCheckpointInterval     the smallest checkpoint interval a spec may ask for
 * @param checkpointsKept           checkpoint files kept per run
 * @param metricsInMemory           metrics of one run kept in memory (older ones are read back from the store)
 * @param maxQueuedRuns             runs PENDING, RESUMED or RUNNING at once
 * @param finishedRunsKept          ended runs kept per owner; the owner's oldest beyond this are evicted (with their
 *                                  metrics and files), so one user's runs never push out another's
 * @param finishedRunMaxAge         ended runs older than this are evicted
 * @param maxPageSize               ListRuns page size cap (and the page size when a request leaves it 0 is 100 or less)
 * @param maxActObservations        observations of one Act call
 * @param maxQueuedRunsPerOwner     runs PENDING, RESUMED or RUNNING at once for one owner (admins excepted), so one user
 *                                  cannot fill every queue place; {@code finishedRunsKept} also counts per owner
 * @param metricsStoredPerRun       metrics rows of one run kept in the run store (plus its newest): a longer run's
 *                                  older rows thin out evenly ({@link MetricsThinning}), so one run's disk use is
 *                                  bounded (about 100 bytes a row) however many updates it does
 */
public record ServerLimits(long maxUpdates, long maxBudget, int maxRollouts, int maxSteps, int maxSearchesInFlight,
                           int maxExpansionsPerRound, long defaultCheckpointInterval, long minCheckpointInterval,
                           int checkpointsKept, int metricsInMemory, int maxQueuedRuns, int finishedRunsKept,
                           Duration finishedRunMaxAge, int maxPageSize, int maxActObservations,
                           int maxQueuedRunsPerOwner, int metricsStoredPerRun) {

    public ServerLimits {
        positive("max updates", maxUpdates);
        positive("max budget", maxBudget);
        positive("max rollouts", maxRollouts);
        positive("max steps", maxSteps);
        positive("max searches in flight", maxSearchesInFlight);
        positive("max expansions per round", maxExpansionsPerRound);
        positive("checkpoint interval", defaultCheckpointInterval);
        positive("min checkpoint interval", minCheckpointInterval);
        positive("checkpoints kept", checkpointsKept);
        positive("metrics in memory", metricsInMemory);
        positive("max queued runs", maxQueuedRuns);
        positive("finished runs kept", finishedRunsKept);
        positive("max page size", maxPageSize);
        positive("max act observations", maxActObservations);
        positive("max queued runs per owner", maxQueuedRunsPerOwner);
        positive("metrics stored per run", metricsStoredPerRun);
        if (finishedRunMaxAge == null || finishedRunMaxAge.isNegative() || finishedRunMaxAge.isZero()) {
            throw new IllegalArgumentException("finished run max age: must be positive, got " + finishedRunMaxAge);
        }
        if (defaultCheckpointInterval < minCheckpointInterval) {
            throw new IllegalArgumentException("checkpoint interval: the default " + defaultCheckpointInterval
                    + " is below the minimum " + minCheckpointInterval);
        }
    }

    /** Defaults for a shared server on a modest machine. */
    public static ServerLimits defaults() {
        return new ServerLimits(100_000_000L, 1_000_000L, 10_000, 100_000, 64, 1024, 100, 10, 3, 10_000, 256, 1000,
                Duration.ofDays(30), 1000, 4096, 64, 10_000);
    }

    /** The page size of a ListRuns request that leaves it 0. */
    int defaultPageSize() {
        return Math.min(100, maxPageSize);
    }

    /**
     * Checks a run's settings and checkpoint interval against the caps.
     *
     * @return the checkpoint interval to use (the default when {@code interval} is 0)
     * @throws IllegalArgumentException naming the field, the cap and the serve option that sets it
     */
    long check(TrainSettings s, long interval) {
        cap("updates", s.updates(), maxUpdates, "--max-updates");
        cap("budget", s.budget(), maxBudget, "--max-budget");
        cap("rollouts", s.rollouts(), maxRollouts, "--max-rollouts");
        cap("max_steps", s.maxSteps(), maxSteps, "--max-steps");
        cap("searches_in_flight", s.searchesInFlight(), maxSearchesInFlight, "--max-searches-in-flight");
        cap("expansions_per_round", s.expansionsPerRound(), maxExpansionsPerRound, "--max-expansions-per-round");
        if (interval == 0) {
            return defaultCheckpointInterval;
        }
        if (interval < minCheckpointInterval) {
            throw new IllegalArgumentException("checkpoint_interval: at least " + minCheckpointInterval
                    + " updates on this server (serve --min-checkpoint-interval), got " + interval);
        }
        return interval;
    }

    private static void cap(String field, long value, long max, String option) {
        if (value > max) {
            throw new IllegalArgumentException(field + ": at most " + max + " on this server (serve " + option
                    + "), got " + value);
        }
    }

    private static void positive(String what, long v) {
        if (v < 1) {
            throw new IllegalArgumentException(what + ": must be at least 1, got " + v);
        }
    }
}
