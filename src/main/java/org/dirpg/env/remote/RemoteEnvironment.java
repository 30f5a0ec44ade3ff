package org.dirpg.env.remote;

import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.dirpg.env.Environment;
import org.dirpg.env.EnvironmentSpec;
import org.dirpg.env.State;
import org.dirpg.env.TensorSpec;
import org.dirpg.env.Transition;
import org.dirpg.proto.env.v1.DescribeEnvironmentRequest;
import org.dirpg.proto.env.v1.DescribeEnvironmentResponse;
import org.dirpg.proto.env.v1.ResetEnvironmentRequest;
import org.dirpg.proto.env.v1.StepBatchRequest;
import org.dirpg.proto.env.v1.StepBatchResponse;
import org.dirpg.proto.env.v1.StepItem;
import org.dirpg.proto.env.v1.StepResult;

/**
 * An {@link Environment} served over the environment protocol ({@code proto/dirpg/env/v1}) by one or several
 * servers that share a token key (a fleet).
 *
 * <p>States are {@link RemoteState}s holding opaque state tokens that carry the whole environment state, so
 * {@link #step} stays a pure function of (state, action) from the caller's view, and any server of the fleet can
 * step any token. Calls go round-robin over the endpoints, each with a deadline; an attempt that fails with
 * UNAVAILABLE or DEADLINE_EXCEEDED is retried on the next endpoint (see {@link FailoverCaller}), so a server that
 * dies mid-run loses no steps. {@link #stepBatch} sends a batch as one request on the calling thread's
 * StepStream (one long-lived stream per thread, i.e. per search in flight: {@link StepStreams}), falling back to
 * unary StepBatch calls, without an error, against a server that has no StepStream (UNIMPLEMENTED) or when the
 * stream breaks; a batch over {@link RemoteOptions#maxMessageBytes()} is split into several concurrent unary calls.
 * The {@code *Async} variants use unary calls, spread round-robin, so that several batches can be in flight at once,
 * overlapping their round trips.
 *
 * <p>Call order: {@link #connect} (or the constructor), which fetches the spec with DescribeEnvironment; then as
 * {@link Environment}; then {@link #close()}, which shuts the channels down. Thread-safe.
 *
 * <p>The protocol carries the upper bound of the return-to-go but no lower bound, no tabular index, no
 * feasibility flag and no interaction count: remote states use the {@link State} defaults for those, and every
 * remote step counts one interaction.
 */
public final class RemoteEnvironment implements Environment {
    private final String envId;
    private final List<ManagedChannel> channels;
    private final FailoverCaller caller;
    private final StepStreams streams;
    /** The server's step socket when it offers one on this host (one endpoint), else null. */
    private final StepSocket socket;
    private final RemoteOptions options;
    private final EnvironmentSpec spec;
    private final int observationWireBytes;

    /**
     * A client over channels to {@code endpoints}, which it owns, with {@link RemoteOptions#credentials()} (TLS and a
     * bearer token, or plaintext).
     *
     * @throws IllegalArgumentException when no endpoint serves {@code envId}
     * @throws RemoteUnavailableException when no endpoint answers
     */
    public static RemoteEnvironment connect(String envId, EndpointList endpoints, RemoteOptions options) {
        List<ManagedChannel> channels = new ArrayList<>();
        for (EndpointList.Endpoint e : endpoints.endpoints()) {
            channels.add(Grpc.newChannelBuilderForAddress(e.host(), e.port(), options.credentials().channelCredentials())
                    .intercept(options.credentials().interceptors())
                    .maxInboundMessageSize(options.maxMessageBytes())
                    .build());
        }
        return new RemoteEnvironment(envId, channels, options);
    }

