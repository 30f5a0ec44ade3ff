package org.dirpg.env.remote;

import java.time.Duration;

/**
 * How a {@link RemoteEnvironment} calls its servers.
 *
 * @param deadline        the deadline of each call (each attempt gets a fresh one)
 * @param maxAttempts     attempts per call before giving up; an attempt that fails with UNAVAILABLE or
 *                        DEADLINE_EXCEEDED is retried on the next endpoint (stepping is pure, so retrying is safe)
 * @param maxMessageBytes the largest message sent or received; larger step batches are split into several calls
 */
public record RemoteOptions(Duration deadline, int maxAttempts, int maxMessageBytes) {
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
    }

    /** 10 s deadlines, 4 attempts, 4 MiB messages. */
    public static RemoteOptions defaults() {
        return new RemoteOptions(Duration.ofSeconds(10), 4, DEFAULT_MAX_MESSAGE_BYTES);
    }

    public RemoteOptions withDeadline(Duration d) {
        return new RemoteOptions(d, maxAttempts, maxMessageBytes);
    }

    public RemoteOptions withMaxAttempts(int n) {
        return new RemoteOptions(deadline, n, maxMessageBytes);
    }

    public RemoteOptions withMaxMessageBytes(int n) {
        return new RemoteOptions(deadline, maxAttempts, n);
    }
}
