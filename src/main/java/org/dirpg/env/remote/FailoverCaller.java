package org.dirpg.env.remote;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.dirpg.proto.env.v1.EnvironmentServiceGrpc;
import org.dirpg.proto.env.v1.EnvironmentServiceGrpc.EnvironmentServiceFutureStub;

/**
 * Unary calls spread round-robin over several channels, each attempt with its own deadline; an attempt that fails
 * with UNAVAILABLE, DEADLINE_EXCEEDED or CANCELLED (a server shutting down resets its open streams) is retried on
 * the next channel (safe: a step is a pure function of its token), up to {@link RemoteOptions#maxAttempts()}
 * attempts. Only safe for idempotent calls, which every call of the environment protocol is (a step is a pure
 * function of its token and action).
 *
 * <p>Failures become domain exceptions: INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION and OUT_OF_RANGE become
 * {@link IllegalArgumentException}, exhausted retries {@link RemoteUnavailableException}, any other status
 * {@link IllegalStateException}; each message carries the status code, the server's description and the endpoint.
 */
final class FailoverCaller {
    private final List<ManagedChannel> channels;
    private final RemoteOptions options;
    private final AtomicInteger next = new AtomicInteger();

    FailoverCaller(List<ManagedChannel> channels, RemoteOptions options) {
        if (channels.isEmpty()) {
            throw new IllegalArgumentException("a remote environment needs at least one channel");
        }
        this.channels = List.copyOf(channels);
        this.options = options;
    }

    /** The endpoints, as the channels name them. */
    List<String> endpoints() {
        return channels.stream().map(ManagedChannel::authority).toList();
    }

    /** Starts {@code rpc} on the next channel in turn; the future fails with one of the exceptions above. */
    <T> CompletableFuture<T> call(String what, Function<EnvironmentServiceFutureStub, ListenableFuture<T>> rpc) {
        CompletableFuture<T> result = new CompletableFuture<>();
        int start = Math.floorMod(next.getAndIncrement(), channels.size());
        attempt(what, rpc, start, 0, new ArrayList<>(), result);
        return result;
    }

    private <T> void attempt(String what, Function<EnvironmentServiceFutureStub, ListenableFuture<T>> rpc, int start,
                             int attempt, List<String> tried, CompletableFuture<T> result) {
        ManagedChannel channel = channels.get((start + attempt) % channels.size());
        EnvironmentServiceFutureStub stub = EnvironmentServiceGrpc.newFutureStub(channel)
                .withDeadlineAfter(options.deadline().toNanos(), TimeUnit.NANOSECONDS);
        ListenableFuture<T> call;
        try {
            call = rpc.apply(stub);
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
            return;
        }
        Futures.addCallback(call, new FutureCallback<>() {
            @Override
            public void onSuccess(T value) {
                result.complete(value);
            }

            @Override
            public void onFailure(Throwable t) {
                Status status = Status.fromThrowable(t);
                String endpoint = channel.authority();
                if (retryable(status.getCode())) {
                    tried.add(endpoint + " (" + status.getCode() + ": " + status.getDescription() + ")");
                    if (attempt + 1 < options.maxAttempts()) {
                        attempt(what, rpc, start, attempt + 1, tried, result);
                    } else {
                        result.completeExceptionally(new RemoteUnavailableException(what + " failed after "
                                + tried.size() + " attempts; endpoints tried: " + String.join(", ", tried), t));
                    }
                    return;
                }
                String message = status.getCode() + " from " + endpoint + ": " + status.getDescription();
                switch (status.getCode()) {
                    case INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION, OUT_OF_RANGE ->
                            result.completeExceptionally(new IllegalArgumentException(message, t));
                    default -> result.completeExceptionally(new IllegalStateException(what + ": " + message, t));
                }
            }
        }, MoreExecutors.directExecutor());
    }

    /** Waits for {@code future} and rethrows its failure as is (not wrapped in a CompletionException). */
    static <T> T await(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    /** Transport failures a replica can cause; every call here is idempotent, so any of them may be retried. */
    static boolean retryable(Status.Code code) {
        return code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED || code == Status.Code.CANCELLED;
    }
}
