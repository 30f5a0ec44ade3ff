package org.dirpg.server.env;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.util.List;
import org.dirpg.env.State;
import org.dirpg.env.Transition;
import org.dirpg.env.remote.ProtoSpecs;
import org.dirpg.env.remote.ProtoTensors;
import org.dirpg.proto.env.v1.DescribeEnvironmentRequest;
import org.dirpg.proto.env.v1.EnvironmentServiceGrpc;
import org.dirpg.proto.env.v1.EnvironmentServiceGrpc.EnvironmentServiceBlockingStub;
import org.dirpg.proto.env.v1.ListEnvironmentsRequest;
import org.dirpg.proto.env.v1.ResetEnvironmentRequest;
import org.dirpg.proto.env.v1.StateView;
import org.dirpg.proto.env.v1.StepBatchRequest;
import org.dirpg.proto.env.v1.StepItem;
import org.dirpg.proto.env.v1.StepResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The service through real gRPC stubs (in-process transport). */
class EnvironmentServiceImplTest {
    static final byte[] KEY = "EnvironmentServiceImplTest fleet key".getBytes();
    private final NoisyChainFixture chain = new NoisyChainFixture("Chain-v0", 5, -1);
    private final NoisyChainFixture broken = new NoisyChainFixture("Broken-v0", 5, 1);
    private Server server;
    private ManagedChannel channel;

