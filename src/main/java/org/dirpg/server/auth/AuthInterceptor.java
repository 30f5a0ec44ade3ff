package org.dirpg.server.auth;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Set;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Finds who is calling, on every call except the health service (load balancers and container health checks carry no
 * credentials), and puts the caller's {@link Identity} in the call's context:
 *
 * <ol>
 *   <li>a bearer token ({@code authorization: Bearer TOKEN}) names the token's identity; an unknown token is refused
 *       with UNAUTHENTICATED even when a client certificate would do;</li>
 *   <li>without a token, under mutual TLS, the verified client certificate's subject CN is the identity (an admin when
 *       listed in {@code adminNames});</li>
 *   <li>otherwise the call is refused with UNAUTHENTICATED before it reaches a service.</li>
 * </ol>
 * A token named X and a certificate with CN X are the same identity, so one person may use either.
 */
public final class AuthInterceptor implements ServerInterceptor {
    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final String HEALTH = "grpc.health.v1.Health/";

    private final Tokens tokens;
    private final boolean clientCertificates;
    private final Set<String> adminNames;

    /**
     * @param tokens             accepted bearer tokens; null = none (then {@code clientCertificates} must be true)
     * @param clientCertificates whether a verified client certificate identifies its caller (mutual TLS)
     * @param adminNames         certificate CNs that are admins
     */
    public AuthInterceptor(Tokens tokens, boolean clientCertificates, Set<String> adminNames) {
        if (tokens == null && !clientCertificates) {
            throw new IllegalArgumentException("authentication needs bearer tokens or client certificates");
        }
        this.tokens = tokens;
        this.clientCertificates = clientCertificates;
        this.adminNames = Set.copyOf(adminNames);
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                      ServerCallHandler<Q, R> next) {
        if (call.getMethodDescriptor().getFullMethodName().startsWith(HEALTH)) {
            return next.startCall(call, headers);
        }
        String value = headers.get(AUTHORIZATION);
        Identity who = null;
        String refusal;
        if (value != null) {
            if (tokens != null && value.regionMatches(true, 0, "Bearer ", 0, 7)) {
                who = tokens.identify(value.substring(7).strip());
            }
            refusal = tokens == null
                    ? "authorization: this server takes no bearer tokens; authenticate with a client certificate"
                    : "authorization: the bearer token is not valid on this server";
        } else {
            String cn = clientCertificates ? commonName(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION)) : null;
            if (cn != null) {
                who = new Identity(cn, adminNames.contains(cn));
            }
            refusal = tokens == null
                    ? "authorization: this server requires a client certificate whose subject has exactly one CN"
                    : "authorization: this server requires a bearer token (metadata 'authorization: Bearer TOKEN')";
        }
        if (who == null) {
            call.close(Status.UNAUTHENTICATED.withDescription(refusal), new Metadata());
            return new ServerCall.Listener<>() {
            };
        }
        return Contexts.interceptCall(Context.current().withValue(Identity.KEY, who), call, headers, next);
    }

    /**
     * The subject CN of the verified peer certificate of {@code session}, or null: also null for a subject with more
     * than one CN (e.g. {@code /CN=carol/CN=bob}), which names no one identity.
     */
    static String commonName(SSLSession session) {
        if (session == null) {
            return null;
        }
        try {
            Certificate[] chain = session.getPeerCertificates();
            if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
                return null;
            }
            String cn = null;
            int count = 0;
            for (Rdn rdn : new LdapName(leaf.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    cn = String.valueOf(rdn.getValue()).strip();
                    count++;
                }
            }
            return count != 1 || cn.isEmpty() ? null : cn;
        } catch (SSLPeerUnverifiedException | InvalidNameException e) {
            return null;
        }
    }
}
