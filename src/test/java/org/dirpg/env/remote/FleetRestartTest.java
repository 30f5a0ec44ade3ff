package org.dirpg.env.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.dirpg.env.Environment;
import org.dirpg.train.Algorithm;
import org.dirpg.train.TrainSettings;
import org.dirpg.train.Trainer;
import org.dirpg.train.TrainerFactory;
import org.junit.jupiter.api.Test;

/**
 * Failover matches how gRPC fails: transport failures of dying replicas are retried with backoff within a time
 * budget, application errors are not; a whole fleet of real Python env servers killed for 5 s and restarted on the
 * same ports costs a DirPG run a pause, not its life; rolling kills of single replicas cost nothing at all.
 */
class FleetRestartTest {
    private static final String MULTIROOM = "MiniGrid-MultiRoom-N6-v0";
    private static final String KEY = "fleet-restart-test-fleet-key";

    @Test
    void transportFailuresAreRetriedAndApplicationErrorsAreNot() {
        assertTrue(FailoverCaller.retryable(Status.UNKNOWN.withDescription("channel closed"), null),
                "grpc-java's report of a replica dying mid-call");
        assertTrue(FailoverCaller.retryable(Status.INTERNAL.withCause(new IOException("Connection reset by peer")), null));
        assertTrue(FailoverCaller.retryable(Status.INTERNAL.withDescription("Received Rst Stream"), null));
        assertTrue(FailoverCaller.retryable(Status.UNAVAILABLE, null));
        assertTrue(FailoverCaller.retryable(Status.DEADLINE_EXCEEDED, null));
        assertTrue(FailoverCaller.retryable(Status.RESOURCE_EXHAUSTED.withDescription("Concurrent RPC limit exceeded!"), null));
        assertFalse(FailoverCaller.retryable(Status.UNKNOWN.withDescription("Exception calling application: boom"), null));
        assertFalse(FailoverCaller.retryable(Status.INVALID_ARGUMENT.withDescription("state_token: bad signature"), null));
        assertFalse(FailoverCaller.retryable(Status.RESOURCE_EXHAUSTED.withDescription("message larger than max"), null));
        assertFalse(FailoverCaller.retryable(Status.INTERNAL.withDescription("division by zero"), null));
    }

