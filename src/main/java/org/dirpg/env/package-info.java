/**
 * The environment SPI: immutable snapshot states that can be stepped any number of times, legal actions as bit masks,
 * optional return-to-go bounds, and the lazily realised state-reward tree S of Sec. 3. Native environments live in
 * {@code env.classic}, the gRPC client for remote ones in {@code env.remote}.
 */
package org.dirpg.env;
