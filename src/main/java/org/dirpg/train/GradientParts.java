package org.dirpg.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dirpg.policy.WeightedStep;

/**
 * Splits one search's weighted steps (eq. 10) into parts whose gradients are computed as separate tasks, so that with
 * K searches in flight the thread whose search ends first works on its gradient while the others still search, and
 * then shares theirs: the update waits for about half the slowest search's gradient instead of all of it (on the twin
 * a map's gradient costs about half its search, and the searches of one update end several milliseconds apart).
 *
 * <p>Steps are grouped by observation ({@link org.dirpg.env.State#features()}, compared exactly) and a part holds
 * whole groups, {@link #OBSERVATIONS} of them (the last part fewer), so a policy that back-propagates once per distinct
 * observation does no more passes than on the whole list. The split depends on the steps alone, never on threads, and
 * the gradient is linear in the steps, so summing the parts' gradients in part order gives a run that is the same
 * whatever threads compute them.
 */
final class GradientParts {
    /** Distinct observations a part: large enough that a part's own gradient vector is a small overhead. */
    static final int OBSERVATIONS = 16;

    private GradientParts() {
    }

    /** {@code steps} in parts of at most {@link #OBSERVATIONS} distinct observations, groups in first-seen order. */
    static List<List<WeightedStep>> of(List<WeightedStep> steps) {
        Map<Observation, List<WeightedStep>> groups = new LinkedHashMap<>();
        for (WeightedStep s : steps) {
            groups.computeIfAbsent(new Observation(s.state().features()), o -> new ArrayList<>()).add(s);
        }
        List<List<WeightedStep>> parts = new ArrayList<>();
        List<WeightedStep> part = new ArrayList<>();
        int observations = 0;
        for (List<WeightedStep> group : groups.values()) {
            if (observations == OBSERVATIONS) {
                parts.add(part);
                part = new ArrayList<>();
                observations = 0;
            }
            part.addAll(group);
            observations++;
        }
        if (!part.isEmpty()) {
            parts.add(part);
        }
        return parts;
    }

    /** An observation compared by value. */
    private record Observation(double[] features, int hash) {
        Observation(double[] features) {
            this(features, Arrays.hashCode(features));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Observation other && other.hash == hash && Arrays.equals(other.features, features);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
