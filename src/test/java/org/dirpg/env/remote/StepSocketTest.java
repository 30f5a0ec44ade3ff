package org.dirpg.env.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dirpg.env.State;
import org.dirpg.policy.Adam;
import org.dirpg.policy.LinearSoftmaxPolicy;
import org.dirpg.search.SearchConfig;
import org.dirpg.train.DirPGTrainer;
import org.dirpg.train.UpdateMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client's use of a Python env server's step socket ({@code --step-socket}, {@link StepSocket}): the server names
 * it in its description, every stepBatch then goes over it with the results and tokens of unary StepBatch, its errors
 * are StepBatch's, a DirPG run over it is the same run as over gRPC, and a socket that cannot be reached leaves the
 * client on gRPC without an error.
 */
class StepSocketTest {
    @TempDir
    Path dir;

    /** MultiRoom-N6 with 20-step episodes, offering its step socket at {@code socket}. */
    private static PythonEnvServer withSocket(Path socket) throws java.io.IOException {
        return PythonEnvServer.start(PythonEnvServerTest.MULTIROOM, PythonEnvServerTest.KEY,
                "--env-kwargs", "{\"max_steps\": 20}", "--step-socket", socket.toString());
    }

    private static RemoteEnvironment connect(PythonEnvServer server) {
        return RemoteEnvironment.connect(PythonEnvServerTest.MULTIROOM, new EndpointList(List.of(server.endpoint)),
                RemoteOptions.defaults());
    }

    @Test
    void socketResultsAndErrorsAreStepBatchs() throws Exception {
        Path socket = dir.resolve("step.sock");
        try (PythonEnvServer server = withSocket(socket);
             RemoteEnvironment remote = connect(server)) {
            int batches = StepStreamTest.assertStreamEqualsUnary(remote, 4, 12, 7);
            assertEquals(batches, remote.socketBatches(), "every stepBatch went over the step socket");
            assertEquals(0, remote.streamedBatches(), "none over a stream");
            State s = remote.reset(5);
            RemoteState forged = StepStreamTest.forged((RemoteState) s);
            IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                    () -> remote.stepBatch(List.of(s, forged), new int[] {2, 2}));
            IllegalArgumentException unary = assertThrows(IllegalArgumentException.class,
                    () -> FailoverCaller.await(remote.stepBatchAsync(List.of(s, forged), new int[] {2, 2})));
            assertTrue(bad.getMessage().startsWith("INVALID_ARGUMENT from unix:" + socket + ": item 1: "),
                    bad.getMessage());
            assertEquals(unary.getMessage().substring(unary.getMessage().indexOf(": item 1: ")),
                    bad.getMessage().substring(bad.getMessage().indexOf(": item 1: ")), "the socket's error is StepBatch's");
            long before = remote.socketBatches();
            assertEquals(StepStreamTest.assertStreamEqualsUnary(remote, 1, 5, 8), remote.socketBatches() - before,
                    "the connection serves on after an application error");
        }
    }

    @Test
    void aDirPGRunOverTheSocketIsTheRunOverGrpc() throws Exception {
        Path socket = dir.resolve("run.sock");
        List<List<Object>> runs = new ArrayList<>();
        for (String[] extra : List.of(new String[] {"--env-kwargs", "{\"max_steps\": 20}", "--step-socket",
                socket.toString()}, new String[] {"--env-kwargs", "{\"max_steps\": 20}"})) {
            try (PythonEnvServer server = PythonEnvServer.start(PythonEnvServerTest.MULTIROOM, PythonEnvServerTest.KEY,
                    extra);
                 RemoteEnvironment remote = connect(server)) {
                LinearSoftmaxPolicy policy = new LinearSoftmaxPolicy(remote.spec().featureSize(),
                        remote.spec().numActions(), 0.01, 3);
                List<UpdateMetrics> metrics = new ArrayList<>();
                try (DirPGTrainer t = new DirPGTrainer(remote, policy, SearchConfig.gumbel(1.0, 200, false),
                        new Adam(0.01), 5)) {
                    for (int u = 0; u < 4; u++) {
                        metrics.add(t.update());
                    }
                }
                assertEquals(extra.length == 4, remote.socketBatches() > 0, "socket batches " + remote.socketBatches());
                runs.add(List.of(metrics, policy.parameters()));
            }
        }
        assertEquals(runs.get(0).get(0), runs.get(1).get(0));
        assertArrayEquals((double[]) runs.get(0).get(1), (double[]) runs.get(1).get(1));
    }

    @Test
    void aSocketThatCannotBeReachedLeavesTheClientOnGrpc() throws Exception {
        Path socket = dir.resolve("gone.sock");
        try (PythonEnvServer server = withSocket(socket);
             RemoteEnvironment remote = connect(server)) {
            Files.delete(socket); // the server listens on, but no new connection can find it
            int batches = StepStreamTest.assertStreamEqualsUnary(remote, 2, 8, 9);
            assertEquals(0, remote.socketBatches());
            assertEquals(batches, remote.streamedBatches(), "every stepBatch went over a gRPC stream instead");
        }
    }
}
