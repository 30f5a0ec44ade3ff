package org.dirpg.env.remote;

/**
 * Every attempt of a call failed with a retryable status (UNAVAILABLE or DEADLINE_EXCEEDED); the message names each
 * endpoint tried and what it answered.
 */
public final class RemoteUnavailableException extends RuntimeException {
    public RemoteUnavailableException(String message, Throwable lastCause) {
        super(message, lastCause);
    }
}
