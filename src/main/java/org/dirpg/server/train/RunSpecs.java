package org.dirpg.server.train;

import java.util.Arrays;
import java.util.stream.Collectors;
import org.dirpg.env.classic.Environments;
import org.dirpg.proto.train.v1.NativeEnvironment;
import org.dirpg.proto.train.v1.RemoteEnvironment;
import org.dirpg.proto.train.v1.RunSpec;
import org.dirpg.search.Priority;
import org.dirpg.train.Algorithm;
import org.dirpg.train.TrainSettings;

/**
 * Converts between the protocol's {@link RunSpec} and {@link TrainSettings}. Unset optional fields take the builder's
 * defaults; set fields are validated by {@link TrainSettings} itself, whose messages start with the field's name.
 * Every problem is an {@link IllegalArgumentException} whose message starts with the offending field's name.
 */
final class RunSpecs {
    /** The most endpoints a run may name: more is refused before any work (a red-team request sent 100,000). */
    static final int MAX_ENDPOINTS = 64;

    private RunSpecs() {
    }

    /** The settings a spec describes. */
    static TrainSettings toSettings(RunSpec spec) {
        TrainSettings.Builder b = TrainSettings.builder();
        switch (spec.getEnvironmentCase()) {
            case NATIVE_ENVIRONMENT -> {
                NativeEnvironment e = spec.getNativeEnvironment();
                requireKnownId("native_environment.env_id", e.getEnvId());
                b.envId(e.getEnvId()).envOptions(e.getOptionsMap());
            }
            case REMOTE_ENVIRONMENT -> {
                RemoteEnvironment e = spec.getRemoteEnvironment();
                if (e.getEndpointsCount() == 0) {
                    throw new IllegalArgumentException("remote_environment.endpoints: at least one host:port is required");
                }
                if (e.getEndpointsCount() > MAX_ENDPOINTS) {
                    throw new IllegalArgumentException("remote_environment.endpoints: " + e.getEndpointsCount()
                            + " endpoints, at most " + MAX_ENDPOINTS + " (a fleet behind one dns:/// name counts as one)");
                }
                if (e.getEnvId().isBlank()) {
                    throw new IllegalArgumentException("remote_environment.env_id: an environment id is required");
                }
                b.envId(e.getEnvId()).remoteEndpoints(e.getEndpointsList());
            }
            default -> throw new IllegalArgumentException(
                    "environment: set native_environment (one of " + String.join(", ", Environments.ids())
                            + ") or remote_environment");
        }
        b.algorithm(algorithm(spec.getAlgorithm(), spec.getAlgorithmValue()));
        b.priority(priority(spec.getPriority(), spec.getPriorityValue()));
        if (spec.hasEpsilon()) b.epsilon(spec.getEpsilon());
        if (spec.hasAlpha()) b.alpha(spec.getAlpha());
        if (spec.hasBudget()) b.budget(spec.getBudget());
        if (spec.hasEarlyStop()) b.earlyStop(spec.getEarlyStop());
        if (spec.hasPrune()) b.prune(spec.getPrune());
        if (spec.hasUpdates()) b.updates(spec.getUpdates());
        if (spec.hasLearningRate()) b.learningRate(spec.getLearningRate());
        if (spec.hasSeed()) b.seed(spec.getSeed());
        if (spec.hasRollouts()) b.rollouts(spec.getRollouts());
        if (spec.hasElites()) b.elites(spec.getElites());
        if (spec.hasMaxSteps()) b.maxSteps(spec.getMaxSteps());
        if (spec.hasPolicy()) b.policy(spec.getPolicy());
        if (spec.hasNet()) b.net(spec.getNet());
        if (spec.hasCnn()) b.cnn(spec.getCnn());
        if (spec.hasInitScale()) b.initScale(spec.getInitScale());
        if (spec.hasSearchesInFlight()) b.searchesInFlight(spec.getSearchesInFlight());
        if (spec.hasExpansionsPerRound()) b.expansionsPerRound(spec.getExpansionsPerRound());
        b.heuristic(switch (spec.getHeuristic()) {
            case HEURISTIC_UNSPECIFIED, HEURISTIC_VALID_BOUND -> org.dirpg.search.Heuristic.VALID_BOUND;
            case HEURISTIC_DISCOUNTED -> org.dirpg.search.Heuristic.DISCOUNTED;
            default -> throw new IllegalArgumentException("heuristic: unknown value " + spec.getHeuristicValue()
                    + "; use HEURISTIC_VALID_BOUND or HEURISTIC_DISCOUNTED");
        });
        if (spec.getCheckpointInterval() < 0) {
            throw new IllegalArgumentException("checkpoint_interval: must be >= 0 (0 = no periodic checkpoints), got "
                    + spec.getCheckpointInterval());
        }
        return b.build();
    }

