package org.dirpg.env.remote;

import static org.dirpg.env.remote.RemoteEnvironmentTest.assertSameTransition;
import static org.dirpg.env.remote.RemoteEnvironmentTest.randomLegal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.dirpg.env.State;
import org.dirpg.env.Transition;
import org.dirpg.proto.env.v1.DescribeEnvironmentRequest;
import org.dirpg.proto.env.v1.DescribeEnvironmentResponse;
import org.dirpg.proto.env.v1.EnvironmentServiceGrpc;
import org.dirpg.proto.env.v1.ListEnvironmentsRequest;
import org.dirpg.proto.env.v1.ListEnvironmentsResponse;
import org.dirpg.proto.env.v1.ResetEnvironmentRequest;
import org.dirpg.proto.env.v1.ResetEnvironmentResponse;
import org.dirpg.proto.env.v1.StepBatchRequest;
import org.dirpg.proto.env.v1.StepBatchResponse;
import org.dirpg.server.env.EnvironmentServiceImpl;
import org.dirpg.server.env.NoisyChainFixture;
import org.junit.jupiter.api.Test;

/**
 * The client's step streams ({@link StepStreams}) against real servers: results equal unary StepBatch's on the Python
 * env server and on the Java one, errors are StepBatch's, several threads each get a stream, and a server without
 * StepStream (UNIMPLEMENTED) is asked once and then served by unary calls, with no error.
 */
class StepStreamTest {
    private final NoisyChainFixture chain = new NoisyChainFixture("Chain-v0", 6, -1);

    /**
     * Random walks whose every batch goes over stepBatch (the stream, or the step socket where the server offers one)
     * and again as a unary call (stepBatchAsync); returns the number of batches.
     */
    static int assertStreamEqualsUnary(RemoteEnvironment remote, int episodes, int maxSteps, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int batches = 0;
        for (int e = 0; e < episodes; e++) {
            State root = remote.reset(rng.nextLong());
            List<State> states = new ArrayList<>(List.of(root, root, root));
            for (int step = 0; step < maxSteps && !states.isEmpty(); step++) {
                int[] actions = states.stream().mapToInt(s -> randomLegal(s, rng)).toArray();
                List<Transition> streamed = remote.stepBatch(states, actions);
                List<Transition> unary = remote.stepBatchAsync(states, actions).join();
                batches++;
                assertEquals(unary.size(), streamed.size());
                for (int i = 0; i < unary.size(); i++) {
                    assertSameTransition(unary.get(i), streamed.get(i));
                    assertEquals(((RemoteState) unary.get(i).next()).token(), ((RemoteState) streamed.get(i).next()).token(),
                            "item " + i + ": the stream's token differs from StepBatch's");
                }
                states = new ArrayList<>(streamed.stream().map(Transition::next).filter(s -> !s.isTerminal()).toList());
            }
        }
        return batches;
    }

