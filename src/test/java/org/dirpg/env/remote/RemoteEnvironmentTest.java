package org.dirpg.env.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.dirpg.env.Environment;
import org.dirpg.env.State;
import org.dirpg.env.Transition;
import org.dirpg.server.env.NoisyChainFixture;
import org.dirpg.server.env.StateTokens;
import org.junit.jupiter.api.Test;

/** RemoteEnvironment against real env servers on 127.0.0.1. */
class RemoteEnvironmentTest {
    private final NoisyChainFixture chain = new NoisyChainFixture("Chain-v0", 6, -1);
    private final NoisyChainFixture broken = new NoisyChainFixture("Broken-v0", 6, 1);
    private final List<NoisyChainFixture> envs = List.of(chain, broken);

    static void assertSameState(State expected, State actual) {
        assertArrayEquals(expected.features(), actual.features());
        assertEquals(expected.legalActions(), actual.legalActions());
        assertEquals(expected.isTerminal(), actual.isTerminal());
        assertEquals(expected.returnToGoUpperBound(), actual.returnToGoUpperBound());
    }

    static void assertSameTransition(Transition expected, Transition actual) {
        assertEquals(expected.reward(), actual.reward());
        assertEquals(expected.terminated(), actual.terminated());
        assertEquals(expected.truncated(), actual.truncated());
        assertSameState(expected.next(), actual.next());
    }

    static int randomLegal(State s, SplittableRandom rng) {
        long legal = s.legalActions();
        int skip = rng.nextInt(Long.bitCount(legal));
        for (int i = 0; i < skip; i++) {
            legal &= legal - 1;
        }
        return Long.numberOfTrailingZeros(legal);
    }

    /** Random walks in lockstep on two environments, stepping every state twice (purity) and in batches. */
    static void assertSameWalks(Environment expected, Environment actual, int episodes, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        for (int e = 0; e < episodes; e++) {
            long episodeSeed = rng.nextLong();
            State x = expected.reset(episodeSeed);
            State y = actual.reset(episodeSeed);
            assertSameState(x, y);
            while (!x.isTerminal()) {
                int a = randomLegal(x, rng);
                Transition tx = expected.step(x, a);
                List<Transition> ty = actual.stepBatch(List.of(y, y), new int[] {a, a});
                assertSameTransition(tx, ty.get(0));
                assertSameTransition(tx, ty.get(1));
                assertSameTransition(tx, actual.step(y, a));
                x = tx.next();
                y = ty.get(0).next();
            }
        }
    }

    @Test
    void remoteStepsEqualInProcessSteps() throws IOException {
        try (LoopbackFleet fleet = new LoopbackFleet().add(envs);
             RemoteEnvironment remote = RemoteEnvironment.connect("Chain-v0", fleet.endpoints(), RemoteOptions.defaults())) {
            assertEquals(chain.spec(), remote.spec());
            assertSameWalks(chain, remote, 20, 11);
        }
    }

