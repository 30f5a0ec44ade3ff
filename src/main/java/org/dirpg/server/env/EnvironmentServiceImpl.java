package org.dirpg.server.env;

import com.google.protobuf.ByteString;
import io.grpc.stub.StreamObserver;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import org.dirpg.env.EncodableEnvironment;
import org.dirpg.env.Environment;
import org.dirpg.env.EnvironmentSpec;
import org.dirpg.env.State;
import org.dirpg.env.Transition;
import org.dirpg.env.remote.ProtoSpecs;
import org.dirpg.env.remote.ProtoTensors;
import org.dirpg.proto.env.v1.DescribeEnvironmentRequest;
import org.dirpg.proto.env.v1.DescribeEnvironmentResponse;
import org.dirpg.proto.env.v1.EnvironmentServiceGrpc;
import org.dirpg.proto.env.v1.ListEnvironmentsRequest;
import org.dirpg.proto.env.v1.ListEnvironmentsResponse;
import org.dirpg.proto.env.v1.ResetEnvironmentRequest;
import org.dirpg.proto.env.v1.ResetEnvironmentResponse;
import org.dirpg.proto.env.v1.StateView;
import org.dirpg.proto.env.v1.StepBatchRequest;
import org.dirpg.proto.env.v1.StepBatchResponse;
import org.dirpg.proto.env.v1.StepItem;
import org.dirpg.proto.env.v1.StepResult;
import org.dirpg.server.StatusMapping;

/**
 * The environment protocol ({@code proto/dirpg/env/v1}) for native {@link EncodableEnvironment}s, served by id.
 *
 * <p>State tokens are {@link StateTokens}: the env's {@code encode(state)} bytes, authenticated with the fleet's
 * HMAC key, which is checked before {@code decode} sees them. Observations are the spec's tensors in the spec's
 * dtypes. A reset without a seed uses the next draw of a {@link SplittableRandom} seeded at construction, so a
 * server's sequence of unseeded episodes is reproducible from its seed.
 *
 * <p>Errors are domain exceptions mapped at the edge by {@link StatusMapping}: an unknown env is NOT_FOUND; a
 * malformed, tampered or foreign token, an illegal action or reset options the env does not take are
 * INVALID_ARGUMENT; an env that fails on validated input (e.g. a non-finite reward) is INTERNAL naming the env.
 * A failed call leaves the server serving. The served environments must be safe to call from several threads, which
 * the pure {@code step} of the SPI makes natural.
 */
public final class EnvironmentServiceImpl extends EnvironmentServiceGrpc.EnvironmentServiceImplBase {
    /** Items one StepBatch may hold by default (the Python env server's default too). */
    public static final int DEFAULT_MAX_BATCH_ITEMS = 4096;

    private final Map<String, EncodableEnvironment> envs = new LinkedHashMap<>();
    private final StateTokens tokens;
    private final SplittableRandom seeds;
    private final int maxBatchItems;

    /**
     * @param envs the environments to serve, by their spec ids (which must be distinct)
     * @param key  the HMAC key shared by every server of the fleet (at least {@link StateTokens#MIN_KEY_BYTES})
     * @param seed seeds the generator of reset seeds for requests that leave the seed unset
     */
    public EnvironmentServiceImpl(Collection<? extends EncodableEnvironment> envs, byte[] key, long seed) {
        this(envs, key, seed, DEFAULT_MAX_BATCH_ITEMS);
    }

    /**
     * As {@link #EnvironmentServiceImpl(Collection, byte[], long)}, refusing a StepBatch of more than
     * {@code maxBatchItems} items with INVALID_ARGUMENT naming the cap.
     */
    public EnvironmentServiceImpl(Collection<? extends EncodableEnvironment> envs, byte[] key, long seed,
                                  int maxBatchItems) {
        if (maxBatchItems < 1) {
            throw new IllegalArgumentException("max batch items: must be at least 1, got " + maxBatchItems);
        }
        this.maxBatchItems = maxBatchItems;
        if (envs.isEmpty()) {
            throw new IllegalArgumentException("an environment server needs at least one environment");
        }
        for (EncodableEnvironment env : envs) {
            if (this.envs.putIfAbsent(env.spec().id(), env) != null) {
                throw new IllegalArgumentException("two environments share the id " + env.spec().id());
            }
        }
        this.tokens = new StateTokens(key);
        this.seeds = new SplittableRandom(seed);
    }

    /** A server whose tokens only it accepts: the key is random. */
    public EnvironmentServiceImpl(Collection<? extends EncodableEnvironment> envs, long seed) {
        this(envs, StateTokens.randomKey(), seed);
    }

    @Override
    public void listEnvironments(ListEnvironmentsRequest request, StreamObserver<ListEnvironmentsResponse> responses) {
        StatusMapping.respond(responses, () -> {
            ListEnvironmentsResponse.Builder b = ListEnvironmentsResponse.newBuilder();
            envs.values().forEach(e -> b.addEnvironments(describe(e)));
            return b.build();
        });
    }

    @Override
    public void describeEnvironment(DescribeEnvironmentRequest request,
                                    StreamObserver<DescribeEnvironmentResponse> responses) {
        StatusMapping.respond(responses, () -> DescribeEnvironmentResponse.newBuilder()
                .setEnvironment(describe(env(request.getEnvId()))).build());
    }

