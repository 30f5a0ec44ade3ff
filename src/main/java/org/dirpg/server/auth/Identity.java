package org.dirpg.server.auth;

import io.grpc.Context;

/**
 * Who is calling: the name of the token presented, and whether it may see and control every run. Without
 * authentication every caller is {@link #ANONYMOUS}, an admin with the empty name (the server then only listens on
 * loopback).
 */
public record Identity(String name, boolean admin) {
    public static final Identity ANONYMOUS = new Identity("", true);
    static final Context.Key<Identity> KEY = Context.keyWithDefault("dirpg-identity", ANONYMOUS);

    /** The identity of the current call. */
    public static Identity current() {
        return KEY.get();
    }

    /** Whether this identity may see and control a run owned by {@code owner}. */
    public boolean mayAccess(String owner) {
        return admin || name.equals(owner);
    }
}
