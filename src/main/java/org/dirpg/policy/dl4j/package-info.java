/**
 * DL4J (ND4J native, CPU) networks implementing {@link org.dirpg.policy.Policy}: the paper's MiniGrid policy
 * (App. C.3), a small convolutional network over the agent's 7x7x3 egocentric view plus its direction.
 *
 * <p>The network outputs logits; the mask to the legal actions, the log-softmax and the gradient of
 * {@code sum_i w_i log pi(a_i | s_i)} with respect to the logits are computed exactly in plain Java
 * ({@link org.dirpg.policy.MaskedLogSoftmax}) and back-propagated through the network as external errors
 * in one batched pass. Run with {@code OMP_NUM_THREADS=1}: two OpenMP threads on two cores gave heavy latency tails.
 */
package org.dirpg.policy.dl4j;