    @Override
    public void resetEnvironment(ResetEnvironmentRequest request, StreamObserver<ResetEnvironmentResponse> responses) {
        StatusMapping.respond(responses, () -> {
            EncodableEnvironment env = env(request.getEnvId());
            if (request.hasOptions() && request.getOptions().getFieldsCount() > 0) {
                throw new IllegalArgumentException(request.getEnvId() + " takes no reset options; got "
                        + request.getOptions().getFieldsMap().keySet());
            }
            long seed = request.hasSeed() ? request.getSeed() : nextSeed();
            return ResetEnvironmentResponse.newBuilder().setState(view(env, reset(env, seed))).build();
        });
    }

    @Override
    public void stepBatch(StepBatchRequest request, StreamObserver<StepBatchResponse> responses) {
        StatusMapping.respond(responses, () -> stepBatch(request));
    }

    /**
     * StepBatch over one stream: each request answered in order by {@link #stepBatch(StepBatchRequest)}, the first
     * failing request ending the stream with its status prefixed {@code "request <n>: "} ({@link StepStreamObserver}).
     */
    @Override
    public StreamObserver<StepBatchRequest> stepStream(StreamObserver<StepBatchResponse> responses) {
        return new StepStreamObserver(responses, this::stepBatch);
    }

    /** One StepBatch request's work (unary or on a stream); domain exceptions name the failing item. */
    private StepBatchResponse stepBatch(StepBatchRequest request) {
        String id = request.getEnvId();
        EncodableEnvironment env = env(id);
        if (request.getItemsCount() > maxBatchItems) {
            throw new IllegalArgumentException("items: at most " + maxBatchItems + " per StepBatch on this server "
                    + "(serve --max-batch-items), got " + request.getItemsCount() + "; split the batch");
        }
        StepBatchResponse.Builder b = StepBatchResponse.newBuilder();
        for (int i = 0; i < request.getItemsCount(); i++) {
            b.addResults(step(env, i, request.getItems(i)));
        }
        return b.build();
    }

    private static State reset(EncodableEnvironment env, long seed) {
        try {
            return env.reset(seed);
        } catch (RuntimeException e) {
            throw new EnvironmentFailure(env.spec().id() + " failed to reset with seed " + seed + ": " + e.getMessage(), e);
        }
    }

    private StepResult step(EncodableEnvironment env, int item, StepItem request) {
        if (request.hasResetSeed()) { // a reset item: the state ResetEnvironment gives, reward 0, not ended
            return StepResult.newBuilder().setNext(view(env, reset(env, request.getResetSeed()))).setReward(0.0).build();
        }
        String id = env.spec().id();
        State state;
        try {
            state = env.decode(tokens.open(id, request.getStateToken()));
            Environment.requireLegal(env.spec(), state, request.getAction());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("item " + item + ": " + e.getMessage(), e);
        }
        Transition t;
        try {
            t = env.step(state, request.getAction());
        } catch (RuntimeException e) {
            throw new EnvironmentFailure(id + " failed to step item " + item + " (action " + request.getAction()
                    + "): " + e.getMessage(), e);
        }
        if (!Double.isFinite(t.reward())) {
            throw new EnvironmentFailure(id + " returned the non-finite reward " + t.reward() + " for item " + item, null);
        }
        StepResult.Builder b = StepResult.newBuilder().setNext(view(env, t.next())).setReward(t.reward())
                .setTerminated(t.terminated()).setTruncated(t.truncated());
        if (t.interactions() != 1) {
            b.setInteractions(t.interactions());
        }
        return b.build();
    }

    private StateView view(EncodableEnvironment env, State state) {
        EnvironmentSpec spec = env.spec();
        try {
            ByteString token = tokens.issue(spec.id(), env.encode(state));
            StateView.Builder v = StateView.newBuilder()
                    .setStateToken(token)
                    .addAllObservation(ProtoTensors.encode(spec.observation(), state.features()))
                    .setLegalActions(state.isTerminal() ? 0L : state.legalActions())
                    .setTerminal(state.isTerminal());
            // Bounds travel only when known and finite: absent is "no bound", which the infinities also mean.
            double bound = state.returnToGoUpperBound();
            if (spec.providesBound() && Double.isFinite(bound)) {
                v.setReturnToGoUpperBound(bound);
            }
            double lower = state.returnToGoLowerBound();
            if (Double.isFinite(lower)) {
                v.setReturnToGoLowerBound(lower);
            }
            double heuristic = state.returnToGoHeuristic();
            if (spec.providesBound() && Double.isFinite(heuristic) && heuristic != bound) {
                v.setReturnToGoHeuristic(heuristic);
            }
            v.setInfeasible(state.isTerminal() && !state.isFeasible());
            return v.build();
        } catch (RuntimeException e) {
            throw new EnvironmentFailure(spec.id() + " produced a state the protocol cannot carry: " + e.getMessage(), e);
        }
    }

    private EncodableEnvironment env(String id) {
        EncodableEnvironment env = envs.get(id);
        if (env == null) {
            throw new NoSuchElementException("unknown environment '" + id + "'; this server serves " + envs.keySet());
        }
        return env;
    }

    private org.dirpg.proto.env.v1.EnvironmentDescription describe(EncodableEnvironment env) {
        return ProtoSpecs.toProto(env.spec(), "native Java environment " + env.getClass().getName() + ": " + env.spec());
    }

    private synchronized long nextSeed() {
        return seeds.nextLong();
    }
}