    private EnvironmentServiceBlockingStub start(EnvironmentServiceImpl service) throws IOException {
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name).directExecutor().addService(service).build().start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
        return EnvironmentServiceGrpc.newBlockingStub(channel);
    }

    private EnvironmentServiceBlockingStub start() throws IOException {
        return start(new EnvironmentServiceImpl(List.of(chain, broken), KEY, 1));
    }

    @AfterEach
    void stop() {
        if (channel != null) {
            channel.shutdownNow();
        }
        if (server != null) {
            server.shutdownNow();
        }
    }

    private static StateView reset(EnvironmentServiceBlockingStub stub, String id, long seed) {
        return stub.resetEnvironment(ResetEnvironmentRequest.newBuilder().setEnvId(id).setSeed(seed).build()).getState();
    }

    private static StepResult step(EnvironmentServiceBlockingStub stub, String id, ByteString token, int action) {
        return stub.stepBatch(StepBatchRequest.newBuilder().setEnvId(id)
                .addItems(StepItem.newBuilder().setStateToken(token).setAction(action)).build()).getResults(0);
    }

    @Test
    void listsAndDescribesTheServedSpecs() throws IOException {
        EnvironmentServiceBlockingStub stub = start();
        assertEquals(List.of("Chain-v0", "Broken-v0"), stub.listEnvironments(ListEnvironmentsRequest.getDefaultInstance())
                .getEnvironmentsList().stream().map(d -> d.getEnvId()).toList());
        assertEquals(chain.spec(), ProtoSpecs.fromProto(stub.describeEnvironment(
                DescribeEnvironmentRequest.newBuilder().setEnvId("Chain-v0").build()).getEnvironment()));
    }

    @Test
    void stepsMatchTheNativeEnvironmentInEveryDtype() throws IOException {
        EnvironmentServiceBlockingStub stub = start();
        State s = chain.reset(42);
        StateView v = reset(stub, "Chain-v0", 42);
        int[] actions = {2, 2, 0, 1, 2};
        for (int a : actions) {
            assertArrayEquals(s.features(), ProtoTensors.decode(v.getObservationList()));
            assertEquals(s.legalActions(), v.getLegalActions());
            assertEquals(s.returnToGoUpperBound(), v.getReturnToGoUpperBound());
            assertTrue(v.hasReturnToGoUpperBound(), "provides_bound: every non-terminal state carries U");
            assertFalse(v.hasReturnToGoLowerBound(), "no lower bound known: absent, not -Infinity or 0");
            Transition t = chain.step(s, a);
            StepResult r = step(stub, "Chain-v0", v.getStateToken(), a);
            assertEquals(t.reward(), r.getReward());
            assertEquals(t.terminated(), r.getTerminated());
            s = t.next();
            v = r.getNext();
        }
        assertTrue(v.getTerminal());
        assertEquals(0L, v.getLegalActions());
        assertEquals(List.of("uint8", "int64", "float32", "float64"),
                v.getObservationList().stream().map(t -> ProtoTensors.dtypeName(t.getDtype())).toList());
    }

    @Test
    void resetItemsOfABatchAreTheResetsOfTheirSeedsBesideTheSteps() throws IOException {
        EnvironmentServiceBlockingStub stub = start();
        StateView start = reset(stub, "Chain-v0", 42);
        List<StepResult> results = stub.stepBatch(StepBatchRequest.newBuilder().setEnvId("Chain-v0")
                .addItems(StepItem.newBuilder().setResetSeed(7))
                .addItems(StepItem.newBuilder().setStateToken(start.getStateToken()).setAction(2))
                .addItems(StepItem.newBuilder().setStateToken(ByteString.copyFromUtf8("ignored")).setAction(99)
                        .setResetSeed(-3))
                .build()).getResultsList();
        assertEquals(reset(stub, "Chain-v0", 7), results.get(0).getNext());
        assertEquals(step(stub, "Chain-v0", start.getStateToken(), 2), results.get(1));
        assertEquals(reset(stub, "Chain-v0", -3), results.get(2).getNext());
        for (StepResult reset : List.of(results.get(0), results.get(2))) {
            assertEquals(0.0, reset.getReward());
            assertFalse(reset.getTerminated() || reset.getTruncated() || reset.hasInteractions());
        }
    }

    @Test
    void unknownEnvironmentIsNotFoundNamingTheServedOnes() throws IOException {
        EnvironmentServiceBlockingStub stub = start();
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> reset(stub, "Nope-v9", 1));
        assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("unknown environment 'Nope-v9'"), e.getMessage());
        assertTrue(e.getStatus().getDescription().contains("[Chain-v0, Broken-v0]"), e.getMessage());
    }

    @Test
    void illegalActionIsInvalidArgumentNamingActionAndLegalSet() throws IOException {
        EnvironmentServiceBlockingStub stub = start();
        StateView v = reset(stub, "Chain-v0", 3);
        StateView atZero = step(stub, "Chain-v0", step(stub, "Chain-v0", step(stub, "Chain-v0",
                v.getStateToken(), 0).getNext().getStateToken(), 0).getNext().getStateToken(), 0).getNext();
        assertEquals(0b110, atZero.getLegalActions());
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> step(stub, "Chain-v0", atZero.getStateToken(), 0));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("action 0 is not legal here; legal actions are {1, 2}"),
                e.getMessage());
        StatusRuntimeException outside = assertThrows(StatusRuntimeException.class,
                () -> step(stub, "Chain-v0", v.getStateToken(), 7));
        assertTrue(outside.getStatus().getDescription().contains("action 7 is outside [0, 3)"), outside.getMessage());
    }

    @Test
    void nonFiniteRewardIsInternalNamingTheEnvAndTheServerKeepsServing() throws IOException {
        EnvironmentServiceBlockingStub stub = start();
        StateView v = reset(stub, "Broken-v0", 5);
        StateView depth1 = step(stub, "Broken-v0", v.getStateToken(), 1).getNext();
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> step(stub, "Broken-v0", depth1.getStateToken(), 1));
        assertEquals(Status.Code.INTERNAL, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().startsWith("Broken-v0 failed to step item 0"), e.getMessage());
        assertTrue(e.getStatus().getDescription().contains("reward must be finite, got NaN"), e.getMessage());
        assertEquals(chain.step(chain.reset(5), 1).reward(),
                step(stub, "Chain-v0", reset(stub, "Chain-v0", 5).getStateToken(), 1).getReward());
    }

    @Test
    void tamperedForeignAndCrossEnvTokensAreInvalidArgument() throws IOException {
        EnvironmentServiceBlockingStub stub = start();
        ByteString token = reset(stub, "Chain-v0", 9).getStateToken();
        byte[] tampered = token.toByteArray();
        tampered[tampered.length - 3] ^= 0x10;
        ByteString foreign = new StateTokens("another fleet's key, 32 bytes long".getBytes())
                .issue("Chain-v0", chain.encode(chain.reset(9)));
        for (ByteString bad : List.of(ByteString.copyFrom(tampered), foreign, ByteString.copyFromUtf8("garbage"))) {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> step(stub, "Chain-v0", bad, 1));
            assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
            assertTrue(e.getStatus().getDescription().startsWith("item 0: state token for Chain-v0"), e.getMessage());
        }
        StatusRuntimeException cross = assertThrows(StatusRuntimeException.class,
                () -> step(stub, "Broken-v0", token, 1));
        assertTrue(cross.getStatus().getDescription().contains("issued for environment 'Chain-v0', not 'Broken-v0'"),
                cross.getMessage());
        assertFalse(step(stub, "Chain-v0", token, 1).getNext().getTerminal());
    }

    @Test
    void aBatchNamesTheFailingItem() throws IOException {
        EnvironmentServiceBlockingStub stub = start();
        ByteString token = reset(stub, "Chain-v0", 9).getStateToken();
        StepBatchRequest request = StepBatchRequest.newBuilder().setEnvId("Chain-v0")
                .addItems(StepItem.newBuilder().setStateToken(token).setAction(1))
                .addItems(StepItem.newBuilder().setStateToken(token).setAction(1))
                .addItems(StepItem.newBuilder().setStateToken(ByteString.EMPTY).setAction(1)).build();
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> stub.stepBatch(request));
        assertTrue(e.getStatus().getDescription().startsWith("item 2: "), e.getMessage());
    }

    @Test
    void stepBatchItemsAreCappedNamingTheCap() throws IOException {
        EnvironmentServiceBlockingStub stub = start(new EnvironmentServiceImpl(List.of(chain), KEY, 1, 3));
        ByteString token = reset(stub, "Chain-v0", 9).getStateToken();
        StepBatchRequest.Builder b = StepBatchRequest.newBuilder().setEnvId("Chain-v0");
        for (int i = 0; i < 3; i++) {
            b.addItems(StepItem.newBuilder().setStateToken(token).setAction(1));
        }
        assertEquals(3, stub.stepBatch(b.build()).getResultsCount());
        StepBatchRequest four = b.addItems(StepItem.newBuilder().setStateToken(token).setAction(1)).build();
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> stub.stepBatch(four));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertEquals("items: at most 3 per StepBatch on this server (serve --max-batch-items), got 4; split the batch",
                e.getStatus().getDescription());
    }

    @Test
    void unseededResetsFollowTheServerSeed() throws IOException {
        EnvironmentServiceBlockingStub stub = start(new EnvironmentServiceImpl(List.of(chain), KEY, 77));
        ResetEnvironmentRequest unseeded = ResetEnvironmentRequest.newBuilder().setEnvId("Chain-v0").build();
        List<ByteString> first = List.of(stub.resetEnvironment(unseeded).getState().getStateToken(),
                stub.resetEnvironment(unseeded).getState().getStateToken());
        stop();
        EnvironmentServiceBlockingStub again = start(new EnvironmentServiceImpl(List.of(chain), KEY, 77));
        assertEquals(first, List.of(again.resetEnvironment(unseeded).getState().getStateToken(),
                again.resetEnvironment(unseeded).getState().getStateToken()));
        assertNotEquals(first.get(0), first.get(1));
    }

    @Test
    void resetOptionsAreRejectedByNativeEnvs() throws IOException {
        EnvironmentServiceBlockingStub stub = start();
        ResetEnvironmentRequest request = ResetEnvironmentRequest.newBuilder().setEnvId("Chain-v0").setSeed(1)
                .setOptions(Struct.newBuilder().putFields("difficulty", Value.newBuilder().setNumberValue(2).build()))
                .build();
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> stub.resetEnvironment(request));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("takes no reset options; got [difficulty]"), e.getMessage());
    }

    @Test
    void duplicateIdsAndEmptyFleetsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new EnvironmentServiceImpl(List.of(chain, chain), KEY, 1));
        assertThrows(IllegalArgumentException.class, () -> new EnvironmentServiceImpl(List.of(), KEY, 1));
    }
}
