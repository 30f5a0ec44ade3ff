package org.dirpg.env.remote;

import java.time.Duration;

/**
 * How a {@link RemoteEnvironment} calls its servers.
 *
 * @param deadline        the deadline of each call (each attempt gets a fresh one)
 * @param maxAttempts     attempts per round: an attempt that fails with a transport failure (see
 *                        {@link FailoverCaller#retryable}) is retried at once on the next endpoint, up to this many
 *                        times (stepping is pure, so retrying is safe); connecting gives up after one round
 * @param maxMessageBytes the largest message sent or received; larger step batches are split into several calls
 * @param retryBudget     how long a reset or step keeps trying after a failed round, with exponential backoff and
 *                        jitter between rounds, so that a fleet restarting for a few seconds does not fail a run;
 *                        zero = one round only
 * @param credentials     TLS trust, client certificate and bearer token for the servers; default
 *                        {@link RemoteCredentials#NONE}
 */
public record RemoteOptions(Duration deadline, int maxAttempts, int maxMessageBytes, Duration retryBudget,
                            RemoteCredentials credentials) {
    /** gRPC's default inbound limit. */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

    public RemoteOptions {
        if (deadline == null || deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("deadline must be positive, got " + deadline);
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1, got " + maxAttempts);
        }
        if (maxMessageBytes < 1024) {
            throw new IllegalArgumentException("maxMessageBytes must be >= 1024, got " + maxMessageBytes);
        }
        if (retryBudget == null || retryBudget.isNegative()) {
            throw new IllegalArgumentException("retryBudget must be >= 0, got " + retryBudget);
        }
        if (credentials == null) {
            credentials = RemoteCredentials.NONE;
        }
    }

    /** Options without credentials (plaintext, no token). */
    public RemoteOptions(Duration deadline, int maxAttempts, int maxMessageBytes, Duration retryBudget) {
        this(deadline, maxAttempts, maxMessageBytes, retryBudget, RemoteCredentials.NONE);
    }

    /** 10 s deadlines, 4 attempts per round, 4 MiB messages, 60 s of retries. */
    public static RemoteOptions defaults() {
        return new RemoteOptions(Duration.ofSeconds(10), 4, DEFAULT_MAX_MESSAGE_BYTES, Duration.ofSeconds(60));
    }

    public RemoteOptions withDeadline(Duration d) {
        return new RemoteOptions(d, maxAttempts, maxMessageBytes, retryBudget, credentials);
    }

    public RemoteOptions withMaxAttempts(int n) {
        return new RemoteOptions(deadline, n, maxMessageBytes, retryBudget, credentials);
    }

    public RemoteOptions withMaxMessageBytes(int n) {
        return new RemoteOptions(deadline, maxAttempts, n, retryBudget, credentials);
    }

    public RemoteOptions withRetryBudget(Duration d) {
        return new RemoteOptions(deadline, maxAttempts, maxMessageBytes, d, credentials);
    }

    public RemoteOptions withCredentials(RemoteCredentials c) {
        return new RemoteOptions(deadline, maxAttempts, maxMessageBytes, retryBudget, c);
    }
}
