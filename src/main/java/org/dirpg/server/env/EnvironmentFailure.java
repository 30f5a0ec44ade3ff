package org.dirpg.server.env;

/**
 * An environment misbehaved on input the server had already validated (a non-finite reward, a reset or step that
 * threw, an observation that does not fit its declared dtype). It is the server's fault, not the caller's, so it
 * maps to INTERNAL; the message names the environment.
 */
public final class EnvironmentFailure extends RuntimeException {
    public EnvironmentFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
