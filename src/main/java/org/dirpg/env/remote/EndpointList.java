package org.dirpg.env.remote;

import java.util.ArrayList;
import java.util.List;

/**
 * The env-server endpoints a {@link RemoteEnvironment} spreads its calls over, parsed from {@code "host:port,host:port"}.
 *
 * @param endpoints at least one
 */
public record EndpointList(List<Endpoint> endpoints) {

    /** One server address; IPv6 hosts are written in brackets, {@code [::1]:50051}. */
    public record Endpoint(String host, int port) {
        public Endpoint {
            if (host == null || host.isBlank()) {
                throw new IllegalArgumentException("an endpoint needs a host");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port of " + host + " must be in [1, 65535], got " + port);
            }
        }

        @Override
        public String toString() {
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }

    public EndpointList {
        if (endpoints == null || endpoints.isEmpty()) {
            throw new IllegalArgumentException("an endpoint list needs at least one host:port");
        }
        endpoints = List.copyOf(endpoints);
    }

    /**
     * Parses {@code "host:port,host:port"} (spaces around commas allowed).
     *
     * @throws IllegalArgumentException naming the entry that is not {@code host:port}
     */
    public static EndpointList parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("endpoint list is empty; expected \"host:port,host:port\"");
        }
        List<Endpoint> out = new ArrayList<>();
        for (String raw : text.split(",")) {
            String entry = raw.strip();
            int colon = entry.lastIndexOf(':');
            if (colon <= 0 || colon == entry.length() - 1) {
                throw new IllegalArgumentException("endpoint '" + entry + "' is not host:port (in \"" + text + "\")");
            }
            String host = entry.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            } else if (host.contains(":")) {
                throw new IllegalArgumentException("endpoint '" + entry + "': write an IPv6 host in brackets, [::1]:50051");
            }
            int port;
            try {
                port = Integer.parseInt(entry.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("endpoint '" + entry + "' has a port that is not a number");
            }
            out.add(new Endpoint(host, port));
        }
        return new EndpointList(out);
    }

    @Override
    public String toString() {
        return String.join(",", endpoints.stream().map(Endpoint::toString).toList());
    }
}
