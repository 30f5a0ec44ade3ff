package org.dirpg.testing;

import io.grpc.Context;
import io.grpc.StatusRuntimeException;
import java.util.Iterator;
import java.util.function.Supplier;

/**
 * A blocking server stream that a test may stop reading before its end. A blocking stub's iterator delivers
 * messages (and the call's end) by running them on the reading thread: an iterator simply dropped leaves the
 * messages received after the last read queued with their netty buffers, never released, which netty's leak detector
 * reports later (LEAK: ByteBuf.release() was not called). {@link #close()} cancels the call (it runs in its own
 * cancellable context) and drains what was queued, so every received buffer is released.
 *
 * @param <T> the response type
 */
public final class AbandonableStream<T> implements Iterator<T>, AutoCloseable {
    private final Context.CancellableContext context = Context.current().withCancellation();
    private final Iterator<T> responses;

    /** Starts the call returned by {@code start} (a blocking stub's server-streaming method) in its own context. */
    public AbandonableStream(Supplier<Iterator<T>> start) {
        Context previous = context.attach();
        try {
            responses = start.get();
        } finally {
            context.detach(previous);
        }
    }

    @Override
    public boolean hasNext() {
        return responses.hasNext();
    }

    @Override
    public T next() {
        return responses.next();
    }

    /** Cancels the call (if still open) and reads what was already received, until the call's end. */
    @Override
    public void close() {
        context.cancel(null);
        try {
            while (responses.hasNext()) {
                responses.next();
            }
        } catch (StatusRuntimeException ended) {
            // CANCELLED (our cancel) or UNAVAILABLE (the server died): either way the call is over and drained
        }
    }
}
