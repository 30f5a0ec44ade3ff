package org.dirpg.server.train;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.NoSuchElementException;
import java.util.function.Supplier;
import org.dirpg.proto.train.v1.ActRequest;
import org.dirpg.proto.train.v1.ActResponse;
import org.dirpg.proto.train.v1.CreateRunRequest;
import org.dirpg.proto.train.v1.CreateRunResponse;
import org.dirpg.proto.train.v1.GetRunRequest;
import org.dirpg.proto.train.v1.GetRunResponse;
import org.dirpg.proto.train.v1.ListRunsRequest;
import org.dirpg.proto.train.v1.ListRunsResponse;
import org.dirpg.proto.train.v1.SaveCheckpointRequest;
import org.dirpg.proto.train.v1.SaveCheckpointResponse;
import org.dirpg.proto.train.v1.StopRunRequest;
import org.dirpg.proto.train.v1.StopRunResponse;
import org.dirpg.proto.train.v1.StreamMetricsRequest;
import org.dirpg.proto.train.v1.StreamMetricsResponse;
import org.dirpg.proto.train.v1.TrainerServiceGrpc;

/**
 * The trainer protocol ({@code proto/dirpg/train/v1}) over a {@link RunManager}. Domain exceptions become status codes
 * here, once, with their messages intact: {@link IllegalArgumentException} INVALID_ARGUMENT (the message starts with
 * the field's name), {@link NoSuchElementException} NOT_FOUND, {@link IllegalStateException} FAILED_PRECONDITION,
 * {@link UnsupportedOperationException} UNIMPLEMENTED, anything else INTERNAL. A failed call never affects the runs.
 */
public final class TrainerServiceImpl extends TrainerServiceGrpc.TrainerServiceImplBase {
    private final RunManager runs;

    public TrainerServiceImpl(RunManager runs) {
        this.runs = runs;
    }

    @Override
    public void createRun(CreateRunRequest request, StreamObserver<CreateRunResponse> responses) {
        respond(responses, () -> CreateRunResponse.newBuilder().setRun(runs.create(request).toProto()).build());
    }

    @Override
    public void getRun(GetRunRequest request, StreamObserver<GetRunResponse> responses) {
        respond(responses, () -> GetRunResponse.newBuilder().setRun(runs.get(request.getRunId()).toProto()).build());
    }

    @Override
    public void listRuns(ListRunsRequest request, StreamObserver<ListRunsResponse> responses) {
        respond(responses, () -> {
            ListRunsResponse.Builder b = ListRunsResponse.newBuilder();
            if (request.getState() == org.dirpg.proto.train.v1.RunState.UNRECOGNIZED) {
                throw new IllegalArgumentException("state: unknown value " + request.getStateValue());
            }
            for (HostedRun r : runs.list(request.getState())) {
                b.addRuns(r.toProto());
            }
            return b.build();
        });
    }

    @Override
    public void stopRun(StopRunRequest request, StreamObserver<StopRunResponse> responses) {
        respond(responses, () -> StopRunResponse.newBuilder().setRun(runs.stop(request.getRunId()).toProto()).build());
    }

    @Override
    public void streamMetrics(StreamMetricsRequest request, StreamObserver<StreamMetricsResponse> responses) {
        MetricsLog log;
        try {
            if (request.getStartUpdate() < 0) {
                throw new IllegalArgumentException("start_update: must be >= 0, got " + request.getStartUpdate());
            }
            log = runs.get(request.getRunId()).log();
        } catch (RuntimeException e) {
            responses.onError(toStatus(e).asRuntimeException());
            return;
        }
        new MetricsStream(log, (ServerCallStreamObserver<StreamMetricsResponse>) responses, request.getStartUpdate()).start();
    }

    @Override
    public void act(ActRequest request, StreamObserver<ActResponse> responses) {
        respond(responses, () -> runs.get(request.getRunId())
                .act(request.getObservationsList(), request.getGreedy(), request.getSeed()));
    }

    @Override
    public void saveCheckpoint(SaveCheckpointRequest request, StreamObserver<SaveCheckpointResponse> responses) {
        respond(responses, () -> {
            HostedRun.Saved saved = runs.get(request.getRunId()).saveCheckpoint();
            return SaveCheckpointResponse.newBuilder()
                    .setPath(saved.path().toString())
                    .setCheckpoint(ByteString.copyFrom(saved.checkpoint().toBytes()))
                    .setUpdatesDone(saved.checkpoint().updatesDone())
                    .build();
        });
    }

    private static <T> void respond(StreamObserver<T> responses, Supplier<T> body) {
        T result;
        try {
            result = body.get();
        } catch (RuntimeException e) {
            responses.onError(toStatus(e).asRuntimeException());
            return;
        }
        responses.onNext(result);
        responses.onCompleted();
    }

    static Status toStatus(RuntimeException e) {
        if (e instanceof StatusRuntimeException s) {
            return s.getStatus();
        }
        Status status;
        if (e instanceof NoSuchElementException) {
            status = Status.NOT_FOUND;
        } else if (e instanceof IllegalArgumentException) {
            status = Status.INVALID_ARGUMENT;
        } else if (e instanceof IllegalStateException) {
            status = Status.FAILED_PRECONDITION;
        } else if (e instanceof UnsupportedOperationException) {
            status = Status.UNIMPLEMENTED;
        } else {
            status = Status.INTERNAL;
        }
        return status.withDescription(e.getMessage() != null ? e.getMessage() : e.getClass().getName()).withCause(e);
    }
}
