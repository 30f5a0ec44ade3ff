package org.dirpg.env.remote;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.dirpg.proto.env.v1.EnvironmentServiceGrpc;
import org.dirpg.proto.env.v1.EnvironmentServiceGrpc.EnvironmentServiceFutureStub;

/**
 * Unary calls spread round-robin over several channels, each attempt with its own deadline. An attempt that fails the
 * way a dying or restarting replica makes calls fail ({@link #retryable}) is retried at once on the next channel, up to
 * {@link RemoteOptions#maxAttempts()} attempts (a round); after a failed round, a call with a retry budget waits with
 * exponential backoff and jitter (0.1 s doubling to 5 s, each wait drawn from [b/2, b]) and tries another round, until
 * {@link RemoteOptions#retryBudget()} has passed. So a whole fleet restarting within the budget costs a run a pause,
 * not its life. Only safe for idempotent calls, which every call of the environment protocol is (a step is a pure
 * function of its token and action). Application errors are never retried.
 *
 * <p>Failures become domain exceptions: INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION and OUT_OF_RANGE become
 * {@link IllegalArgumentException}, exhausted retries {@link RemoteUnavailableException}, any other status
 * {@link IllegalStateException}; each message carries the status code, the server's description and the endpoint.
 */
final class FailoverCaller {
    private static final long FIRST_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** Failures remembered for the final message (the newest ones). */
    private static final int TRIED_SHOWN = 8;
    /**
     * What grpc-java and the HTTP/2 layer say when the connection under a call breaks (the replica died): reported as
     * UNKNOWN or INTERNAL, but a transport failure, not an answer of the application.
     */
    private static final Pattern TRANSPORT = Pattern.compile(
            "(?i).*(channel closed|connection closed|connection reset|broken pipe|rst.stream|goaway|stream closed"
                    + "|end of stream|network closed|connection refused|stream was reset).*", Pattern.DOTALL);
    private static final ScheduledExecutorService BACKOFF = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "dirpg-failover-backoff");
        t.setDaemon(true);
        return t;
    });

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

    /** One call in flight: its attempts so far and when it started. */
    private final class Call<T> {
        final String what;
        final Function<EnvironmentServiceFutureStub, ListenableFuture<T>> rpc;
        final int start;
        final long startNanos = System.nanoTime();
        final long budgetNanos;
        final Deque<String> tried = new ArrayDeque<>();
        final CompletableFuture<T> result = new CompletableFuture<>();
        int attempts;
        int rounds;

        Call(String what, Function<EnvironmentServiceFutureStub, ListenableFuture<T>> rpc, long budgetNanos) {
            this.what = what;
            this.rpc = rpc;
            this.budgetNanos = budgetNanos;
            this.start = Math.floorMod(next.getAndIncrement(), channels.size());
        }
    }

    /** Starts {@code rpc} on the next channel in turn, retrying within the retry budget. */
    <T> CompletableFuture<T> call(String what, Function<EnvironmentServiceFutureStub, ListenableFuture<T>> rpc) {
        Call<T> c = new Call<>(what, rpc, options.retryBudget().toNanos());
        attempt(c);
        return c.result;
    }

    /** Starts {@code rpc} for one round only (connecting: the caller is waiting and should hear of a bad address fast). */
    <T> CompletableFuture<T> callOnce(String what, Function<EnvironmentServiceFutureStub, ListenableFuture<T>> rpc) {
        Call<T> c = new Call<>(what, rpc, 0);
        attempt(c);
        return c.result;
    }

    private <T> void attempt(Call<T> c) {
        ManagedChannel channel = channels.get((c.start + c.attempts) % channels.size());
        c.attempts++;
        EnvironmentServiceFutureStub stub = EnvironmentServiceGrpc.newFutureStub(channel)
                .withDeadlineAfter(options.deadline().toNanos(), TimeUnit.NANOSECONDS);
        ListenableFuture<T> call;
        try {
            call = c.rpc.apply(stub);
        } catch (RuntimeException e) {
            c.result.completeExceptionally(e);
            return;
        }
        Futures.addCallback(call, new FutureCallback<>() {
            @Override
            public void onSuccess(T value) {
                c.result.complete(value);
            }

            @Override
            public void onFailure(Throwable t) {
                failed(c, channel.authority(), t);
            }
        }, MoreExecutors.directExecutor());
    }

    private <T> void failed(Call<T> c, String endpoint, Throwable t) {
        Status status = Status.fromThrowable(t);
        if (refusedForWantOfACertificate(t)) {
            c.result.completeExceptionally(new IllegalArgumentException("--remote: the env server at " + endpoint
                    + " requires a client certificate (mutual TLS), so a bearer token alone is refused at the TLS "
                    + "handshake; give --remote-cert and --remote-key (a certificate its CA signed)", t));
            return;
        }
        if (!retryable(status, t)) {
            c.result.completeExceptionally(applicationError(c.what, endpoint, status, t));
            return;
        }
        c.tried.addLast(endpoint + " (" + status.getCode() + ": " + status.getDescription() + ")");
        if (c.tried.size() > TRIED_SHOWN) {
            c.tried.removeFirst();
        }
        if (c.attempts % options.maxAttempts() != 0) {
            attempt(c);
            return;
        }
        long backoff = Math.min(MAX_BACKOFF_NANOS, FIRST_BACKOFF_NANOS << Math.min(c.rounds, 20));
        long wait = backoff / 2 + ThreadLocalRandom.current().nextLong(backoff / 2 + 1);
        long elapsed = System.nanoTime() - c.startNanos;
        if (elapsed + wait > c.budgetNanos) {
            c.result.completeExceptionally(new RemoteUnavailableException(c.what + " failed after " + c.attempts
                    + " attempts in " + String.format("%.1f", elapsed / 1e9) + " s; endpoints tried (newest "
                    + c.tried.size() + "): " + String.join(", ", c.tried), t));
            return;
        }
        c.rounds++;
        BACKOFF.schedule(() -> attempt(c), wait, TimeUnit.NANOSECONDS);
    }

    /**
     * The domain exception of a failure that is not retried: INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION and
     * OUT_OF_RANGE become {@link IllegalArgumentException}, any other status {@link IllegalStateException} naming
     * {@code what}; the message carries the code, the endpoint and {@code status}'s description.
     */
    static RuntimeException applicationError(String what, String endpoint, Status status, Throwable t) {
        String message = status.getCode() + " from " + endpoint + ": " + status.getDescription();
        return switch (status.getCode()) {
            case INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION, OUT_OF_RANGE -> new IllegalArgumentException(message, t);
            default -> new IllegalStateException(what + ": " + message, t);
        };
    }

    /**
     * Waits for {@code future} and rethrows its failure as is (not wrapped in an ExecutionException). The wait is
     * interruptible: a server stopping while the fleet is down interrupts a call that would otherwise retry for its
     * whole budget, and it ends with {@link RemoteUnavailableException} (the interrupt flag kept).
     */
    static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new CompletionException(e.getCause());
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new RemoteUnavailableException("interrupted while waiting for the env servers", e);
        }
    }

    /**
     * Whether a failure is the transport's, as a dying, restarting or overloaded replica causes: UNAVAILABLE,
     * DEADLINE_EXCEEDED and CANCELLED (a server shutting down resets its streams), and UNKNOWN or INTERNAL when the
     * cause is an I/O failure or the description is one of a broken connection (grpc-java reports a replica dying
     * mid-call as UNKNOWN "channel closed"). An application's own errors (any other code, or UNKNOWN from an exception
     * in the server's handler) are not retried.
     */
    /**
     * Whether the TLS handshake failed because the server asked for a client certificate this client did not send
     * (TLS 1.3's alert certificate_required; netty's BoringSSL reports TLSV1_ALERT_CERTIFICATE_REQUIRED). Retrying
     * cannot help: it is configuration.
     */
    static boolean refusedForWantOfACertificate(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c.getMessage() != null
                    && c.getMessage().toLowerCase(java.util.Locale.ROOT).contains("alert_certificate_required")) {
                return true;
            }
        }
        return false;
    }

    static boolean retryable(Status status, Throwable t) {
        switch (status.getCode()) {
            case UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED:
                return true;
            case UNKNOWN, INTERNAL:
                for (Throwable c = status.getCause() != null ? status.getCause() : t; c != null; c = c.getCause()) {
                    if (c instanceof IOException) {
                        return true;
                    }
                }
                String d = status.getDescription();
                return d != null && TRANSPORT.matcher(d).matches();
            case RESOURCE_EXHAUSTED:
                String r = status.getDescription();
                return r != null && r.contains("Concurrent RPC limit");
            default:
                return false;
        }
    }
}
