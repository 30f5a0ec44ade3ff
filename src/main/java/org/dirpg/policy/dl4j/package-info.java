/**
 * DL4J (ND4J native, CPU) for the networks of {@code org.dirpg.policy.net}: {@link org.dirpg.policy.dl4j.NetGraphs}
 * turns a {@code NetSpec} into a {@code ComputationGraph} of the same architecture and parameter layout, which defines
 * the flat theta, is exported by {@code export --dl4j} and is the tests' reference for the plain-array forward and
 * backward passes. Training and acting run on the plain arrays, where DL4J's per-call overhead (tens of microseconds
 * and allocation churn at batch 1, REFERENCE.md) would dominate; {@link org.dirpg.policy.dl4j.Dl4jBench} measures both
 * in one run. Run with {@code OMP_NUM_THREADS=1}: two OpenMP threads on two cores gave heavy latency tails.
 */
package org.dirpg.policy.dl4j;
