package org.dirpg.server.env;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.function.Function;
import org.dirpg.proto.env.v1.StepBatchRequest;
import org.dirpg.proto.env.v1.StepBatchResponse;
import org.dirpg.server.StatusMapping;

/**
 * The server side of one StepStream: each request is answered, in order, with what {@code stepBatch} (the unary
 * StepBatch's own work) returns for it. The first request n that fails ends the stream with StepBatch's status
 * ({@link StatusMapping}), its description prefixed {@code "request <n>: "}; the responses before it have been sent,
 * and later requests are ignored. grpc-java delivers one call's messages one at a time, so no locking is needed.
 *
 * <p>Call order (grpc-java's): {@link #onNext} any number of times, then {@link #onCompleted} (the client
 * half-closed: the stream ends OK) or {@link #onError} (the client cancelled).
 */
final class StepStreamObserver implements StreamObserver<StepBatchRequest> {
    private final StreamObserver<StepBatchResponse> responses;
    private final Function<StepBatchRequest, StepBatchResponse> stepBatch;
    private int requests;
    private boolean ended;

    StepStreamObserver(StreamObserver<StepBatchResponse> responses,
                       Function<StepBatchRequest, StepBatchResponse> stepBatch) {
        this.responses = responses;
        this.stepBatch = stepBatch;
    }

    @Override
    public void onNext(StepBatchRequest request) {
        if (ended) {
            return;
        }
        StepBatchResponse response;
        try {
            response = stepBatch.apply(request);
        } catch (RuntimeException e) {
            ended = true;
            Status status = StatusMapping.toStatus(e);
            responses.onError(status.withDescription("request " + requests + ": " + status.getDescription())
                    .asRuntimeException());
            return;
        }
        requests++;
        responses.onNext(response);
    }

    @Override
    public void onError(Throwable cancelled) {
        ended = true;
    }

    @Override
    public void onCompleted() {
        if (!ended) {
            ended = true;
            responses.onCompleted();
        }
    }
}
