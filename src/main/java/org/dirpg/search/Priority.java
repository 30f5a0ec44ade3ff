package org.dirpg.search;

/**
 * How regions are ordered on the search queue after a_opt has been found (before that the priority is always G,
 * so a_opt is the first yield; Sec. 5).
 *
 * <ul>
 *   <li>{@link #GUMBEL}: G_theta(R) alone. Trajectories are yielded in non-increasing G, i.e. sampled without
 *       replacement from Pi_theta (the stochastic-beams order).</li>
 *   <li>{@link #ASTAR}: G_theta(R) + eps (L(R) + alpha U(R)), the A* sampling priority of Sec. 5; alpha = 1 is
 *       A* sampling proper, alpha = 0 favours prefixes that already achieved high return.</li>
 * </ul>
 */
public enum Priority {
    GUMBEL,
    ASTAR
}
