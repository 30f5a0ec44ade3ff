package org.dirpg.server.train;

import io.grpc.stub.ServerCallStreamObserver;
import org.dirpg.proto.train.v1.StreamMetricsResponse;

/**
 * One StreamMetrics call: sends a {@link MetricsLog}'s entries from a start index, honouring the client's flow
 * control (it sends only while the call is ready), then follows new entries, and completes once the log has ended and
 * everything was sent.
 *
 * <p>{@link #drain()} runs on whichever thread has news: the call's ready handler, the run's worker after an update,
 * or the caller of {@link #start()}; it is serialised by this object's monitor. A client that cancels only detaches
 * this stream from the log: the run goes on.
 */
final class MetricsStream implements Runnable {
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
            while (call.isReady() && next < log.endIndex()) {
                call.onNext(StreamMetricsResponse.newBuilder().setMetrics(log.get(next)).build());
                next++;
            }
            boolean ended = log.isEnded();
            if (ended && next >= log.endIndex()) {
                done = true;
                log.removeListener(this);
                call.onCompleted();
            }
        } catch (RuntimeException e) {
            // The call went away between isReady() and onNext(): same as a cancellation.
            detach();
        }
    }

    private synchronized void detach() {
        done = true;
        log.removeListener(this);
    }
}
