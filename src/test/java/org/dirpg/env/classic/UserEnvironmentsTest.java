package org.dirpg.env.classic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.dirpg.env.Environment;
import org.dirpg.env.EnvironmentProvider;
import org.dirpg.server.env.NoisyChainFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user's environments reach the registry without touching it: by class name (a public constructor taking the
 * options, or none), or by id through an {@link EnvironmentProvider} listed in {@code META-INF/services} of a jar on
 * the class path (here a directory on a class loader of its own, made the thread's context loader).
 */
class UserEnvironmentsTest {

    /** A provider as a user's jar would list it. */
    public static final class ChainProvider implements EnvironmentProvider {
        @Override
        public List<String> ids() {
            return List.of("UserChain-v0");
        }

        @Override
        public List<String> optionNames(String id) {
            return List.of("horizon");
        }

        @Override
        public Environment make(String id, Map<String, String> options) {
            return new NoisyChainFixture(id, Integer.parseInt(options.getOrDefault("horizon", "4")), -1);
        }
    }

    /** An environment class with an options constructor. */
    public static final class Walk extends WalkBase {
        public Walk(Map<String, String> options) {
            super(Integer.parseInt(options.getOrDefault("horizon", "3")));
        }
    }

    /** An environment class with only a no-argument constructor. */
    public static final class FixedWalk extends WalkBase {
        public FixedWalk() {
            super(5);
        }
    }

    /** The two classes above, delegating to the test fixture chain. */
    abstract static class WalkBase implements Environment {
        private final NoisyChainFixture chain;

        WalkBase(int horizon) {
            chain = new NoisyChainFixture("Walk-v0", horizon, -1);
        }

        @Override
        public org.dirpg.env.EnvironmentSpec spec() {
            return chain.spec().withMaxEpisodeSteps(horizonOf(chain));
        }

        @Override
        public org.dirpg.env.State reset(long seed) {
            return chain.reset(seed);
        }

        @Override
        public org.dirpg.env.Transition step(org.dirpg.env.State state, int action) {
            return chain.step(state, action);
        }

        private static int horizonOf(NoisyChainFixture c) {
            int steps = 0;
            org.dirpg.env.State s = c.reset(0);
            while (!s.isTerminal()) {
                s = c.step(s, 1).next();
                steps++;
            }
            return steps;
        }
    }

    @Test
    void anEnvironmentClassIsMadeByItsName() {
        String walk = Walk.class.getName();
        assertTrue(Environments.isKnown(walk));
        assertEquals(7, Environments.make(walk, Map.of("horizon", "7")).spec().maxEpisodeSteps());
        assertEquals(5, Environments.make(FixedWalk.class.getName()).spec().maxEpisodeSteps());
        IllegalArgumentException noOptions = assertThrows(IllegalArgumentException.class,
                () -> Environments.make(FixedWalk.class.getName(), Map.of("horizon", "2")));
        assertTrue(noOptions.getMessage().contains("takes no options"), noOptions.getMessage());
        IllegalArgumentException notAnEnv = assertThrows(IllegalArgumentException.class,
                () -> Environments.make("java.lang.String"));
        assertEquals("environment class java.lang.String does not implement org.dirpg.env.Environment",
                notAnEnv.getMessage());
        IllegalArgumentException noConstructor = assertThrows(IllegalArgumentException.class,
                () -> Environments.make(NoisyChainFixture.class.getName()));
        assertTrue(noConstructor.getMessage().contains("needs a public constructor taking Map<String, String> options "
                + "or none"), noConstructor.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> Environments.make("com.example.Missing"));
        assertTrue(missing.getMessage().startsWith("unknown environment id 'com.example.Missing'; known ids: DeepSea-v0"),
                missing.getMessage());
        assertFalse(Environments.ids().contains(walk), "a class is an id of the servers only once registered");
    }

    @Test
    void aProviderOnTheClassPathAddsItsIds(@TempDir Path dir) throws Exception {
        Path services = dir.resolve("META-INF/services");
        Files.createDirectories(services);
        Files.writeString(services.resolve(EnvironmentProvider.class.getName()), ChainProvider.class.getName() + "\n");
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        assertFalse(Environments.ids().contains("UserChain-v0"));
        try (URLClassLoader jar = new URLClassLoader(new URL[] {dir.toUri().toURL()}, before)) {
            thread.setContextClassLoader(jar);
            assertTrue(Environments.ids().contains("UserChain-v0"), Environments.ids().toString());
            assertEquals(List.of("horizon"), Environments.optionNames("UserChain-v0"));
            Environment env = Environments.make("UserChain-v0", Map.of("horizon", "2"));
            assertEquals("UserChain-v0", env.spec().id());
            org.dirpg.env.State s = env.reset(1);
            s = env.step(s, 1).next();
            assertTrue(env.step(s, 1).next().isTerminal(), "horizon 2 ends after two steps");
        } finally {
            thread.setContextClassLoader(before);
        }
        assertFalse(Environments.ids().contains("UserChain-v0"));
    }
}
