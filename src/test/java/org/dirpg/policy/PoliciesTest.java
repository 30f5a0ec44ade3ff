package org.dirpg.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dirpg.env.classic.CoinTree;
import org.dirpg.env.classic.DeepSea;
import org.dirpg.env.classic.SpanningTreeBandit;
import org.junit.jupiter.api.Test;

class PoliciesTest {

    @Test
    void createsPoliciesSizedForTheSpec() {
        Policy linear = Policies.create("linear", new DeepSea().spec(), 0.0, 1);
        assertEquals(2 * 25 + 2, linear.numParameters());
        Policy bernoulli = Policies.create("bernoulli", SpanningTreeBandit.complete(6, 0).spec(), 0.0, 1);
        assertEquals(15, bernoulli.numParameters());
    }

    @Test
    void rejectsUnknownNamesAndMismatchedSpecs() {
        String m = assertThrows(IllegalArgumentException.class, () -> Policies.create("tabular", new DeepSea().spec(), 0, 1)).getMessage();
        assertTrue(m.contains("tabular") && m.contains("linear, bernoulli"), m);
        m = assertThrows(IllegalArgumentException.class, () -> Policies.create("bernoulli", new CoinTree().spec(), 0, 1)).getMessage();
        assertTrue(m.contains("2 actions") && m.contains("CoinTree-v0"), m);
    }
}
