package org.dirpg.experiment;

import java.util.ArrayList;
import java.util.List;

/**
 * One environment of the suite ({@link SuiteSetup}): a Gymnasium id served by the Python env server, with the
 * keyword arguments of its {@code gym.make} and what the methods need to know about it.
 *
 * @param name         the row's name (also its directory), e.g. {@code FrozenLake-v1-slippery}
 * @param family       classic control, toy text, MiniGrid, MinAtar, Atari through ALE
 * @param gymId        the Gymnasium id
 * @param envKwargs    JSON keyword arguments of {@code gym.make}, or null
 * @param maxSteps     the episode cap T: the env's own limit, or the one the suite gives an env without one (rollouts,
 *                     searches, PPO's TimeLimit and the held-out evaluations all stop there)
 * @param epsilon      DirPG's eps (eq. 6): 1, the paper's, where returns are in the tens or more; 20 where a whole
 *                     episode returns at most 1 (REFERENCE.md: with R <= 1 and eps = 1 almost every search's gradient
 *                     is zero)
 * @param specBound    the env has a finite reward range and an episode limit, so the server's {@code --spec-bound}
 *                     gives the valid bound U of the A* priority and pruning (dirpg.bounds)
 * @param interactions environment steps per training run at the full scale
 */
public record SuiteEnv(String name, String family, String gymId, String envKwargs, int maxSteps, double epsilon,
                       boolean specBound, long interactions) {

    /** Interactions per update of every method: four episodes' worth (DirPG's search budget, REINFORCE's rollouts). */
    public long perUpdate() {
        return 4L * maxSteps;
    }

    /** The server's extra arguments: the env kwargs and, where the env allows it, the spec bound. */
    List<String> serverArgs() {
        List<String> out = new ArrayList<>();
        if (envKwargs != null) {
            out.add("--env-kwargs");
            out.add(envKwargs);
        }
        if (specBound) {
            out.add("--spec-bound");
        }
        return out;
    }

    /**
     * The suite's environments: 10, from 5 families, none written by this project. The Atari game is Breakout through
     * ale-py with its 128-byte RAM as the observation (an MLP's input): pixels would need a NatureCNN forward pass per
     * interaction, which 2 cores cannot give every method at any budget worth running. Its v5 env has no episode limit
     * (only ALE's 108,000 frames), so the suite caps it at 500 steps, about twice a random episode's length.
     */
    static List<SuiteEnv> all() {
        return List.of(
                new SuiteEnv("CartPole-v1", "classic control", "CartPole-v1", null, 500, 1, false, 200_000),
                new SuiteEnv("Acrobot-v1", "classic control", "Acrobot-v1", null, 500, 1, false, 200_000),
                new SuiteEnv("MountainCar-v0", "classic control", "MountainCar-v0", null, 200, 1, false, 200_000),
                new SuiteEnv("FrozenLake-v1-slippery", "toy text", "FrozenLake-v1", null, 100, 20, true, 100_000),
                new SuiteEnv("FrozenLake-v1-not-slippery", "toy text", "FrozenLake-v1", "{\"is_slippery\": false}", 100,
                        20, true, 100_000),
                new SuiteEnv("CliffWalkingSlippery-v1", "toy text", "CliffWalkingSlippery-v1", null, 100, 1, false,
                        100_000),
                new SuiteEnv("MiniGrid-DoorKey-5x5-v0", "MiniGrid", "MiniGrid-DoorKey-5x5-v0", null, 250, 20, true,
                        200_000),
                new SuiteEnv("MiniGrid-SimpleCrossingS9N1-v0", "MiniGrid", "MiniGrid-SimpleCrossingS9N1-v0", null, 324,
                        20, true, 200_000),
                new SuiteEnv("MinAtar-Breakout-v1", "MinAtar", "MinAtar/Breakout-v1", null, 500, 1, false, 200_000),
                new SuiteEnv("ALE-Breakout-v5-ram", "Atari through ALE", "ALE/Breakout-v5", "{\"obs_type\": \"ram\"}",
                        500, 1, false, 200_000));
    }
}
