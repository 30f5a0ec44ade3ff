/**
 * The Java client of the environment protocol ({@code proto/dirpg/env/v1}): {@link
 * org.dirpg.env.remote.RemoteEnvironment} steps any served environment from state tokens over one or several
 * endpoints, with batching, splitting of large batches, per-call deadlines and failover.
 */
package org.dirpg.env.remote;
