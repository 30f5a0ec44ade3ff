/**
 * Concurrency for K searches in flight on a remote environment: a coalescer that turns the single environment steps
 * and policy evaluations of several search threads into batched calls (one StepBatch round trip, one network forward
 * pass). In process, where a call costs no round trip, the DirPG trainer runs its K searches on K threads without it
 * (see {@link org.dirpg.env.Environment#isRemote()}).
 */
package org.dirpg.concurrent;
