package org.dirpg.server.train;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.dirpg.env.classic.DeepSea;
import org.dirpg.proto.train.v1.Algorithm;
import org.dirpg.proto.train.v1.CreateRunRequest;
import org.dirpg.proto.train.v1.GetRunRequest;
import org.dirpg.proto.train.v1.NativeEnvironment;
import org.dirpg.proto.train.v1.Run;
import org.dirpg.proto.train.v1.RunSpec;
import org.dirpg.proto.train.v1.RunState;
import org.dirpg.proto.train.v1.StreamMetricsRequest;
import org.dirpg.proto.train.v1.StreamMetricsResponse;
import org.dirpg.proto.train.v1.TrainerServiceGrpc;
import org.dirpg.proto.train.v1.UpdateMetrics;
import org.dirpg.server.DirpgServer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A real {@link DirpgServer} on an in-process transport, with a blocking stub and helpers shared by the tests. */
final class TrainerServer implements AutoCloseable {
    final DirpgServer server;
    final ManagedChannel channel;
    final TrainerServiceGrpc.TrainerServiceStub async;

    TrainerServer(int workers, Path checkpointDir) throws IOException {
        this(workers, checkpointDir, org.dirpg.server.train.ServerLimits.defaults());
    }

    /** A server whose data and checkpoint directory is {@code checkpointDir}, with {@code limits}. */
    TrainerServer(int workers, Path checkpointDir, ServerLimits limits) throws IOException {
        this(workers, checkpointDir, limits, org.dirpg.env.remote.RemoteOptions.defaults());
    }

    TrainerServer(int workers, Path checkpointDir, ServerLimits limits, org.dirpg.env.remote.RemoteOptions remote)
            throws IOException {
        String name = InProcessServerBuilder.generateName();
        server = DirpgServer.builder(InProcessServerBuilder.forName(name)).workers(workers).dataDir(checkpointDir)
                .checkpointDir(checkpointDir).limits(limits).remoteOptions(remote).start();
        channel = InProcessChannelBuilder.forName(name).build();
        async = TrainerServiceGrpc.newStub(channel);
    }

    /** A blocking stub whose calls must finish within 60 s. */
    TrainerServiceGrpc.TrainerServiceBlockingStub stub() {
        return TrainerServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    /** A small DirPG run on the 5x5 DeepSea. */
    static RunSpec.Builder deepSea(long updates, long seed) {
        return RunSpec.newBuilder()
                .setNativeEnvironment(NativeEnvironment.newBuilder().setEnvId(DeepSea.ID))
                .setAlgorithm(Algorithm.ALGORITHM_DIRPG)
                .setEpsilon(1.0)
                .setBudget(20)
                .setUpdates(updates)
                .setLearningRate(0.05)
                .setSeed(seed);
    }

    Run create(RunSpec spec) {
        return stub().createRun(CreateRunRequest.newBuilder().setSpec(spec).build()).getRun();
    }

    Run get(String id) {
        return stub().getRun(GetRunRequest.newBuilder().setRunId(id).build()).getRun();
    }

    /** Every metric from {@code start} until the stream completes (the run ended). */
    List<UpdateMetrics> stream(String id, long start) {
        List<UpdateMetrics> out = new ArrayList<>();
        Iterator<StreamMetricsResponse> it = stub().streamMetrics(
                StreamMetricsRequest.newBuilder().setRunId(id).setStartUpdate(start).build());
        it.forEachRemaining(r -> out.add(r.getMetrics()));
        return out;
    }

    /** Polls until the run is in {@code state}, failing after 30 s. */
    Run awaitState(String id, RunState state) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Run r = get(id);
        while (r.getState() != state) {
            assertTrue(System.nanoTime() < deadline, "run " + id + " still " + r.getState() + ", expected " + state);
            Thread.sleep(10);
            r = get(id);
        }
        return r;
    }

    /** Polls until the run has done at least {@code n} updates. */
    Run awaitUpdates(String id, long n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Run r = get(id);
        while (r.getProgress().getUpdatesDone() < n) {
            assertTrue(System.nanoTime() < deadline, "run " + id + " stuck at " + r.getProgress().getUpdatesDone());
            Thread.sleep(5);
            r = get(id);
        }
        return r;
    }

    /** Asserts that {@code call} fails with {@code code} and a description starting with {@code prefix}. */
    static StatusRuntimeException assertStatus(Status.Code code, String prefix, Runnable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run);
        assertEquals(code, e.getStatus().getCode(), () -> "status of: " + e.getStatus());
        String d = String.valueOf(e.getStatus().getDescription());
        assertTrue(d.startsWith(prefix), () -> "description should start with '" + prefix + "': " + d);
        return e;
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow();
        server.stop();
    }
}
