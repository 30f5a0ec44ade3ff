package org.dirpg.cli;

import java.time.Duration;
import org.dirpg.server.train.ServerLimits;
import picocli.CommandLine.Option;

/** The {@code serve} options that cap what one request may ask of the server ({@link ServerLimits}). */
public final class LimitOptions {
    private static final ServerLimits D = ServerLimits.defaults();

    @Option(names = "--max-updates", description = "Most updates one run may ask for (default: 100000000).")
    long maxUpdates = D.maxUpdates();

    @Option(names = "--max-budget", description = "Most interactions one DirPG search may ask for (default: 1000000).")
    long maxBudget = D.maxBudget();

    @Option(names = "--max-rollouts", description = "Most REINFORCE/CEM rollouts per update (default: 10000).")
    int maxRollouts = D.maxRollouts();

    @Option(names = "--max-steps", description = "Longest rollout a run may ask for (default: 10000).")
    int maxSteps = D.maxSteps();

    @Option(names = "--max-searches-in-flight", description = "Most DirPG searches in flight per run (default: 64).")
    int maxSearchesInFlight = D.maxSearchesInFlight();

    @Option(names = "--max-expansions-per-round", description = "Most DirPG expansions per round (default: 1024).")
    int maxExpansionsPerRound = D.maxExpansionsPerRound();

    @Option(names = "--checkpoint-interval",
            description = "Checkpoint interval (updates) of runs whose spec leaves it 0 (default: 100).")
    long checkpointInterval = D.defaultCheckpointInterval();

    @Option(names = "--min-checkpoint-interval", description = "Smallest checkpoint interval a spec may ask for (default: 10).")
    long minCheckpointInterval = D.minCheckpointInterval();

    @Option(names = "--checkpoints-kept", description = "Checkpoint files kept per run (default: 3).")
    int checkpointsKept = D.checkpointsKept();

    @Option(names = "--metrics-in-memory",
            description = "Metrics per run kept in memory; older ones are read from the run store (default: 10000).")
    int metricsInMemory = D.metricsInMemory();

    @Option(names = "--max-queued-runs", description = "Most runs pending or running at once (default: 256).")
    int maxQueuedRuns = D.maxQueuedRuns();

    @Option(names = "--finished-runs-kept",
            description = "Ended runs kept; older ones are evicted with their metrics and checkpoints (default: 1000).")
    int finishedRunsKept = D.finishedRunsKept();

    @Option(names = "--finished-run-max-age", description = "Ended runs older than this are evicted, ISO-8601 (default: P30D).")
    Duration finishedRunMaxAge = D.finishedRunMaxAge();

    @Option(names = "--max-page-size", description = "Largest ListRuns page (default: 1000).")
    int maxPageSize = D.maxPageSize();

    @Option(names = "--max-act-observations", description = "Most observations in one Act call (default: 4096).")
    int maxActObservations = D.maxActObservations();

    @Option(names = "--max-queued-runs-per-owner", description = "Most runs pending or running at once for one owner, "
            + "admins excepted (default: 64).")
    int maxQueuedRunsPerOwner = D.maxQueuedRunsPerOwner();

    @Option(names = "--metrics-stored-per-run", description = "Most metrics rows of one run in the run store (about "
            + "100 bytes each); a longer run keeps every 2nd, 4th, ... older update, its newest always "
            + "(default: 10000).")
    int metricsStoredPerRun = D.metricsStoredPerRun();

    ServerLimits toLimits() {
        return new ServerLimits(maxUpdates, maxBudget, maxRollouts, maxSteps, maxSearchesInFlight, maxExpansionsPerRound,
                checkpointInterval, minCheckpointInterval, checkpointsKept, metricsInMemory, maxQueuedRuns,
                finishedRunsKept, finishedRunMaxAge, maxPageSize, maxActObservations, maxQueuedRunsPerOwner,
                metricsStoredPerRun);
    }
}
