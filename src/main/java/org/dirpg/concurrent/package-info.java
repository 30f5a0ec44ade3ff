/**
 * Concurrency for K searches in flight: a coalescer that turns the single environment steps and policy evaluations
 * of several search threads into batched calls (one StepBatch round trip, one network forward pass).
 */
package org.dirpg.concurrent;
