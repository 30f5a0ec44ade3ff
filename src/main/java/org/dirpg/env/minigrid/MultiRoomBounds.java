package org.dirpg.env.minigrid;

/**
 * Return-to-go estimates of the paper reward (goal +100, door opened +30, closed -30) for the A* priority of Sec. 5,
 * G + eps (L + alpha U), and for pruning, G + eps (L + U).
 *
 * <p>{@link #upper} is a valid bound on the undiscounted return the search adds up (the Python server's
 * {@code dirpg.paper_reward.return_to_go_upper_bound}, reproduced exactly): with R = max_steps - step_count steps
 * left, c doors closed now and d = |goal - agent|_1, {@code U = max(30 min(c, R), 100 + 30 min(c, R - d) if d <= R)}.
 * Being valid it must count the steps left, so it falls by up to 30 per step near the limit and by 100 once the goal
 * is out of reach: under the A* priority the special child of a popped region then loses to shallow regions and the
 * search turns breadth-first, completing no trajectory within a 3,000-interaction budget (the "A* stall").
 *
 * <p>{@link #discounted} is the heuristic of the authors' code (REFERENCE.md):
 * {@code 100 g^(t+1+c+d) + sum_{k<c} 30 g^(t+1+k)} with g = 0.999 and t the step count. It has no step limit and
 * changes by a factor of about 0.999 per step, so a popped region's special child keeps its priority and the search
 * stays depth-first, as the paper's alpha < 1 intends; it is not a bound (an agent next to the goal earns 100 but
 * is credited 100 g^(t+2)), so pruning always uses {@link #upper}. Doors are counted as closed now, by identity, so
 * closing and reopening a door is not counted twice.
 */
final class MultiRoomBounds {
    static final double GOAL_REWARD = 100.0;
    static final double OPEN_DOOR_REWARD = 30.0;
    static final double CLOSE_DOOR_REWARD = -30.0;
    static final double DISCOUNT = 0.999;

    private MultiRoomBounds() {
    }

    /** The valid upper bound at a non-terminal state. */
    static double upper(MultiRoomState s) {
        int stepsLeft = s.env.maxSteps() - s.steps;
        int closed = s.closedDoors();
        int dist = s.goalDistance();
        double bound = OPEN_DOOR_REWARD * Math.min(closed, stepsLeft);
        if (dist <= stepsLeft) {
            bound = Math.max(bound, GOAL_REWARD + OPEN_DOOR_REWARD * Math.min(closed, stepsLeft - dist));
        }
        return bound;
    }

    /** The authors' discounted heuristic at a non-terminal state. */
    static double discounted(MultiRoomState s) {
        int t = s.steps;
        int closed = s.closedDoors();
        double u = GOAL_REWARD * power(t + 1 + closed + s.goalDistance());
        for (int k = 0; k < closed; k++) {
            u += OPEN_DOOR_REWARD * power(t + 1 + k);
        }
        return u;
    }

    private static volatile double[] powers = {1.0};

    /** g^n as the running product g * g * ... (n factors), the same doubles as the Python server's. */
    static double power(int n) {
        double[] p = powers;
        if (n >= p.length) {
            double[] grown = java.util.Arrays.copyOf(p, Math.max(n + 1, 2 * p.length));
            for (int i = p.length; i < grown.length; i++) {
                grown[i] = grown[i - 1] * DISCOUNT;
            }
            powers = grown;
            p = grown;
        }
        return p[n];
    }
}