    @Test
    void aRunSurvivesTheWholeFleetDownForFiveSeconds() throws Exception {
        int updates = 12;
        PythonEnvServer a = PythonEnvServer.start(MULTIROOM, KEY, PythonEnvServerTest.SHORT);
        PythonEnvServer b = PythonEnvServer.start(MULTIROOM, KEY, PythonEnvServerTest.SHORT);
        int portA = a.endpoint.port();
        int portB = b.endpoint.port();
        TrainSettings s = TrainSettings.builder().envId(MULTIROOM)
                .remoteEndpoints(List.of(a.endpoint.toString(), b.endpoint.toString()))
                .algorithm(Algorithm.DIRPG).budget(40).updates(updates).seed(3).build();
        AtomicLong done = new AtomicLong();
        AtomicLong longestNanos = new AtomicLong();
        try (Environment env = TrainerFactory.environment(s)) {
            Trainer trainer = TrainerFactory.trainer(s, env, TrainerFactory.policy(s, env));
            CompletableFuture<Void> run = CompletableFuture.runAsync(() -> {
                for (int u = 0; u < updates; u++) {
                    long t0 = System.nanoTime();
                    trainer.update();
                    longestNanos.accumulateAndGet(System.nanoTime() - t0, Math::max);
                    done.incrementAndGet();
                }
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (done.get() < 2 && System.nanoTime() < deadline && !run.isDone()) {
                Thread.sleep(5);
            }
            a.kill();
            b.kill();
            long atKill = done.get();
            assertTrue(atKill < updates, "the run was still going when the fleet died");
            Thread.sleep(5000);
            a = PythonEnvServer.start(MULTIROOM, KEY, concat(PythonEnvServerTest.SHORT, "--port", "" + portA));
            b = PythonEnvServer.start(MULTIROOM, KEY, concat(PythonEnvServerTest.SHORT, "--port", "" + portB));
            run.get(120, TimeUnit.SECONDS);
            assertEquals(updates, done.get(), "every update completed");
            assertTrue(longestNanos.get() > TimeUnit.SECONDS.toNanos(4), "one update waited out the outage: "
                    + longestNanos.get() / 1e9 + " s");
            if (trainer instanceof AutoCloseable c) {
                c.close();
            }
        } finally {
            a.close();
            b.close();
        }
    }

    /**
     * Rolling kills: while a DirPG run trains over three real Python replicas, one replica after another is killed
     * (SIGKILL) and restarted on its port, many times. Every update completes and, because state tokens carry the
     * whole environment state and failed calls are retried elsewhere, the run is the same run as an undisturbed one:
     * its final theta is equal to the last bit.
     */
    @Test
    void rollingKillsOfReplicasLoseNothing() throws Exception {
        int updates = 40;
        PythonEnvServer[] fleet = new PythonEnvServer[3];
        for (int i = 0; i < fleet.length; i++) {
            fleet[i] = PythonEnvServer.start(MULTIROOM, KEY, PythonEnvServerTest.SHORT);
        }
        try {
            List<String> endpoints = java.util.Arrays.stream(fleet).map(f -> f.endpoint.toString()).toList();
            double[] undisturbed = train(endpoints, updates, null, null);
            AtomicLong kills = new AtomicLong();
            // update u waits for kill (u + 1) / 4, so the run meets at least 10 kills however fast the machine is
            double[] disturbed = train(endpoints, updates, u -> kills.get() >= (u + 1) / 4, done -> {
                int i = (int) (kills.get() % fleet.length);
                int port = fleet[i].endpoint.port();
                fleet[i].kill();
                kills.incrementAndGet();
                Thread.sleep(200);
                fleet[i] = PythonEnvServer.start(MULTIROOM, KEY,
                        concat(PythonEnvServerTest.SHORT, "--port", "" + port));
            });
            assertTrue(kills.get() >= updates / 4, "replicas killed during the run: " + kills.get());
            assertTrue(java.util.Arrays.equals(undisturbed, disturbed),
                    "after " + kills.get() + " kills the run's theta differs from the undisturbed run's");
        } finally {
            for (PythonEnvServer f : fleet) {
                f.close();
            }
        }
    }

    private interface Disturbance {
        void between(long updatesDone) throws Exception;
    }

    /**
     * Trains DirPG over {@code endpoints}, calling {@code disturbance} (if any) again and again while it runs; update
     * u starts once {@code gate} (if any) allows it.
     */
    private static double[] train(List<String> endpoints, int updates, java.util.function.IntPredicate gate,
                                  Disturbance disturbance) throws Exception {
        TrainSettings s = TrainSettings.builder().envId(MULTIROOM).remoteEndpoints(endpoints)
                .algorithm(Algorithm.DIRPG).budget(40).updates(updates).seed(5).build();
        AtomicLong done = new AtomicLong();
        try (Environment env = TrainerFactory.environment(s)) {
            Trainer trainer = TrainerFactory.trainer(s, env, TrainerFactory.policy(s, env));
            CompletableFuture<Void> run = CompletableFuture.runAsync(() -> {
                for (int u = 0; u < updates; u++) {
                    while (gate != null && !gate.test(u)) {
                        java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
                    }
                    trainer.update();
                    done.incrementAndGet();
                }
            });
            while (disturbance != null && !run.isDone()) {
                disturbance.between(done.get());
            }
            run.get(180, TimeUnit.SECONDS);
            assertEquals(updates, done.get(), "every update completed");
            double[] theta = trainer.policy().parameters();
            if (trainer instanceof AutoCloseable c) {
                c.close();
            }
            return theta;
        }
    }

    private static String[] concat(String[] xs, String... more) {
        String[] out = java.util.Arrays.copyOf(xs, xs.length + more.length);
        System.arraycopy(more, 0, out, xs.length, more.length);
        return out;
    }
}
