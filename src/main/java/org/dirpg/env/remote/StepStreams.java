package org.dirpg.env.remote;

import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.dirpg.proto.env.v1.EnvironmentServiceGrpc;
import org.dirpg.proto.env.v1.StepBatchRequest;
import org.dirpg.proto.env.v1.StepBatchResponse;

/**
 * StepBatch requests over the StepStream rpc: one bidirectional stream per calling thread (one per search in flight),
 * opened on the next channel in turn and used in lockstep (one request in flight on a stream), so a small batch skips
 * a unary call's set-up.
 *
 * <p>{@link #step} returns null whenever the unary StepBatch should carry the batch instead, and never fails for a
 * transport reason: the endpoint answered UNIMPLEMENTED (a server older than StepStream; remembered per channel, so
 * an old server is asked once and then only gets unary calls), the stream broke the way a dying replica breaks calls,
 * the answer missed {@link RemoteOptions#deadline()}, or the server refused one more stream (RESOURCE_EXHAUSTED: that
 * thread then calls unary for {@link #IDLE_CLOSE_MILLIS} before it asks for a stream again). The caller then sends
 * the batch through {@link FailoverCaller}, which retries and fails over, and the thread's next batch opens a new
 * stream. An application error (a bad token, an illegal action, an unknown env) fails as StepBatch's
 * would: the same exception type and message ({@link FailoverCaller#applicationError}), without the stream's
 * {@code "request <n>: "} prefix.
 *
 * <p>A stream idle for {@link #IDLE_CLOSE_MILLIS} is half-closed, so a thread that has stopped stepping does not keep
 * a server's stream open (on the Python env server, each open stream holds one of its threads).
 *
 * <p>Call order: {@link #step} any number of times from any threads, then {@link #close()}. Thread-safe.
 */
