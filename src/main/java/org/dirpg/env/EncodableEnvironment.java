package org.dirpg.env;

/**
 * An environment whose states can be written to bytes and read back, so that a server can hand them out as state
 * tokens of the environment protocol ({@code proto/dirpg/env/v1}). Decoding must validate its input and throw
 * {@link IllegalArgumentException} naming the problem for bytes it did not write; tokens from the network are
 * authenticated before they reach {@link #decode}.
 */
public interface EncodableEnvironment extends Environment {

    /** The bytes of {@code state}, which must come from this environment. */
    byte[] encode(State state);

    /** The state whose bytes {@link #encode} wrote. */
    State decode(byte[] bytes);
}
