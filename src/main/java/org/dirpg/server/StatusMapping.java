package org.dirpg.server;

import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.NoSuchElementException;
import java.util.function.Supplier;

/**
 * Maps domain exceptions to canonical gRPC status codes, once, at the edge of every service. Domain code throws
 * ordinary exceptions with messages that name the problem; the message travels intact as the status description.
 *
 * <ul>
 *   <li>{@link NoSuchElementException} (an unknown id) becomes NOT_FOUND;</li>
 *   <li>{@link IllegalArgumentException} (bad input: a malformed token, an illegal action) becomes INVALID_ARGUMENT;</li>
 *   <li>{@link IllegalStateException} (a call at the wrong time) becomes FAILED_PRECONDITION;</li>
 *   <li>{@link UnsupportedOperationException} becomes UNIMPLEMENTED;</li>
 *   <li>a status exception keeps its status; anything else is a server fault and becomes INTERNAL.</li>
 * </ul>
 */
public final class StatusMapping {
    private StatusMapping() {
    }

    /** The status a client should see for {@code error}, with its message as the description. */
    public static Status toStatus(Throwable error) {
        if (error instanceof StatusRuntimeException e) {
            return bounded(e.getStatus());
        }
        if (error instanceof StatusException e) {
            return bounded(e.getStatus());
        }
        Status status;
        if (error instanceof org.dirpg.env.remote.RemoteUnavailableException) {
            status = Status.UNAVAILABLE;
        } else if (error instanceof NoSuchElementException) {
            status = Status.NOT_FOUND;
        } else if (error instanceof IllegalArgumentException) {
            status = Status.INVALID_ARGUMENT;
        } else if (error instanceof IllegalStateException) {
            status = Status.FAILED_PRECONDITION;
        } else if (error instanceof UnsupportedOperationException) {
            status = Status.UNIMPLEMENTED;
        } else {
            status = Status.INTERNAL;
        }
        String message = error.getMessage() != null ? error.getMessage() : error.getClass().getName();
        return bounded(status.withDescription(message).withCause(error));
    }

    /** Longest status description sent: it travels in a header, whose limit (8 KiB by default) it must not break. */
    static final int MAX_DESCRIPTION = 1000;

    /**
     * {@code s} with its description cut to {@link #MAX_DESCRIPTION} characters: a last line of defence, as messages
     * quote client input already cut short, so that no input can turn a status into INTERNAL "header too large".
     */
    static Status bounded(Status s) {
        String d = s.getDescription();
        if (d == null || d.length() <= MAX_DESCRIPTION) {
            return s;
        }
        return s.withDescription(d.substring(0, MAX_DESCRIPTION) + "... (cut)");
    }

    /**
     * Completes a unary call: sends {@code body}'s result, or the mapped status when it throws. The service keeps
     * serving either way.
     */
    public static <T> void respond(StreamObserver<T> responses, Supplier<T> body) {
        T result;
        try {
            result = body.get();
        } catch (RuntimeException e) {
            responses.onError(toStatus(e).asRuntimeException());
            return;
        }
        responses.onNext(result);
        responses.onCompleted();
    }
}
