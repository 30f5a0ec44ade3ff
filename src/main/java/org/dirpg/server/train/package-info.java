/**
 * The trainer service: training runs hosted by a long-running server (proto {@code dirpg.train.v1}). A
 * {@link org.dirpg.server.train.RunManager} executes runs on a bounded worker pool; each run keeps its metrics for
 * replaying streams, publishes parameter snapshots for Act, and writes {@link org.dirpg.train.Checkpoint}s.
 */
package org.dirpg.server.train;
