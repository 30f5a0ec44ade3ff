package org.dirpg.server.auth;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The rule of where a server may listen: beyond loopback only with TLS and authentication (bearer tokens or client
 * certificates), so neither a token nor a run's data ever crosses a network in the clear and nobody unknown can drive
 * the server; on a loopback address both may be off. {@link #notice} is the line a server prints at start saying
 * which protections are on.
 */
public final class BindPolicy {
    private BindPolicy() {
    }

    /** Whether {@code host} (a name or address) resolves to a loopback address. */
    public static boolean loopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("--host " + host + ": unknown host; give an address of this machine "
                    + "(127.0.0.1, or 0.0.0.0 for every interface)");
        }
    }

    /**
     * Refuses to listen on {@code host} without TLS and authentication unless it is loopback.
     *
     * @param tls           whether the transport is TLS
     * @param authenticated whether callers must present a token or a client certificate
     * @throws IllegalArgumentException one line naming what is missing and the options that add it
     */
    public static void check(String host, boolean tls, boolean authenticated) {
        if (loopback(host) || (tls && authenticated)) {
            return;
        }
        String missing = !tls && !authenticated ? "TLS and authentication" : !tls ? "TLS" : "authentication";
        throw new IllegalArgumentException("--host " + host + ": refusing to serve beyond loopback without " + missing
                + "; give " + (!tls ? "--tls-cert and --tls-key" : "")
                + (!tls && !authenticated ? ", and " : "")
                + (!authenticated ? "--tokens-file (or DIRPG_TOKENS) or --tls-client-ca" : "")
                + ", or bind 127.0.0.1");
    }

    /** The start-up line: what protects this server (and why an unprotected one is allowed). */
    public static String notice(String server, String host, boolean tls, boolean mutual, boolean tokens) {
        String transport = !tls ? "plaintext" : mutual ? "TLS with client certificates (mTLS; the certificate's CN "
                + "identifies the caller)" : "TLS";
        // Under mTLS the handshake itself asks for a certificate (ClientAuth.REQUIRE), before any token is read.
        String auth = tokens && mutual ? "client certificates required (a caller with only a bearer token is refused "
                + "at the TLS handshake; with a certificate, its token names the caller)" : tokens ? "bearer tokens"
                : mutual ? "client certificates required" : "none";
        String why = !tls || (!tokens && !mutual) ? " (allowed because " + host + " is loopback)" : "";
        return server + ": transport " + transport + "; authentication " + auth + why;
    }
}
