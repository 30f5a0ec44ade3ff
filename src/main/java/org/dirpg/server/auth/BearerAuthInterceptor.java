package org.dirpg.server.auth;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * Checks {@code authorization: Bearer TOKEN} on every call except the health service (load balancers and container
 * health checks carry no credentials), refusing a missing or unknown token with UNAUTHENTICATED before the call
 * reaches a service, and puts the caller's {@link Identity} in the call's context.
 */
public final class BearerAuthInterceptor implements ServerInterceptor {
    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final String HEALTH = "grpc.health.v1.Health/";

    private final Tokens tokens;

    public BearerAuthInterceptor(Tokens tokens) {
        this.tokens = tokens;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                      ServerCallHandler<Q, R> next) {
        if (call.getMethodDescriptor().getFullMethodName().startsWith(HEALTH)) {
            return next.startCall(call, headers);
        }
        String value = headers.get(AUTHORIZATION);
        Identity who = null;
        if (value != null && value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            who = tokens.identify(value.substring(7).strip());
        }
        if (who == null) {
            call.close(Status.UNAUTHENTICATED.withDescription(value == null
                    ? "authorization: this server requires a bearer token (metadata 'authorization: Bearer TOKEN')"
                    : "authorization: the bearer token is not valid on this server"), new Metadata());
            return new ServerCall.Listener<>() {
            };
        }
        return Contexts.interceptCall(Context.current().withValue(Identity.KEY, who), call, headers, next);
    }
}