    /** The spec of {@code s} with every field set. */
    static RunSpec toSpec(TrainSettings s, long checkpointInterval) {
        RunSpec.Builder b = RunSpec.newBuilder();
        if (s.remoteEndpoints().isEmpty()) {
            b.setNativeEnvironment(NativeEnvironment.newBuilder().setEnvId(s.envId()).putAllOptions(s.envOptions()));
        } else {
            b.setRemoteEnvironment(RemoteEnvironment.newBuilder().addAllEndpoints(s.remoteEndpoints()).setEnvId(s.envId()));
        }
        if (s.net() != null) {
            b.setNet(s.net());
        }
        if (s.cnn() != null) {
            b.setCnn(s.cnn());
        }
        return b.setAlgorithm(org.dirpg.proto.train.v1.Algorithm.valueOf("ALGORITHM_" + s.algorithm().name()))
                .setEpsilon(s.epsilon())
                .setPriority(org.dirpg.proto.train.v1.Priority.valueOf("PRIORITY_" + s.priority().name()))
                .setAlpha(s.alpha())
                .setBudget(s.budget())
                .setEarlyStop(s.earlyStop())
                .setPrune(s.prune())
                .setUpdates(s.updates())
                .setLearningRate(s.learningRate())
                .setSeed(s.seed())
                .setRollouts(s.rollouts())
                .setElites(s.elites())
                .setMaxSteps(s.maxSteps())
                .setPolicy(s.policy())
                .setInitScale(s.initScale())
                .setSearchesInFlight(s.searchesInFlight())
                .setExpansionsPerRound(s.expansionsPerRound())
                .setHeuristic(org.dirpg.proto.train.v1.Heuristic.valueOf("HEURISTIC_" + s.heuristic().name()))
                .setCheckpointInterval(checkpointInterval)
                .build();
    }

    private static void requireKnownId(String field, String id) {
        if (id.isBlank()) {
            throw new IllegalArgumentException(field + ": an environment id is required; known ids: "
                    + String.join(", ", Environments.ids()));
        }
        if (!Environments.ids().contains(id)) {
            throw new IllegalArgumentException(field + ": unknown environment id '" + Messages.cut(id) + "'; known ids: "
                    + String.join(", ", Environments.ids()));
        }
    }

    /** The algorithm a spec names; ALGORITHM_UNSPECIFIED is the documented default, DirPG. */
    private static Algorithm algorithm(org.dirpg.proto.train.v1.Algorithm a, int number) {
        return switch (a) {
            case ALGORITHM_UNSPECIFIED, ALGORITHM_DIRPG -> Algorithm.DIRPG;
            case ALGORITHM_REINFORCE -> Algorithm.REINFORCE;
            case ALGORITHM_REINFORCE_RTG -> Algorithm.REINFORCE_RTG;
            case ALGORITHM_CEM -> Algorithm.CEM;
            case ALGORITHM_UCB_SEMI -> Algorithm.UCB_SEMI;
            case ALGORITHM_UCB_FULL -> Algorithm.UCB_FULL;
            case UNRECOGNIZED -> throw new IllegalArgumentException("algorithm: unknown value " + number + "; expected one of "
                    + Arrays.stream(Algorithm.values()).map(x -> "ALGORITHM_" + x.name()).collect(Collectors.joining(", ")));
        };
    }

    /** The priority a spec names; PRIORITY_UNSPECIFIED is the documented default, GUMBEL. */
    private static Priority priority(org.dirpg.proto.train.v1.Priority p, int number) {
        return switch (p) {
            case PRIORITY_UNSPECIFIED, PRIORITY_GUMBEL -> Priority.GUMBEL;
            case PRIORITY_ASTAR -> Priority.ASTAR;
            case UNRECOGNIZED -> throw new IllegalArgumentException("priority: unknown value " + number
                    + "; expected PRIORITY_GUMBEL or PRIORITY_ASTAR");
        };
    }

    /** {@code e}'s message, prefixed with {@code field} unless it already names it. */
    static IllegalArgumentException named(String field, IllegalArgumentException e) {
        String m = String.valueOf(e.getMessage());
        return m.startsWith(field + ":") ? e : new IllegalArgumentException(field + ": " + m, e);
    }
}
