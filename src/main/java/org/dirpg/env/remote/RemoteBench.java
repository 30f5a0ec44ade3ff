package org.dirpg.env.remote;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.dirpg.env.EncodableEnvironment;
import org.dirpg.env.State;
import org.dirpg.env.Transition;
import org.dirpg.env.classic.Environments;
import org.dirpg.server.env.EnvironmentServer;
import org.dirpg.server.env.EnvironmentServiceImpl;
import org.dirpg.server.env.StateTokens;

/**
 * Remote stepping throughput: steps per second of random legal walks with batch 1, batch 64 (one batch in flight,
 * with the blocking {@link RemoteEnvironment#stepBatch}, as a search steps: over a StepStream), and K batches of 64 in
 * flight at once ({@link RemoteEnvironment#stepBatchAsync}, unary calls). Walks restart from a pool of reset roots when they end
 * (stepping is pure, so a root can be stepped again), so only steps are timed.
 *
 * <p>Usage: {@code RemoteBench ENV_ID ENDPOINTS [SECONDS] [K]}, where ENDPOINTS is {@code host:port,host:port} or
 * {@code native} to serve the native environments on a loopback port of this JVM.
 */
public final class RemoteBench {
    private RemoteBench() {
    }

    /** Steps per second over {@code duration}, with {@code inFlight} batches of {@code batch} walks outstanding. */
    public static double stepsPerSecond(RemoteEnvironment env, int batch, int inFlight, Duration duration, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<State> roots = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            roots.add(env.reset(rng.nextLong() & Long.MAX_VALUE));
        }
        List<List<State>> walks = new ArrayList<>();
        List<CompletableFuture<List<Transition>>> pending = new ArrayList<>();
        for (int k = 0; k < inFlight; k++) {
            List<State> w = new ArrayList<>();
            for (int i = 0; i < batch; i++) {
                w.add(roots.get(rng.nextInt(roots.size())));
            }
            walks.add(w);
            pending.add(send(env, w, actions(w, rng), inFlight));
        }
        long steps = 0;
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        while (System.nanoTime() < end) {
            for (int k = 0; k < inFlight; k++) {
                List<Transition> out = pending.get(k).join();
                steps += out.size();
                List<State> w = new ArrayList<>(batch);
                for (Transition t : out) {
                    w.add(t.next().isTerminal() ? roots.get(rng.nextInt(roots.size())) : t.next());
                }
                walks.set(k, w);
                pending.set(k, send(env, w, actions(w, rng), inFlight));
            }
        }
        double seconds = (System.nanoTime() - start) * 1e-9;
        pending.forEach(CompletableFuture::join);
        return steps / seconds;
    }

    /**
     * One batch in flight is stepped as a search steps, with the blocking {@link RemoteEnvironment#stepBatch} (on the
     * thread's StepStream); several in flight with {@link RemoteEnvironment#stepBatchAsync} (unary calls).
     */
    private static CompletableFuture<List<Transition>> send(RemoteEnvironment env, List<State> states, int[] actions,
                                                            int inFlight) {
        return inFlight == 1 ? CompletableFuture.completedFuture(env.stepBatch(states, actions))
                : env.stepBatchAsync(states, actions);
    }

    private static int[] actions(List<State> states, SplittableRandom rng) {
        int[] a = new int[states.size()];
        for (int i = 0; i < a.length; i++) {
            long legal = states.get(i).legalActions();
            for (int skip = rng.nextInt(Long.bitCount(legal)); skip > 0; skip--) {
                legal &= legal - 1;
            }
            a[i] = Long.numberOfTrailingZeros(legal);
        }
        return a;
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length < 2) {
            System.err.println("usage: RemoteBench ENV_ID host:port[,host:port...]|native [SECONDS] [K]");
            System.exit(2);
        }
        String envId = args[0];
        Duration duration = Duration.ofMillis((long) (1000 * (args.length > 2 ? Double.parseDouble(args[2]) : 3)));
        int k = args.length > 3 ? Integer.parseInt(args[3]) : 8;
        EnvironmentServer server = null;
        EndpointList endpoints;
        if (args[1].equals("native")) {
            List<EncodableEnvironment> envs = Environments.nativeIds().stream()
                    .map(id -> (EncodableEnvironment) Environments.make(id)).toList();
            server = EnvironmentServer.start(new EnvironmentServiceImpl(envs, StateTokens.randomKey(), 1), 0,
                    RemoteOptions.DEFAULT_MAX_MESSAGE_BYTES);
            endpoints = EndpointList.parse("127.0.0.1:" + server.port());
        } else {
            endpoints = EndpointList.parse(args[1]);
        }
        try (RemoteEnvironment env = RemoteEnvironment.connect(envId, endpoints, RemoteOptions.defaults())) {
            stepsPerSecond(env, 64, k, Duration.ofSeconds(1), 0);
            System.out.printf(Locale.ROOT, "env %s endpoints %s%n", envId, endpoints);
            System.out.printf(Locale.ROOT, "batch 1: %.0f steps/s%n", stepsPerSecond(env, 1, 1, duration, 1));
            System.out.printf(Locale.ROOT, "batch 64: %.0f steps/s%n", stepsPerSecond(env, 64, 1, duration, 2));
            System.out.printf(Locale.ROOT, "batch 64 x %d in flight: %.0f steps/s%n", k,
                    stepsPerSecond(env, 64, k, duration, 3));
        } finally {
            if (server != null) {
                server.stop();
            }
        }
    }
}
