package org.dirpg.env.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.dirpg.env.EnvironmentContract;
import org.dirpg.env.State;
import org.dirpg.env.Transition;
import org.junit.jupiter.api.Test;

/**
 * RemoteEnvironment against the real Python env server serving Farama MiniGrid, started as subprocesses. Episodes
 * are cut at 20 steps ({@code max_steps}) to keep the contract's thousands of round trips to seconds.
 */
class PythonEnvServerTest {
    static final String MULTIROOM = "MiniGrid-MultiRoom-N6-v0";
    static final String KEY = "PythonEnvServerTest-shared-fleet-key";
    static final String[] SHORT = {"--env-kwargs", "{\"max_steps\": 20}"};

    @Test
    void javaReachesThePythonServerOverMutualTlsWithABearerToken(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        var certs = org.dirpg.server.auth.TestCertificates.make(dir);
        java.nio.file.Path tokenFile = dir.resolve("fleet.token");
        java.nio.file.Files.writeString(tokenFile, "fleet-token-0123456789abcdef\n");
        RemoteOptions once = RemoteOptions.defaults().withMaxAttempts(1).withRetryBudget(java.time.Duration.ZERO);
        try (PythonEnvServer server = PythonEnvServer.start("CartPole-v1", KEY, "--tls-cert", certs.serverCert().toString(),
                "--tls-key", certs.serverKey().toString(), "--tls-client-ca", certs.ca().toString(),
                "--bearer-token-file", tokenFile.toString())) {
            EndpointList endpoint = EndpointList.parse("localhost:" + server.endpoint.port());
            RemoteCredentials alice = new RemoteCredentials(certs.ca(), certs.cert("alice"), certs.key("alice"),
                    RemoteCredentials.readToken(tokenFile));
            try (RemoteEnvironment remote = RemoteEnvironment.connect("CartPole-v1", endpoint, once.withCredentials(alice))) {
                State s = remote.reset(3);
                assertEquals(2, remote.stepBatch(List.of(s, s), new int[] {0, 1}).size());
            }
            IllegalStateException noToken = assertThrows(IllegalStateException.class, () -> RemoteEnvironment.connect(
                    "CartPole-v1", endpoint, once.withCredentials(new RemoteCredentials(certs.ca(), certs.cert("alice"),
                            certs.key("alice"), null))));
            assertTrue(noToken.getMessage().contains("UNAUTHENTICATED"), noToken.getMessage());
            RuntimeException noCert = assertThrows(RuntimeException.class, () -> RemoteEnvironment.connect("CartPole-v1",
                    endpoint, once.withCredentials(new RemoteCredentials(certs.ca(), null, null, "fleet-token-0123456789abcdef"))));
            assertTrue(noCert.getMessage().contains("UNAVAILABLE"), noCert.getMessage());
        }
    }

    @Test
    void multiRoomPassesTheContractRemotely() throws Exception {
        try (PythonEnvServer server = PythonEnvServer.start(MULTIROOM, KEY, SHORT);
             RemoteEnvironment remote = RemoteEnvironment.connect(MULTIROOM, new EndpointList(List.of(server.endpoint)),
                     RemoteOptions.defaults())) {
            assertEquals(7, remote.spec().numActions());
            assertEquals(7 * 7 * 3 + 1, remote.spec().featureSize());
            EnvironmentContract.check(remote, 20240611L, false);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> RemoteEnvironment.connect("CartPole-v1", new EndpointList(List.of(server.endpoint)),
                            RemoteOptions.defaults()));
            assertTrue(e.getMessage().startsWith("NOT_FOUND"), e.getMessage());
        }
    }

    @Test
    void killingOneOfTwoServersMidRunLosesNoSteps() throws Exception {
        try (PythonEnvServer a = PythonEnvServer.start(MULTIROOM, KEY, SHORT);
             PythonEnvServer b = PythonEnvServer.start(MULTIROOM, KEY, SHORT);
             RemoteEnvironment fleet = RemoteEnvironment.connect(MULTIROOM,
                     new EndpointList(List.of(a.endpoint, b.endpoint)), RemoteOptions.defaults());
             RemoteEnvironment survivor = RemoteEnvironment.connect(MULTIROOM,
                     new EndpointList(List.of(b.endpoint)), RemoteOptions.defaults())) {
            // 16 walks advanced in lockstep, one StepBatch per step, with a second batch of the same items in flight
            SplittableRandom rng = new SplittableRandom(4);
            int walks = 16;
            List<State> states = new ArrayList<>();
            List<Long> seeds = new ArrayList<>();
            for (int i = 0; i < walks; i++) {
                seeds.add(rng.nextLong() & Long.MAX_VALUE);
                states.add(fleet.reset(seeds.get(i)));
            }
            List<int[]> actions = new ArrayList<>();
            List<List<Transition>> seen = new ArrayList<>();
            int steps = 0;
            for (int t = 0; t < 20 && !states.get(0).isTerminal(); t++) {
                int[] acts = new int[walks];
                for (int i = 0; i < walks; i++) {
                    acts[i] = RemoteEnvironmentTest.randomLegal(states.get(i), rng);
                }
                CompletableFuture<List<Transition>> first = fleet.stepBatchAsync(states, acts);
                CompletableFuture<List<Transition>> second = fleet.stepBatchAsync(states, acts);
                if (t == 8) {
                    a.kill();
                }
                List<Transition> out = first.join();
                List<Transition> again = second.join();
                for (int i = 0; i < walks; i++) {
                    RemoteEnvironmentTest.assertSameTransition(out.get(i), again.get(i));
                }
                actions.add(acts);
                seen.add(out);
                states = out.stream().map(Transition::next).toList();
                steps += walks;
            }
            assertEquals(20 * walks, steps, "every walk runs to max_steps = 20 (a random walk rarely reaches the goal)");
            // the survivor alone replays every step identically
            List<State> replay = new ArrayList<>();
            for (long seed : seeds) {
                replay.add(survivor.reset(seed));
            }
            for (int t = 0; t < actions.size(); t++) {
                List<Transition> out = survivor.stepBatch(replay, actions.get(t));
                for (int i = 0; i < walks; i++) {
                    RemoteEnvironmentTest.assertSameTransition(seen.get(t).get(i), out.get(i));
                }
                replay = out.stream().map(Transition::next).toList();
            }
        }
    }
}
