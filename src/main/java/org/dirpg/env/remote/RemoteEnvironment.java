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
 * dies mid-run loses no steps. {@link #stepBatch} crosses the network in one StepBatch call, split into several
 * (concurrent) calls only when it would exceed {@link RemoteOptions#maxMessageBytes()}. The {@code *Async}
 * variants let several searches keep batches in flight at once, overlapping their round trips.
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
        try {
            DescribeEnvironmentResponse d = FailoverCaller.await(caller.callOnce("DescribeEnvironment(" + envId + ")",
                    stub -> stub.describeEnvironment(DescribeEnvironmentRequest.newBuilder().setEnvId(envId).build())));
            this.spec = ProtoSpecs.fromProto(d.getEnvironment());
            if (!spec.id().equals(envId)) {
                throw new IllegalStateException("asked to describe " + envId + ", the server described " + spec.id());
            }
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

    @Override
    public List<Transition> stepBatch(List<State> states, int[] actions) {
        return FailoverCaller.await(stepBatchAsync(states, actions));
    }

    /**
     * {@link #stepBatch} without waiting: the batch is sent at once (as one call, or as several concurrent calls when
     * it exceeds the message-size limit) and the future completes with item i's transition at index i.
     *
     * @throws IllegalArgumentException at once when the sizes differ or a state is not a state of this environment
     */
    public CompletableFuture<List<Transition>> stepBatchAsync(List<State> states, int[] actions) {
        if (states.size() != actions.length) {
            throw new IllegalArgumentException("stepBatch got " + states.size() + " states and " + actions.length
                    + " actions");
        }
        int[] tokenBytes = new int[actions.length];
        List<RemoteState> remote = new ArrayList<>(actions.length);
        for (int i = 0; i < actions.length; i++) {
            RemoteState s = own(states.get(i), i);
            remote.add(s);
            tokenBytes[i] = s.token().size();
        }
        List<int[]> chunks = StepBatchSplitter.chunks(tokenBytes, observationWireBytes, envId.length(),
                options.maxMessageBytes());
        List<CompletableFuture<List<Transition>>> parts = new ArrayList<>(chunks.size());
        for (int[] c : chunks) {
            parts.add(sendChunk(remote, actions, c[0], c[1]));
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            List<Transition> out = new ArrayList<>(actions.length);
            for (CompletableFuture<List<Transition>> p : parts) {
                out.addAll(p.join());
            }
            return out;
        });
    }

    private CompletableFuture<List<Transition>> sendChunk(List<RemoteState> states, int[] actions, int from, int to) {
        StepBatchRequest.Builder b = StepBatchRequest.newBuilder().setEnvId(envId);
        for (int i = from; i < to; i++) {
            b.addItems(StepItem.newBuilder().setStateToken(states.get(i).token()).setAction(actions[i]));
        }
        StepBatchRequest request = b.build();
        return caller.call("StepBatch(" + envId + ", " + (to - from) + " items)", stub -> stub.stepBatch(request))
                .thenApply(r -> transitions(r, to - from));
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

    /** Shuts the channels down, waiting up to a second for calls in flight. */
    @Override
    public void close() {
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