    @Test
    void streamResultsEqualUnaryOnesOnThePythonEnvServer() throws Exception {
        try (PythonEnvServer server = PythonEnvServer.start(PythonEnvServerTest.MULTIROOM, PythonEnvServerTest.KEY,
                PythonEnvServerTest.SHORT);
             RemoteEnvironment remote = RemoteEnvironment.connect(PythonEnvServerTest.MULTIROOM,
                     new EndpointList(List.of(server.endpoint)), RemoteOptions.defaults())) {
            assertEquals(assertStreamEqualsUnary(remote, 4, 12, 7), remote.streamedBatches(),
                    "every stepBatch went over the stream");
            State s = remote.reset(5);
            RemoteState forged = forged((RemoteState) s);
            IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                    () -> remote.stepBatch(List.of(s, forged), new int[] {2, 2}));
            IllegalArgumentException unary = assertThrows(IllegalArgumentException.class,
                    () -> FailoverCaller.await(remote.stepBatchAsync(List.of(s, forged), new int[] {2, 2})));
            assertEquals(unary.getMessage(), bad.getMessage(), "a stream's error is StepBatch's");
            assertTrue(bad.getMessage().startsWith("INVALID_ARGUMENT from "), bad.getMessage());
            assertTrue(bad.getMessage().contains(": item 1: ") && bad.getMessage().contains("HMAC"), bad.getMessage());
            long streamed = remote.streamedBatches();
            assertEquals(assertStreamEqualsUnary(remote, 1, 5, 8), remote.streamedBatches() - streamed,
                    "a new stream after the failed one");
        }
    }

    @Test
    void threadsBeyondThePythonServersStreamCapAreServedByUnaryCallsWithoutErrors() throws Exception {
        try (PythonEnvServer server = PythonEnvServer.start(PythonEnvServerTest.MULTIROOM, PythonEnvServerTest.KEY,
                "--env-kwargs", "{\"max_steps\": 20}", "--max-streams", "1");
             RemoteEnvironment remote = RemoteEnvironment.connect(PythonEnvServerTest.MULTIROOM,
                     new EndpointList(List.of(server.endpoint)), RemoteOptions.defaults())) {
            ExecutorService pool = Executors.newFixedThreadPool(3);
            try {
                List<Future<Integer>> runs = new ArrayList<>();
                for (int t = 0; t < 3; t++) {
                    long seed = 20 + t;
                    runs.add(pool.submit(() -> assertStreamEqualsUnary(remote, 3, 10, seed)));
                }
                int batches = 0;
                for (Future<Integer> f : runs) {
                    batches += f.get();
                }
                long streamed = remote.streamedBatches();
                assertTrue(streamed > 0 && streamed < batches, "one thread streams, the others go unary: " + streamed
                        + " of " + batches + " batches streamed");
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void streamResultsEqualUnaryOnesOnTheJavaEnvServerFromSeveralThreads() throws Exception {
        try (LoopbackFleet fleet = new LoopbackFleet().add(List.of(chain)).add(List.of(chain));
             RemoteEnvironment remote = RemoteEnvironment.connect("Chain-v0", fleet.endpoints(), RemoteOptions.defaults())) {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<Integer>> runs = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    long seed = t;
                    runs.add(pool.submit(() -> assertStreamEqualsUnary(remote, 10, 10, seed)));
                }
                int batches = 0;
                for (Future<Integer> f : runs) {
                    batches += f.get();
                }
                assertEquals(batches, remote.streamedBatches(), "every thread's stepBatch went over its stream");
            } finally {
                pool.shutdownNow();
            }
            State s = remote.reset(1);
            IllegalArgumentException illegal = assertThrows(IllegalArgumentException.class,
                    () -> remote.stepBatch(List.of(s), new int[] {99}));
            assertFalse(illegal.getMessage().contains("request "), "no stream prefix: " + illegal.getMessage());
            assertTrue(illegal.getMessage().contains("item 0: "), illegal.getMessage());
        }
    }

    /** The Java env service as a server built before StepStream: only the unary methods, each delegated. */
    private static final class UnaryOnly extends EnvironmentServiceGrpc.EnvironmentServiceImplBase {
        private final EnvironmentServiceImpl real;
        final AtomicInteger streamsAsked = new AtomicInteger();
        final AtomicInteger unaryBatches = new AtomicInteger();

        UnaryOnly(EnvironmentServiceImpl real) {
            this.real = real;
        }

        @Override
        public void listEnvironments(ListEnvironmentsRequest request, StreamObserver<ListEnvironmentsResponse> out) {
            real.listEnvironments(request, out);
        }

        @Override
        public void describeEnvironment(DescribeEnvironmentRequest request, StreamObserver<DescribeEnvironmentResponse> out) {
            real.describeEnvironment(request, out);
        }

        @Override
        public void resetEnvironment(ResetEnvironmentRequest request, StreamObserver<ResetEnvironmentResponse> out) {
            real.resetEnvironment(request, out);
        }

        @Override
        public void stepBatch(StepBatchRequest request, StreamObserver<StepBatchResponse> out) {
            unaryBatches.incrementAndGet();
            real.stepBatch(request, out);
        }

        @Override
        public StreamObserver<StepBatchRequest> stepStream(StreamObserver<StepBatchResponse> out) {
            streamsAsked.incrementAndGet();
            return super.stepStream(out); // grpc-java's own answer for a method a server lacks: UNIMPLEMENTED
        }
    }

    @Test
    void aServerWithoutStepStreamIsAskedOnceAndThenServedByUnaryCalls() throws Exception {
        UnaryOnly old = new UnaryOnly(new EnvironmentServiceImpl(List.of(chain), LoopbackFleet.KEY, 1));
        Server server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create()).addService(old).build().start();
        try (RemoteEnvironment remote = RemoteEnvironment.connect("Chain-v0",
                EndpointList.parse("127.0.0.1:" + server.getPort()), RemoteOptions.defaults())) {
            RemoteEnvironmentTest.assertSameWalks(chain, remote, 10, 3);
            assertEquals(1, old.streamsAsked.get(), "the old server was asked for a stream once");
            assertEquals(0, remote.streamedBatches());
            assertTrue(old.unaryBatches.get() > 20, "batches went as unary calls: " + old.unaryBatches.get());
        } finally {
            server.shutdownNow();
        }
    }

    @Test
    void aMixedFleetStreamsToTheNewServerAndServesEveryBatch() throws Exception {
        UnaryOnly old = new UnaryOnly(new EnvironmentServiceImpl(List.of(chain), LoopbackFleet.KEY, 1));
        Server oldServer = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create()).addService(old).build()
                .start();
        try (LoopbackFleet fleet = new LoopbackFleet().add(List.of(chain));
             RemoteEnvironment remote = RemoteEnvironment.connect("Chain-v0", new EndpointList(List.of(
                     new EndpointList.Endpoint("127.0.0.1", oldServer.getPort()), fleet.endpoints().endpoints().get(0))),
                     RemoteOptions.defaults())) {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<CompletableFuture<Void>> threads = new ArrayList<>();
                for (int t = 0; t < 4; t++) { // each thread's stream opens on the next endpoint in turn
                    long seed = t;
                    threads.add(CompletableFuture.runAsync(
                            () -> RemoteEnvironmentTest.assertSameWalks(chain, remote, 5, seed), pool));
                }
                threads.forEach(CompletableFuture::join);
            } finally {
                pool.shutdownNow();
            }
            assertTrue(remote.streamedBatches() > 0, "the new server streamed");
            // once, or once per thread that raced to it before its UNIMPLEMENTED arrived
            assertTrue(old.streamsAsked.get() >= 1 && old.streamsAsked.get() <= 4, "streams asked of the old server: "
                    + old.streamsAsked.get());
            // the batch the old server turned away went as a unary call through the failover caller, which may pick
            // either server, and the thread's next stream opens on the new one: so every walk above was right (its
            // batches all answered), but how many unary calls the old server got depends on timing (0 is possible)
        } finally {
            oldServer.shutdownNow();
        }
    }

    static RemoteState forged(RemoteState s) {
        byte[] token = s.token().toByteArray();
        token[token.length / 2] ^= 1;
        return new RemoteState(s.envId(), com.google.protobuf.ByteString.copyFrom(token), s.features(), s.legalActions(),
                s.isTerminal(), s.returnToGoUpperBound(), s.returnToGoLowerBound(), s.isFeasible(),
                s.returnToGoHeuristic());
    }
}