    /** A gRPC target URI (the compose fleet's dns:/// form) mixed with a plain endpoint. */
    @Test
    void targetUrisAndPlainEndpointsMix() throws IOException {
        try (LoopbackFleet fleet = new LoopbackFleet().add(envs).add(envs)) {
            List<EndpointList.Endpoint> e = fleet.endpoints().endpoints();
            List<String> addresses = List.of("dns:///" + e.get(0), e.get(1).toString());
            try (RemoteEnvironment remote = RemoteEnvironment.connectTargets("Chain-v0", addresses, RemoteOptions.defaults())) {
                assertEquals(2, remote.endpoints().size());
                assertSameWalks(chain, remote, 10, 5);
            }
        }
        IllegalArgumentException bad = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> RemoteEnvironment.connectTargets("Chain-v0", List.of("nohost"), RemoteOptions.defaults()));
        assertTrue(bad.getMessage().contains("not host:port"), bad.getMessage());
    }

    @Test
    void badTokensAreIllegalArgumentsWithTheServerMessageAndTheServerKeepsServing() throws IOException {
        try (LoopbackFleet fleet = new LoopbackFleet().add(envs);
             RemoteEnvironment remote = RemoteEnvironment.connect("Chain-v0", fleet.endpoints(), RemoteOptions.defaults())) {
            RemoteState s0 = (RemoteState) remote.reset(4);
            byte[] tampered = s0.token().toByteArray();
            tampered[tampered.length - 1] ^= 1;
            ByteString foreign = new StateTokens("a key of some other fleet, 32 bytes".getBytes())
                    .issue("Chain-v0", chain.encode(chain.reset(4)));
            List<ByteString> bad = List.of(ByteString.copyFrom(tampered), foreign, ByteString.copyFromUtf8("garbage"));
            List<String> reasons = List.of("failed authentication", "different key", "malformed");
            for (int i = 0; i < bad.size(); i++) {
                RemoteState forged = new RemoteState("Chain-v0", bad.get(i), s0.features(), s0.legalActions(), false,
                        s0.returnToGoUpperBound(), s0.returnToGoLowerBound(), true, s0.returnToGoHeuristic());
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> remote.step(forged, 1));
                assertTrue(e.getMessage().startsWith("INVALID_ARGUMENT from 127.0.0.1:"), e.getMessage());
                assertTrue(e.getMessage().contains(reasons.get(i)), e.getMessage());
            }
            assertSameTransition(chain.step(chain.reset(4), 1), remote.step(s0, 1));
        }
    }

    @Test
    void illegalActionsAndMisbehavingEnvsAreReportedAndTheServerKeepsServing() throws IOException {
        try (LoopbackFleet fleet = new LoopbackFleet().add(envs);
             RemoteEnvironment remote = RemoteEnvironment.connect("Chain-v0", fleet.endpoints(), RemoteOptions.defaults());
             RemoteEnvironment bad = RemoteEnvironment.connect("Broken-v0", fleet.endpoints(), RemoteOptions.defaults())) {
            IllegalArgumentException illegal = assertThrows(IllegalArgumentException.class,
                    () -> remote.step(remote.reset(1), 5));
            assertTrue(illegal.getMessage().contains("Chain-v0: action 5 is outside [0, 3)"), illegal.getMessage());
            State b1 = bad.step(bad.reset(1), 1).next();
            IllegalStateException nan = assertThrows(IllegalStateException.class, () -> bad.step(b1, 1));
            assertTrue(nan.getMessage().contains("INTERNAL"), nan.getMessage());
            assertTrue(nan.getMessage().contains("Broken-v0 failed to step item 0 (action 1): reward must be finite"),
                    nan.getMessage());
            assertSameWalks(chain, remote, 2, 5);
            IllegalArgumentException wrongEnv = assertThrows(IllegalArgumentException.class, () -> remote.step(b1, 1));
            assertTrue(wrongEnv.getMessage().contains("not a state of remote environment Chain-v0"), wrongEnv.getMessage());
            IllegalArgumentException nativeState = assertThrows(IllegalArgumentException.class,
                    () -> remote.step(chain.reset(1), 1));
            assertTrue(nativeState.getMessage().contains("not a state of remote environment"), nativeState.getMessage());
        }
    }

    @Test
    void unknownEnvironmentIsNotFound() throws IOException {
        try (LoopbackFleet fleet = new LoopbackFleet().add(envs)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> RemoteEnvironment.connect("Nope-v0", fleet.endpoints(), RemoteOptions.defaults()));
            assertTrue(e.getMessage().startsWith("NOT_FOUND from 127.0.0.1:"), e.getMessage());
            assertTrue(e.getMessage().contains("unknown environment 'Nope-v0'; this server serves [Chain-v0, Broken-v0]"),
                    e.getMessage());
        }
    }

    @Test
    void batchesSplitUnderATinyMessageLimitGiveIdenticalResults() throws IOException {
        int tiny = 2048;
        try (LoopbackFleet fleet = new LoopbackFleet().add(envs, LoopbackFleet.KEY, tiny, 0);
             RemoteEnvironment small = RemoteEnvironment.connect("Chain-v0", fleet.endpoints(),
                     RemoteOptions.defaults().withMaxMessageBytes(tiny))) {
            SplittableRandom rng = new SplittableRandom(8);
            List<State> remoteStates = new ArrayList<>();
            List<State> nativeStates = new ArrayList<>();
            int[] actions = new int[64];
            for (int i = 0; i < actions.length; i++) {
                long seed = rng.nextLong();
                remoteStates.add(small.reset(seed));
                nativeStates.add(chain.reset(seed));
                actions[i] = randomLegal(nativeStates.get(i), rng);
            }
            int before = fleet.totalCalls();
            List<Transition> remote = small.stepBatch(remoteStates, actions);
            int stepCalls = fleet.totalCalls() - before;
            assertTrue(stepCalls > 1, "64 items under a 2 KiB limit took " + stepCalls + " call(s)");
            List<Transition> expected = chain.stepBatch(nativeStates, actions);
            assertEquals(64, remote.size());
            for (int i = 0; i < 64; i++) {
                assertSameTransition(expected.get(i), remote.get(i));
            }
        }
    }

    @Test
    void aReplicaShutDownMidRunLosesNoSteps() throws IOException {
        try (LoopbackFleet fleet = new LoopbackFleet().add(envs).add(envs);
             RemoteEnvironment remote = RemoteEnvironment.connect("Chain-v0", fleet.endpoints(), RemoteOptions.defaults())) {
            SplittableRandom rng = new SplittableRandom(21);
            int steps = 0;
            for (int episode = 0; episode < 30; episode++) {
                if (episode == 10) {
                    assertTrue(fleet.calls.get(0).get() > 0 && fleet.calls.get(1).get() > 0, "round-robin uses both");
                    fleet.servers.get(0).shutdownNow();
                }
                long seed = rng.nextLong();
                State x = chain.reset(seed);
                State y = remote.reset(seed);
                while (!x.isTerminal()) {
                    int a = randomLegal(x, rng);
                    Transition tx = chain.step(x, a);
                    Transition ty = remote.step(y, a);
                    assertSameTransition(tx, ty);
                    x = tx.next();
                    y = ty.next();
                    steps++;
                }
            }
            assertEquals(30 * 6, steps);
        }
    }

    @Test
    void everyEndpointDownNamesTheEndpointsTried() throws IOException {
        LoopbackFleet fleet = new LoopbackFleet().add(envs).add(envs);
        RemoteEnvironment remote = RemoteEnvironment.connect("Chain-v0", fleet.endpoints(),
                RemoteOptions.defaults().withRetryBudget(Duration.ZERO));
        State s0 = remote.reset(3);
        EndpointList endpoints = fleet.endpoints();
        fleet.close();
        RemoteUnavailableException e = assertThrows(RemoteUnavailableException.class, () -> remote.step(s0, 1));
        for (EndpointList.Endpoint endpoint : endpoints.endpoints()) {
            assertTrue(e.getMessage().contains(endpoint.toString() + " (UNAVAILABLE"), e.getMessage());
        }
        assertTrue(e.getMessage().startsWith("StepBatch(Chain-v0, 1 items) failed after 4 attempts"), e.getMessage());
        remote.close();
    }

    @Test
    void aSlowReplicaMissesItsDeadlineAndTheCallSucceedsOnTheOther() throws IOException {
        RemoteOptions options = RemoteOptions.defaults().withDeadline(Duration.ofMillis(150));
        try (LoopbackFleet fleet = new LoopbackFleet().add(envs).add(envs, LoopbackFleet.KEY, 1 << 22, 600);
             RemoteEnvironment remote = RemoteEnvironment.connect("Chain-v0", fleet.endpoints(), options)) {
            assertSameWalks(chain, remote, 1, 9);
        }
        try (LoopbackFleet slow = new LoopbackFleet().add(envs, LoopbackFleet.KEY, 1 << 22, 600)) {
            RemoteUnavailableException e = assertThrows(RemoteUnavailableException.class,
                    () -> RemoteEnvironment.connect("Chain-v0", slow.endpoints(), options.withMaxAttempts(2)));
            assertTrue(e.getMessage().contains("(DEADLINE_EXCEEDED"), e.getMessage());
        }
    }

    @Test
    void concurrentAsyncBatchesEqualSequentialOnes() throws IOException {
        try (LoopbackFleet fleet = new LoopbackFleet().add(envs).add(envs);
             RemoteEnvironment remote = RemoteEnvironment.connect("Chain-v0", fleet.endpoints(), RemoteOptions.defaults())) {
            int k = 8;
            SplittableRandom rng = new SplittableRandom(5);
            List<List<State>> nativeBatches = new ArrayList<>();
            List<int[]> actions = new ArrayList<>();
            List<CompletableFuture<List<Transition>>> inFlight = new ArrayList<>();
            for (int b = 0; b < k; b++) {
                List<State> nat = new ArrayList<>();
                List<State> rem = new ArrayList<>();
                int[] acts = new int[16];
                for (int i = 0; i < acts.length; i++) {
                    long seed = rng.nextLong();
                    nat.add(chain.reset(seed));
                    rem.add(remote.resetAsync(seed).join());
                    acts[i] = randomLegal(nat.get(i), rng);
                }
                nativeBatches.add(nat);
                actions.add(acts);
                inFlight.add(remote.stepBatchAsync(rem, acts));
            }
            for (int b = 0; b < k; b++) {
                List<Transition> expected = chain.stepBatch(nativeBatches.get(b), actions.get(b));
                List<Transition> actual = inFlight.get(b).join();
                for (int i = 0; i < expected.size(); i++) {
                    assertSameTransition(expected.get(i), actual.get(i));
                }
            }
        }
    }
}
