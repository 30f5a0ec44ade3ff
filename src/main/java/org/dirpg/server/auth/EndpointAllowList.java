package org.dirpg.server.auth;

import java.util.List;
import java.util.Locale;

/**
 * Which remote environment endpoints a run may make the server connect to: without it, a CreateRun could point the
 * server at any address it can reach (internal services, unix sockets). Entries are {@code host:port},
 * {@code host:*} or a full gRPC target such as {@code dns:///minigrid:50061} (matched exactly). With no entries
 * configured only loopback {@code host:port} endpoints are allowed (127.0.0.1, localhost, [::1]).
 */
public final class EndpointAllowList {
    private final List<String> entries;
    private final boolean loopbackWhenEmpty;

    public EndpointAllowList(List<String> entries) {
        this(entries, true);
    }

    /**
     * @param loopbackWhenEmpty whether an empty list allows loopback host:port endpoints (the allow-list's default) or
     *                          nothing (the endpoints fleet credentials are sent to: none unless configured)
     */
    public EndpointAllowList(List<String> entries, boolean loopbackWhenEmpty) {
        this.entries = entries.stream().map(e -> e.strip().toLowerCase(Locale.ROOT)).filter(e -> !e.isEmpty()).toList();
        this.loopbackWhenEmpty = loopbackWhenEmpty;
    }

    /** The same entries, where an empty list allows nothing. */
    public EndpointAllowList explicitOnly() {
        return new EndpointAllowList(entries, false);
    }

    /** Whether {@code endpoint} may be called. */
    public boolean allows(String endpoint) {
        String e = endpoint.strip().toLowerCase(Locale.ROOT);
        if (entries.contains(e)) {
            return true;
        }
        if (e.contains("://") || e.contains("/")) {
            return false;
        }
        int colon = e.lastIndexOf(':');
        if (colon <= 0) {
            return false;
        }
        String host = e.substring(0, colon);
        if (entries.isEmpty()) {
            return loopbackWhenEmpty && (host.equals("127.0.0.1") || host.equals("localhost") || host.equals("[::1]"));
        }
        return entries.contains(host + ":*");
    }

    /** The entries as configured, for messages. */
    public String describe() {
        return entries.isEmpty() ? (loopbackWhenEmpty ? "loopback host:port only" : "none") : String.join(", ", entries);
    }
}
