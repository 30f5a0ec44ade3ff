package org.dirpg.env.classic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.dirpg.env.Environment;
import org.junit.jupiter.api.Test;

class EnvironmentsTest {

    @Test
    void optionsConfigureTheEnvironments() {
        assertEquals(49, Environments.make("DeepSea-v0", Map.of("size", "7")).spec().featureSize());
        assertEquals(10, Environments.make("SpanningTreeBandit-v0", Map.of("nodes", "5")).spec().featureSize());
        assertEquals(4, Environments.make("CoinTree-v0", Map.of("depth", "2", "actions", "4")).spec().numActions());
        GaussianChoice g = (GaussianChoice) Environments.make("GaussianChoice-v0", Map.of("mean", "0.5", "sd", "2"));
        assertEquals(0.5, g.mean(), 0.0);
        assertEquals(2.0, g.sd(), 0.0);
        SpanningTreeBandit b = (SpanningTreeBandit) Environments.make("SpanningTreeBandit-v0",
                Map.of("nodes", "3", "mu", "0.1, 0.2,0.3"));
        assertEquals(0.2, b.mu()[1], 0.0);
    }

    @Test
    void theBanditsMuSeedIsReproducible() {
        SpanningTreeBandit a = (SpanningTreeBandit) Environments.make("SpanningTreeBandit-v0", Map.of("seed", "3"));
        SpanningTreeBandit b = (SpanningTreeBandit) Environments.make("SpanningTreeBandit-v0", Map.of("seed", "3"));
        SpanningTreeBandit c = (SpanningTreeBandit) Environments.make("SpanningTreeBandit-v0", Map.of("seed", "4"));
        assertEquals(a.mu()[0], b.mu()[0], 0.0);
        assertTrue(a.mu()[0] != c.mu()[0]);
    }

    @Test
    void unknownIdsOptionsAndValuesAreRejectedWithWhatIsKnown() {
        String m = assertThrows(IllegalArgumentException.class, () -> Environments.make("DeepSee-v0")).getMessage();
        assertTrue(m.contains("DeepSee-v0") && m.contains("DeepSea-v0") && m.contains("CoinTree-v0"), m);
        m = assertThrows(IllegalArgumentException.class, () -> Environments.make("DeepSea-v0", Map.of("sise", "5"))).getMessage();
        assertTrue(m.contains("sise") && m.contains("size, sigma, quadratureNodes"), m);
        m = assertThrows(IllegalArgumentException.class, () -> Environments.make("DeepSea-v0", Map.of("size", "five"))).getMessage();
        assertTrue(m.contains("size") && m.contains("integer") && m.contains("five"), m);
        m = assertThrows(IllegalArgumentException.class, () -> Environments.make("DeepSea-v0", Map.of("sigma", "x"))).getMessage();
        assertTrue(m.contains("sigma") && m.contains("number"), m);
        m = assertThrows(IllegalArgumentException.class,
                () -> Environments.make("SpanningTreeBandit-v0", Map.of("nodes", "3", "mu", "1,2"))).getMessage();
        assertTrue(m.contains("2 means mu for 3 edges"), m);
    }

    @Test
    void everyIdMakesAnEnvironmentWithThatId() {
        for (String id : Environments.ids()) {
            try (Environment env = Environments.make(id)) {
                assertEquals(id, env.spec().id());
            }
            assertTrue(Environments.optionNames(id).size() >= 2);
        }
    }
}
