package org.dirpg.search;

/**
 * Which estimate of the return-to-go U enters the A* priority G + eps (L + alpha U) of Sec. 5. Pruning always uses
 * the valid bound (alpha = 1), whichever is chosen here.
 *
 * <ul>
 *   <li>{@link #VALID_BOUND}: the environment's upper bound ({@code State.returnToGoUpperBound}), valid for the
 *       undiscounted return the search adds up. With a step limit it must fall as steps run out, which can turn the
 *       search breadth-first at alpha &gt; 0 (on MultiRoom it completes no trajectory after a_opt).</li>
 *   <li>{@link #DISCOUNTED}: the environment's heuristic ({@code State.returnToGoHeuristic}), e.g. the authors'
 *       discounted MultiRoom estimate without a step limit; not a bound, as alpha &lt; 1 already is not.</li>
 * </ul>
 */
public enum Heuristic {
    VALID_BOUND,
    DISCOUNTED
}