final class StepStreams implements AutoCloseable {
    /** A stream unused this long is closed. */
    static final long IDLE_CLOSE_MILLIS = 1000;
    private static final Pattern REQUEST_PREFIX = Pattern.compile("^request \\d+: ");
    private static final ScheduledExecutorService SWEEPER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "dirpg-step-stream-sweeper");
        t.setDaemon(true);
        return t;
    });
    private static final int IDLE = 0;
    private static final int BUSY = 1;
    private static final int CLOSED = 2;

    private final List<ManagedChannel> channels;
    private final RemoteOptions options;
    /** 1 where the channel's server answered UNIMPLEMENTED: no more streams there. */
    private final AtomicIntegerArray unimplemented;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicLong answered = new AtomicLong();
    private final ThreadLocal<Lane> lanes = new ThreadLocal<>();
    private final Set<Lane> open = ConcurrentHashMap.newKeySet();
    private final ScheduledFuture<?> sweeping;

    StepStreams(List<ManagedChannel> channels, RemoteOptions options) {
        this.channels = List.copyOf(channels);
        this.options = options;
        this.unimplemented = new AtomicIntegerArray(channels.size());
        this.sweeping = SWEEPER.scheduleWithFixedDelay(this::closeIdle, IDLE_CLOSE_MILLIS / 2, IDLE_CLOSE_MILLIS / 2,
                TimeUnit.MILLISECONDS);
    }

    /** Batches answered over streams so far (the others went as unary calls). */
    long answered() {
        return answered.get();
    }

    /** Whether any channel may still take a stream (false once every endpoint answered UNIMPLEMENTED). */
    boolean available() {
        for (int i = 0; i < channels.size(); i++) {
            if (unimplemented.get(i) == 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code request}'s response from the calling thread's stream, or null when the unary StepBatch should carry it
     * (see the class comment).
     *
     * @param what names the call in an error message, as {@link FailoverCaller#call} does
     * @throws IllegalArgumentException or IllegalStateException for an application error, as StepBatch's
     * @throws RemoteUnavailableException when the thread is interrupted while waiting (the interrupt flag kept)
     */
    StepBatchResponse step(StepBatchRequest request, String what) {
        Lane lane = lanes.get();
        if (lane != null && lane.refusedUntilNanos - System.nanoTime() > 0) {
            return null; // the server had no room for this thread's stream a moment ago
        }
        if (lane == null || !lane.state.compareAndSet(IDLE, BUSY)) {
            lane = openLane();
            if (lane == null) {
                return null;
            }
            lanes.set(lane);
        }
        CompletableFuture<StepBatchResponse> answer = new CompletableFuture<>();
        lane.pending = answer;
        if (lane.state.get() == CLOSED && !answer.isDone()) { // the stream ended before the answer was awaited
            Throwable why = lane.endedWith;
            return why == null ? null : failed(lane, what, why);
        }
        try {
            lane.requests.onNext(request);
        } catch (RuntimeException e) { // the call was already cancelled under us
            lane.end(null);
            return null;
        }
        try {
            StepBatchResponse response = answer.get(options.deadline().toNanos(), TimeUnit.NANOSECONDS);
            lane.lastUsedNanos = System.nanoTime();
            lane.state.compareAndSet(BUSY, IDLE);
            answered.incrementAndGet();
            return response;
        } catch (TimeoutException e) {
            lane.end("no answer within the deadline " + options.deadline());
            return null;
        } catch (InterruptedException e) {
            lane.end("interrupted");
            Thread.currentThread().interrupt();
            throw new RemoteUnavailableException("interrupted while waiting for the env servers", e);
        } catch (ExecutionException e) {
            return failed(lane, what, e.getCause());
        }
    }

    private StepBatchResponse failed(Lane lane, String what, Throwable t) {
        Status status = Status.fromThrowable(t);
        if (status.getCode() == Status.Code.RESOURCE_EXHAUSTED) { // no room for one more stream: unary for a while
            lane.refusedUntilNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(IDLE_CLOSE_MILLIS);
            return null;
        }
        if (status.getCode() == Status.Code.UNIMPLEMENTED // an old server (ended() remembered it)
                || FailoverCaller.retryable(status, t)) {
            return null;
        }
        String description = status.getDescription() == null ? null
                : REQUEST_PREFIX.matcher(status.getDescription()).replaceFirst("");
        throw FailoverCaller.applicationError(what, channels.get(lane.channel).authority(),
                status.withDescription(description), t);
    }

    /** A new busy stream on the next channel that may take one, or null when none may. */
    private Lane openLane() {
        for (int tries = 0; tries < channels.size(); tries++) {
            int c = Math.floorMod(next.getAndIncrement(), channels.size());
            if (unimplemented.get(c) == 0) {
                Lane lane = new Lane(c);
                open.add(lane);
                EnvironmentServiceGrpc.newStub(channels.get(c)).withExecutor(MoreExecutors.directExecutor())
                        .stepStream(lane);
                return lane;
            }
        }
        return null;
    }

    private void closeIdle() {
        long now = System.nanoTime();
        for (Lane lane : open) {
            if (now - lane.lastUsedNanos > TimeUnit.MILLISECONDS.toNanos(IDLE_CLOSE_MILLIS)
                    && lane.state.compareAndSet(IDLE, CLOSED)) {
                open.remove(lane);
                lane.requests.onCompleted();
            }
        }
    }

    /** Ends every stream: idle ones are half-closed, busy ones cancelled. */
    @Override
    public void close() {
        sweeping.cancel(false);
        for (Lane lane : open) {
            if (lane.state.compareAndSet(IDLE, CLOSED)) {
                lane.requests.onCompleted();
            } else {
                lane.end("the remote environment was closed");
            }
            open.remove(lane);
        }
    }

    /**
     * One stream: its request side (used by one thread at a time, which {@link #state} hands over) and the answer
     * awaited. grpc-java calls the response side on its transport thread (direct executor), one event at a time.
     */
    private final class Lane implements ClientResponseObserver<StepBatchRequest, StepBatchResponse> {
        final int channel;
        final AtomicInteger state = new AtomicInteger(BUSY);
        volatile long lastUsedNanos = System.nanoTime();
        volatile CompletableFuture<StepBatchResponse> pending;
        /** How the server ended the stream (null while it is open, or when this client ended it). */
        volatile Throwable endedWith;
        /** Set when the server refused the stream (RESOURCE_EXHAUSTED): the owner thread calls unary until then. */
        long refusedUntilNanos = System.nanoTime();
        ClientCallStreamObserver<StepBatchRequest> requests;

        Lane(int channel) {
            this.channel = channel;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<StepBatchRequest> requests) {
            this.requests = requests;
        }

        @Override
        public void onNext(StepBatchResponse response) {
            CompletableFuture<StepBatchResponse> p = pending;
            pending = null;
            if (p != null) {
                p.complete(response);
            }
        }

        @Override
        public void onError(Throwable t) {
            ended(t);
        }

        @Override
        public void onCompleted() {
            ended(Status.UNAVAILABLE.withDescription("the server ended the step stream").asRuntimeException());
        }

        private void ended(Throwable t) {
            if (Status.fromThrowable(t).getCode() == Status.Code.UNIMPLEMENTED) {
                unimplemented.set(channel, 1);
            }
            endedWith = t;
            state.set(CLOSED);
            open.remove(this);
            CompletableFuture<StepBatchResponse> p = pending;
            pending = null;
            if (p != null) {
                p.completeExceptionally(t);
            }
        }

        /** Cancels the stream (a null reason: it is already over); the owner thread then opens a new one. */
        void end(String reason) {
            state.set(CLOSED);
            open.remove(this);
            if (reason != null) {
                requests.cancel(reason, null);
            }
        }
    }
}
