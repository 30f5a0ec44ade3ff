package org.dirpg.server;

import io.grpc.BindableService;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import java.io.InputStream;

/**
 * Answers a request that is not a valid protobuf of its method's type with INVALID_ARGUMENT, as the problem is the
 * client's. grpc-java parses requests outside the application and reports a parse failure as UNKNOWN "Application
 * error processing RPC", which tells the client nothing and looks like a server fault.
 *
 * <p>How: each method's request marshaller is wrapped so that a parse failure does not throw but remembers the error in
 * a thread-local and yields a placeholder; grpc-java hands the parsed request to the call's listener on the same thread
 * right after parsing, where the wrapped listener finds the error and closes the call instead of delivering the
 * placeholder. Valid requests pay one thread-local read.
 */
public final class MalformedRequests {
    private static final ThreadLocal<String> FAILURE = new ThreadLocal<>();

    private MalformedRequests() {
    }

    /** {@code service} with every method guarded. */
    public static ServerServiceDefinition guard(BindableService service) {
        return guard(service.bindService());
    }

    public static ServerServiceDefinition guard(ServerServiceDefinition service) {
        // The schema descriptor is kept so that server reflection still describes the service.
        io.grpc.ServiceDescriptor original = service.getServiceDescriptor();
        io.grpc.ServiceDescriptor.Builder descriptor = io.grpc.ServiceDescriptor.newBuilder(original.getName())
                .setSchemaDescriptor(original.getSchemaDescriptor());
        java.util.List<ServerMethodDefinition<?, ?>> guarded = new java.util.ArrayList<>();
        for (ServerMethodDefinition<?, ?> m : service.getMethods()) {
            ServerMethodDefinition<?, ?> g = guard(m);
            guarded.add(g);
            descriptor.addMethod(g.getMethodDescriptor());
        }
        ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(descriptor.build());
        guarded.forEach(b::addMethod);
        return b.build();
    }

    private static <Q, R> ServerMethodDefinition<Q, R> guard(ServerMethodDefinition<Q, R> m) {
        MethodDescriptor<Q, R> method = m.getMethodDescriptor().toBuilder()
                .setRequestMarshaller(new Guarded<>(m.getMethodDescriptor().getRequestMarshaller()))
                .build();
        ServerCallHandler<Q, R> inner = m.getServerCallHandler();
        ServerCallHandler<Q, R> handler = (call, headers) -> {
            ServerCall.Listener<Q> delegate = inner.startCall(call, headers);
            return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(delegate) {
                private boolean closed;

                @Override
                public void onMessage(Q message) {
                    String failure = FAILURE.get();
                    if (failure != null) {
                        FAILURE.remove();
                        if (!closed) {
                            closed = true;
                            call.close(Status.INVALID_ARGUMENT.withDescription("request: not a valid "
                                    + call.getMethodDescriptor().getFullMethodName() + " request message ("
                                    + failure + ")"), new Metadata());
                        }
                        return;
                    }
                    if (!closed) {
                        super.onMessage(message);
                    }
                }

                @Override
                public void onHalfClose() {
                    if (!closed) {
                        super.onHalfClose();
                    }
                }
            };
        };
        return ServerMethodDefinition.create(method, handler);
    }

    /** Parses with the original marshaller; on failure records it and returns the default instance. */
    private record Guarded<T>(MethodDescriptor.Marshaller<T> inner) implements MethodDescriptor.Marshaller<T> {
        @Override
        public InputStream stream(T value) {
            return inner.stream(value);
        }

        @Override
        public T parse(InputStream stream) {
            try {
                FAILURE.remove();
                return inner.parse(stream);
            } catch (RuntimeException e) {
                String why = e.getCause() != null && e.getCause().getMessage() != null ? e.getCause().getMessage()
                        : String.valueOf(e.getMessage());
                FAILURE.set(why.length() > 200 ? why.substring(0, 200) : why);
                return placeholder();
            }
        }

        @SuppressWarnings("unchecked")
        private T placeholder() {
            if (inner instanceof MethodDescriptor.PrototypeMarshaller<T> p) {
                return p.getMessagePrototype();
            }
            return (T) new Object();
        }
    }
}
