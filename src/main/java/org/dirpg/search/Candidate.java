package org.dirpg.search;

/**
 * A complete trajectory yielded by the search (Algorithm 2, line 15) with its Gumbel G_theta(a) (eq. 4), its return
 * R(a, S) and its direct objective D_theta(a; eps) = G + eps * R (eq. 6).
 *
 * @param leaf  the terminal node; {@link Node#actions()} is the trajectory
 * @param g     G_theta(a)
 * @param ret   R(a, S)
 * @param d     D_theta(a; eps)
 * @param index 0 for the first yield (a_opt), 1 for the second, ...
 */
public record Candidate(Node leaf, double g, double ret, double d, int index) {

    /** The trajectory's actions. */
    public int[] actions() {
        return leaf.actions();
    }
}
