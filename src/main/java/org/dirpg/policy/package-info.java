/**
 * Policies pi_theta(a | s) masked to legal actions: plain-array softmax and Bernoulli policies, Adam; the
 * DL4J networks for MiniGrid live in {@code policy.dl4j}.
 */
package org.dirpg.policy;