    /**
     * A client over a mix of plain endpoints ({@code host:port}) and gRPC target URIs (anything with {@code ://}, e.g.
     * {@code dns:///minigrid:50061}, the address of a docker-compose fleet): a target gets one channel that resolves
     * every address behind the name and balances calls over them round-robin; failover then also moves between
     * the channels given.
     */
    public static RemoteEnvironment connectTargets(String envId, List<String> addresses, RemoteOptions options) {
        List<String> plain = new ArrayList<>();
        List<ManagedChannel> channels = new ArrayList<>();
        for (String a : addresses) {
            if (a.contains("://")) {
                channels.add(Grpc.newChannelBuilder(a.strip(), options.credentials().channelCredentials())
                        .intercept(options.credentials().interceptors())
                        .defaultLoadBalancingPolicy("round_robin")
                        .maxInboundMessageSize(options.maxMessageBytes())
                        .build());
            } else {
                plain.add(a);
            }
        }
        if (!plain.isEmpty()) {
            for (EndpointList.Endpoint e : EndpointList.parse(String.join(",", plain)).endpoints()) {
                channels.add(Grpc.newChannelBuilderForAddress(e.host(), e.port(),
                                options.credentials().channelCredentials())
                        .intercept(options.credentials().interceptors())
                        .maxInboundMessageSize(options.maxMessageBytes())
                        .build());
            }
        }
        if (channels.isEmpty()) {
            throw new IllegalArgumentException("remote endpoints: none given; expected host:port or a target like dns:///host:port");
        }
        return new RemoteEnvironment(envId, channels, options);
    }

    /**
     * A client over {@code channels} (e.g. in-process ones), taking ownership of them: {@link #close()} shuts them
     * down, and so does a failure here.
     */
    public RemoteEnvironment(String envId, List<ManagedChannel> channels, RemoteOptions options) {
        this.envId = envId;
        this.channels = List.copyOf(channels);
        this.options = options;
        this.caller = new FailoverCaller(this.channels, options);
        this.streams = new StepStreams(this.channels, options);
        try {
            DescribeEnvironmentResponse d = FailoverCaller.await(caller.callOnce("DescribeEnvironment(" + envId + ")",
                    stub -> stub.describeEnvironment(DescribeEnvironmentRequest.newBuilder().setEnvId(envId).build())));
            this.spec = ProtoSpecs.fromProto(d.getEnvironment());
            if (!spec.id().equals(envId)) {
                throw new IllegalStateException("asked to describe " + envId + ", the server described " + spec.id());
            }
            this.socket = this.channels.size() == 1
                    ? StepSocket.of(d.getEnvironment().getStepSocket(), this.channels.get(0).authority(), options)
                    : null;
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        int framed = ProtoTensors.observationBytes(spec.observation());
        for (TensorSpec t : spec.observation()) {
            framed += t.name().length() + 8 * t.shape().length + 16;
        }
        this.observationWireBytes = framed;
    }

    /** Always true: every call is a round trip to an env server. */
    @Override
    public boolean isRemote() {
        return true;
    }

    @Override
    public EnvironmentSpec spec() {
        return spec;
    }

    /** Batches {@link #stepBatch} sent over step streams so far (the others went as unary StepBatch calls). */
    long streamedBatches() {
        return streams.answered();
    }

    /** Batches {@link #stepBatch} sent over the server's step socket so far (0 when it offers none here). */
    public long socketBatches() {
        return socket == null ? 0 : socket.answered();
    }

    /** The endpoints this client calls, in round-robin order. */
    public List<String> endpoints() {
        return caller.endpoints();
    }

    @Override
    public State reset(long seed) {
        return FailoverCaller.await(resetAsync(seed));
    }

    /** {@link #reset} without waiting. */
    public CompletableFuture<State> resetAsync(long seed) {
        ResetEnvironmentRequest request = ResetEnvironmentRequest.newBuilder().setEnvId(envId).setSeed(seed).build();
        return caller.call("ResetEnvironment(" + envId + ", seed " + seed + ")", stub -> stub.resetEnvironment(request))
                .thenApply(r -> {
                    try {
                        return RemoteState.of(envId, spec.featureSize(), r.getState());
                    } catch (IllegalArgumentException e) {
                        throw new IllegalStateException(envId + ": the server returned an invalid reset state: "
                                + e.getMessage(), e);
                    }
                });
    }

    @Override
    public Transition step(State state, int action) {
        return stepBatch(List.of(state), new int[] {action}).get(0);
    }

    /**
     * Steps the batch over the server's step socket ({@link StepSocket}) when it offers one on this host and the batch
     * fits one message, else over the calling thread's StepStream ({@link StepStreams}), else (or when the endpoint
     * has no stream, or the stream broke) as {@link #stepBatchAsync} does, with unary calls.
     */
    @Override
    public List<Transition> stepBatch(List<State> states, int[] actions) {
        List<RemoteState> remote = own(states, actions);
        List<int[]> chunks = chunks(remote);
        if (chunks.size() == 1 && (socket != null || streams.available())) {
            StepBatchRequest request = request(remote, actions, 0, actions.length);
            StepBatchResponse response = socket == null ? null : socket.step(request, what(actions.length));
            if (response == null && streams.available()) {
                response = streams.step(request, what(actions.length));
            }
            if (response != null) {
                return transitions(response, actions.length);
            }
        }
        return FailoverCaller.await(send(remote, actions, chunks));
    }

    /**
     * {@link #stepBatch} without waiting: the batch is sent at once (as one call, or as several concurrent calls when
     * it exceeds the message-size limit) and the future completes with item i's transition at index i.
     *
     * @throws IllegalArgumentException at once when the sizes differ or a state is not a state of this environment
     */
    public CompletableFuture<List<Transition>> stepBatchAsync(List<State> states, int[] actions) {
        List<RemoteState> remote = own(states, actions);
        return send(remote, actions, chunks(remote));
    }

    /** The states as this environment's, checked against the actions. */
    private List<RemoteState> own(List<State> states, int[] actions) {
        if (states.size() != actions.length) {
            throw new IllegalArgumentException("stepBatch got " + states.size() + " states and " + actions.length
                    + " actions");
        }
        List<RemoteState> remote = new ArrayList<>(actions.length);
        for (int i = 0; i < actions.length; i++) {
            remote.add(own(states.get(i), i));
        }
        return remote;
    }

    /** The batch's [from, to) chunks under the message-size limit. */
    private List<int[]> chunks(List<RemoteState> states) {
        int[] tokenBytes = new int[states.size()];
        for (int i = 0; i < tokenBytes.length; i++) {
            tokenBytes[i] = states.get(i).token().size();
        }
        return StepBatchSplitter.chunks(tokenBytes, observationWireBytes, envId.length(), options.maxMessageBytes());
    }

    /** Unary StepBatch calls, one per chunk, all at once; item i's transition at index i. */
    private CompletableFuture<List<Transition>> send(List<RemoteState> remote, int[] actions, List<int[]> chunks) {
        List<CompletableFuture<List<Transition>>> parts = new ArrayList<>(chunks.size());
        for (int[] c : chunks) {
            StepBatchRequest request = request(remote, actions, c[0], c[1]);
            int n = c[1] - c[0];
            parts.add(caller.call(what(n), stub -> stub.stepBatch(request)).thenApply(r -> transitions(r, n)));
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            List<Transition> out = new ArrayList<>(actions.length);
            for (CompletableFuture<List<Transition>> p : parts) {
                out.addAll(p.join());
            }
            return out;
        });
    }

