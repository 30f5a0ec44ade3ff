package org.dirpg.search;

/**
 * A search region R(prefix, B) of Sec. 5: the trajectories that extend {@code node}'s prefix with a next action
 * from the bit mask {@code allowed}, with its Gumbel G_theta(R) and its queue priority. {@code key} seeds the draws
 * made when this region is split, so the realised Gumbel process does not depend on the order of expansion.
 */
record Region(Node node, long allowed, double g, double priority, long key, long order) {
}
