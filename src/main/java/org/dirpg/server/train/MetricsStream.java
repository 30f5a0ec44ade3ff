package org.dirpg.server.train;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.List;
import org.dirpg.proto.train.v1.StreamMetricsResponse;
import org.dirpg.proto.train.v1.UpdateMetrics;

/**
 * One StreamMetrics call: sends a {@link MetricsLog}'s committed entries from a start index, honouring the client's
 * flow control (it sends only while the call is ready), then follows new entries, and completes once the log has
 * ended and everything was sent. If the server stops before the run ends, the stream ends with the log's abort status
 * (UNAVAILABLE: the run will resume), never with OK, so a client can tell "finished" from "interrupted" and reconnect
 * from the next index it needs.
 *
 * <p>{@link #drain()} runs on whichever thread has news: the call's ready handler, the store's writer after a commit,
 * or the caller of {@link #start()}; it is serialised by this object's monitor. A client that cancels only detaches
 * this stream from the log: the run goes on.
 */
final class MetricsStream implements Runnable {
    private static final int CHUNK = 256;

    private final MetricsLog log;
    private final ServerCallStreamObserver<StreamMetricsResponse> call;
    private long next;
    private boolean done;

    MetricsStream(MetricsLog log, ServerCallStreamObserver<StreamMetricsResponse> call, long start) {
        this.log = log;
        this.call = call;
        this.next = Math.max(start, log.first());
    }

    /** Registers the handlers (before the service method returns, as gRPC requires) and sends what is ready. */
    void start() {
        call.setOnCancelHandler(this::detach);
        call.setOnReadyHandler(this::drain);
        log.addListener(this);
        drain();
    }

    @Override
    public void run() {
        drain();
    }

    synchronized void drain() {
        if (done) {
            return;
        }
        try {
            while (call.isReady()) {
                List<UpdateMetrics> chunk = log.read(next, CHUNK);
                if (chunk.isEmpty()) {
                    break;
                }
                for (UpdateMetrics m : chunk) {
                    if (!call.isReady()) {
                        break;
                    }
                    call.onNext(StreamMetricsResponse.newBuilder().setMetrics(m).build());
                    next = m.getUpdate() + 1;
                }
            }
            boolean ended = log.isEnded();
            long end = log.endIndex();
            if (ended && next >= end && log.durableEnd() >= end) {
                finish(null);
            } else if (log.abortStatus() != null) {
                finish(log.abortStatus());
            }
        } catch (RuntimeException e) {
            // The call went away between isReady() and onNext(): same as a cancellation.
            detach();
        }
    }

    private void finish(Status error) {
        done = true;
        log.removeListener(this);
        if (error == null) {
            call.onCompleted();
        } else {
            call.onError(error.asRuntimeException());
        }
    }

    private synchronized void detach() {
        done = true;
        log.removeListener(this);
    }
}