    private StepBatchRequest request(List<RemoteState> states, int[] actions, int from, int to) {
        StepBatchRequest.Builder b = StepBatchRequest.newBuilder().setEnvId(envId);
        for (int i = from; i < to; i++) {
            b.addItems(StepItem.newBuilder().setStateToken(states.get(i).token()).setAction(actions[i]));
        }
        return b.build();
    }

    private String what(int items) {
        return "StepBatch(" + envId + ", " + items + " items)";
    }

    private List<Transition> transitions(StepBatchResponse response, int expected) {
        if (response.getResultsCount() != expected) {
            throw new IllegalStateException(envId + ": StepBatch of " + expected + " items returned "
                    + response.getResultsCount() + " results");
        }
        List<Transition> out = new ArrayList<>(expected);
        for (StepResult r : response.getResultsList()) {
            try {
                RemoteState next = RemoteState.of(envId, spec.featureSize(), r.getNext());
                int interactions = r.hasInteractions() ? r.getInteractions() : 1;
                out.add(new Transition(next, r.getReward(), r.getTerminated(), r.getTruncated(), interactions));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(envId + ": the server returned an invalid step result: "
                        + e.getMessage(), e);
            }
        }
        return out;
    }

    private RemoteState own(State state, int item) {
        if (state instanceof RemoteState r && r.envId().equals(envId)) {
            return r;
        }
        throw new IllegalArgumentException("item " + item + " is " + state + ", not a state of remote environment "
                + envId);
    }

    /** Ends the step streams and shuts the channels down, waiting up to a second for calls in flight. */
    @Override
    public void close() {
        if (streams != null) {
            streams.close();
        }
        if (socket != null) {
            socket.close();
        }
        for (ManagedChannel c : channels) {
            c.shutdown();
        }
        for (ManagedChannel c : channels) {
            try {
                if (!c.awaitTermination(1, TimeUnit.SECONDS)) {
                    c.shutdownNow();
                }
            } catch (InterruptedException e) {
                c.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
    }
}
