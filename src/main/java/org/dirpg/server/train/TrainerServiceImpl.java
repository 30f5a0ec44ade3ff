package org.dirpg.server.train;

import com.google.protobuf.ByteString;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.NoSuchElementException;
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
import org.dirpg.server.StatusMapping;
import org.dirpg.server.auth.Identity;

/**
 * The trainer protocol ({@code proto/dirpg/train/v1}) over a {@link RunManager}. Domain exceptions become status codes
 * here, once, by {@link StatusMapping}, with their messages intact: {@link IllegalArgumentException} INVALID_ARGUMENT
 * (the message starts with the field's name), {@link NoSuchElementException} NOT_FOUND (unknown run id or checkpoint
 * file), {@link IllegalStateException} FAILED_PRECONDITION, {@link UnsupportedOperationException} UNIMPLEMENTED,
 * anything else INTERNAL. A failed call never affects the runs. Every call acts as the caller's {@link Identity}: a
 * run created by one token's holder is visible and controllable only by that holder and by admins (others get
 * PERMISSION_DENIED, and ListRuns leaves it out).
 */
public final class TrainerServiceImpl extends TrainerServiceGrpc.TrainerServiceImplBase {
    private final RunManager runs;

    public TrainerServiceImpl(RunManager runs) {
        this.runs = runs;
    }

    @Override
    public void createRun(CreateRunRequest request, StreamObserver<CreateRunResponse> responses) {
        StatusMapping.respond(responses, () -> CreateRunResponse.newBuilder().setRun(runs.create(request, Identity.current()).toProto()).build());
    }

    @Override
    public void getRun(GetRunRequest request, StreamObserver<GetRunResponse> responses) {
        StatusMapping.respond(responses, () -> GetRunResponse.newBuilder().setRun(runs.getFor(request.getRunId(), Identity.current()).toProtoWithStorage()).build());
    }

    @Override
    public void listRuns(ListRunsRequest request, StreamObserver<ListRunsResponse> responses) {
        StatusMapping.respond(responses, () -> {
            ListRunsResponse.Builder b = ListRunsResponse.newBuilder();
            Identity who = Identity.current();
            if (request.getState() == org.dirpg.proto.train.v1.RunState.UNRECOGNIZED) {
                throw new IllegalArgumentException("state: unknown value " + request.getStateValue());
            }
            RunManager.Page page = runs.list(request.getState(), request.getPageSize(), request.getPageToken(),
                    r -> who.mayAccess(r.owner()));
            for (HostedRun r : page.runs()) {
                b.addRuns(r.toProto());
            }
            b.setNextPageToken(page.nextPageToken());
            return b.build();
        });
    }

    @Override
    public void stopRun(StopRunRequest request, StreamObserver<StopRunResponse> responses) {
        StatusMapping.respond(responses, () -> StopRunResponse.newBuilder().setRun(runs.stop(request.getRunId(), Identity.current()).toProto()).build());
    }

    @Override
    public void streamMetrics(StreamMetricsRequest request, StreamObserver<StreamMetricsResponse> responses) {
        MetricsLog log;
        try {
            if (request.getStartUpdate() < 0) {
                throw new IllegalArgumentException("start_update: must be >= 0, got " + request.getStartUpdate());
            }
            log = runs.getFor(request.getRunId(), Identity.current()).log();
        } catch (RuntimeException e) {
            responses.onError(StatusMapping.toStatus(e).asRuntimeException());
            return;
        }
        new MetricsStream(log, (ServerCallStreamObserver<StreamMetricsResponse>) responses, request.getStartUpdate()).start();
    }

    @Override
    public void act(ActRequest request, StreamObserver<ActResponse> responses) {
        StatusMapping.respond(responses, () -> runs.act(request, Identity.current()));
    }

    @Override
    public void saveCheckpoint(SaveCheckpointRequest request, StreamObserver<SaveCheckpointResponse> responses) {
        StatusMapping.respond(responses, () -> {
            HostedRun.Saved saved = runs.getFor(request.getRunId(), Identity.current()).saveCheckpoint();
            return SaveCheckpointResponse.newBuilder()
                    .setPath(runs.relativeCheckpointPath(saved.path()))
                    .setCheckpoint(ByteString.copyFrom(saved.checkpoint().toBytes()))
                    .setUpdatesDone(saved.checkpoint().updatesDone())
                    .build();
        });
    }
}
