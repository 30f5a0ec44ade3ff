package org.dirpg.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.dirpg.env.State;
import org.dirpg.policy.WeightedStep;
import org.junit.jupiter.api.Test;

/**
 * A search's steps split into gradient parts: every step in exactly one part, in first-seen order of its observation,
 * each observation's steps all in one part, at most {@link GradientParts#OBSERVATIONS} observations a part.
 */
class GradientPartsTest {

    private static State state(double value) {
        return new State() {
            @Override
            public boolean isTerminal() {
                return false;
            }

            @Override
            public long legalActions() {
                return 3;
            }

            @Override
            public double[] features() {
                return new double[] {value, 1.0}; // a fresh array each call, as rendered observations are
            }
        };
    }

    @Test
    void partsHoldWholeObservationsAndEveryStepOnce() {
        List<WeightedStep> steps = new ArrayList<>();
        int observations = 2 * GradientParts.OBSERVATIONS + 5;
        for (int i = 0; i < 3 * observations; i++) {
            steps.add(new WeightedStep(state((i * 7) % observations), i % 2, i % 3 == 0 ? -1.0 : 1.0));
        }
        List<List<WeightedStep>> parts = GradientParts.of(steps);
        assertEquals(3, parts.size());
        List<WeightedStep> all = new ArrayList<>();
        Set<Double> seen = new HashSet<>();
        for (List<WeightedStep> part : parts) {
            Set<Double> mine = new HashSet<>();
            for (WeightedStep s : part) {
                mine.add(s.state().features()[0]);
            }
            assertTrue(mine.size() <= GradientParts.OBSERVATIONS, "observations in a part: " + mine.size());
            for (double o : mine) {
                assertTrue(seen.add(o), "observation " + o + " split across parts");
            }
            all.addAll(part);
        }
        assertEquals(observations, seen.size());
        assertEquals(steps.size(), all.size());
        assertTrue(new HashSet<>(steps).containsAll(all) && new HashSet<>(all).containsAll(steps));
        // the first part starts with the first step and keeps the steps of an observation in their order
        assertEquals(steps.get(0), parts.get(0).get(0));
        double first = steps.get(0).state().features()[0];
        List<WeightedStep> firstGroup = steps.stream().filter(s -> s.state().features()[0] == first).toList();
        assertEquals(firstGroup, parts.get(0).subList(0, firstGroup.size()));
    }

    @Test
    void noStepsNoParts() {
        assertEquals(List.of(), GradientParts.of(List.of()));
        assertEquals(1, GradientParts.of(List.of(new WeightedStep(state(0), 0, 1.0))).size());
    }
}
