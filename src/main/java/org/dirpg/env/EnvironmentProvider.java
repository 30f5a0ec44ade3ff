package org.dirpg.env;

import java.util.List;
import java.util.Map;

/**
 * Makes a user's environments known to the command line and the servers by id, found with {@link java.util.ServiceLoader}:
 * list the implementing class in {@code META-INF/services/org.dirpg.env.EnvironmentProvider} of a jar on the class
 * path, and {@code train --env <id>}, {@code eval} and {@code serve} find it beside the native environments
 * ({@link org.dirpg.env.classic.Environments}). The implementation needs a public no-argument constructor.
 *
 * <p>An environment class can also be named directly, without a provider: {@code --env com.example.MyEnv} loads a
 * public class implementing {@link Environment} with a public constructor taking the options
 * ({@code Map<String, String>}) or none.
 */
public interface EnvironmentProvider {

    /** The ids this provider makes, e.g. {@code "Corridor-v0"}. */
    List<String> ids();

    /** The option names environment {@code id} accepts. */
    default List<String> optionNames(String id) {
        return List.of();
    }

    /**
     * Environment {@code id} configured by {@code options} (absent names take defaults).
     *
     * @throws IllegalArgumentException for an unknown option or a bad value, naming it
     */
    Environment make(String id, Map<String, String> options);
}
