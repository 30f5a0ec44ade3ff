package org.dirpg.env.classic;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Function;
import org.dirpg.env.Environment;
import org.dirpg.env.EnvironmentProvider;
import org.dirpg.env.minigrid.MultiRoomEnvironment;

/**
 * The registry of environments: an id such as {@code "DeepSea-v0"} and string options (as they arrive from the
 * command line or the environment protocol's {@code options}) make an environment. Unknown ids, unknown option names
 * and unparsable values are rejected with an {@link IllegalArgumentException} listing what is known.
 *
 * <p>Beside the native environments it knows a user's: the ids of every {@link EnvironmentProvider} on the class path
 * (found with {@link ServiceLoader}), and the name of any public class implementing {@link Environment} (e.g.
 * {@code com.example.MyEnv}), made with its public {@code (Map<String, String> options)} constructor, or its
 * no-argument one when there are no options.
 */
public final class Environments {
    private record Entry(List<String> options, Function<Options, Environment> factory) {
    }

    private static final Map<String, Entry> REGISTRY = new LinkedHashMap<>();
    private static final java.util.Set<String> CLASSES = new java.util.concurrent.CopyOnWriteArraySet<>();

    static {
        REGISTRY.put(DeepSea.ID, new Entry(List.of("size", "sigma", "quadratureNodes"),
                o -> new DeepSea(o.getInt("size", 5), o.getDouble("sigma", 1.0), o.getInt("quadratureNodes", 20))));
        REGISTRY.put(SpanningTreeBandit.ID, new Entry(List.of("nodes", "seed", "mu"), Environments::bandit));
        REGISTRY.put(GaussianChoice.ID, new Entry(List.of("mean", "sd", "quadratureNodes"),
                o -> new GaussianChoice(o.getDouble("mean", 0.0), o.getDouble("sd", 1.0), o.getInt("quadratureNodes", 20))));
        REGISTRY.put(CoinTree.ID, new Entry(List.of("depth", "actions", "seed"),
                o -> new CoinTree(o.getInt("depth", 3), o.getInt("actions", 3), o.getLong("seed", 0L))));
        for (String minigridId : MultiRoomEnvironment.minigridIds()) {
            REGISTRY.put(MultiRoomEnvironment.twinId(minigridId), new Entry(
                    List.of("paperReward", "maxSteps", "seeThroughWalls", "actions", "encoding"),
                    o -> new MultiRoomEnvironment(minigridId, o.getBoolean("paperReward", false),
                            o.values.containsKey("maxSteps") ? o.getInt("maxSteps", 0) : null,
                            o.values.containsKey("seeThroughWalls") ? o.getBoolean("seeThroughWalls", false) : null,
                            o.getActions("actions", 7), o.values.get("encoding"))));
        }
    }

    private Environments() {
    }

    /**
     * Makes environment class {@code className} one of the {@link #ids()} (as {@code serve --env} does, so that the
     * servers offer it); {@link #make} knows every environment class without this.
     *
     * @throws IllegalArgumentException if no such class is on the class path or it is not an environment
     */
    public static void registerClass(String className) {
        if (environmentClass(className) == null) {
            throw new IllegalArgumentException("--env: no class " + className + " on the class path; give a native id ("
                    + String.join(", ", REGISTRY.keySet()) + "), an EnvironmentProvider's id or the name of a public "
                    + "class implementing " + Environment.class.getName() + " (java -cp dirpg.jar:your.jar ...)");
        }
        CLASSES.add(className);
    }

    /**
     * The native ids in registration order, then the ids of the {@link EnvironmentProvider}s on the class path, then
     * the classes given to {@link #registerClass}.
     */
    public static List<String> ids() {
        List<String> out = new java.util.ArrayList<>(REGISTRY.keySet());
        for (EnvironmentProvider p : providers()) {
            for (String id : p.ids()) {
                if (!out.contains(id)) {
                    out.add(id);
                }
            }
        }
        for (String c : CLASSES) {
            if (!out.contains(c)) {
                out.add(c);
            }
        }
        return List.copyOf(out);
    }

    /** The ids of the native environments only, in registration order. */
    public static List<String> nativeIds() {
        return List.copyOf(REGISTRY.keySet());
    }

    /** True when {@link #make(String, Map)} knows {@code id}: a native id, a provider's id or an environment class. */
    public static boolean isKnown(String id) {
        return REGISTRY.containsKey(id) || provider(id) != null || environmentClass(id) != null;
    }

    /** The option names environment {@code id} accepts (empty for an environment class). */
    public static List<String> optionNames(String id) {
        if (!REGISTRY.containsKey(id)) {
            EnvironmentProvider p = provider(id);
            if (p != null) {
                return p.optionNames(id);
            }
            if (environmentClass(id) != null) {
                return List.of();
            }
        }
        return entry(id).options();
    }

    /** Environment {@code id} with its default options. */
    public static Environment make(String id) {
        return make(id, Map.of());
    }

    /** Environment {@code id} configured by {@code options} (option name to value; absent names take defaults). */
    public static Environment make(String id, Map<String, String> options) {
        if (!REGISTRY.containsKey(id)) {
            EnvironmentProvider p = provider(id);
            if (p != null) {
                return p.make(id, Map.copyOf(options));
            }
            Class<? extends Environment> type = environmentClass(id);
            if (type != null) {
                return instantiate(type, options);
            }
        }
        Entry entry = entry(id);
        for (String name : options.keySet()) {
            if (!entry.options().contains(name)) {
                throw new IllegalArgumentException("unknown option '" + name + "' for " + id + "; known options: "
                        + String.join(", ", entry.options()));
            }
        }
        return entry.factory().apply(new Options(id, options));
    }

    private static Entry entry(String id) {
        Entry entry = REGISTRY.get(id);
        if (entry == null) {
            throw new IllegalArgumentException("unknown environment id '" + id + "'; known ids: " + String.join(", ", ids())
                    + " (or the name of a public class implementing org.dirpg.env.Environment on the class path)");
        }
        return entry;
    }

    private static List<EnvironmentProvider> providers() {
        List<EnvironmentProvider> out = new java.util.ArrayList<>();
        ServiceLoader.load(EnvironmentProvider.class, loader()).forEach(out::add);
        return out;
    }

    private static EnvironmentProvider provider(String id) {
        for (EnvironmentProvider p : providers()) {
            if (p.ids().contains(id)) {
                return p;
            }
        }
        return null;
    }

    private static ClassLoader loader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : Environments.class.getClassLoader();
    }

    /** The class named {@code name} when it is an environment; null when no such class exists. */
    private static Class<? extends Environment> environmentClass(String name) {
        if (!name.contains(".") || name.contains("/")) {
            return null;
        }
        Class<?> c;
        try {
            c = Class.forName(name, false, loader());
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
        if (!Environment.class.isAssignableFrom(c)) {
            throw new IllegalArgumentException("environment class " + name + " does not implement "
                    + Environment.class.getName());
        }
        return c.asSubclass(Environment.class);
    }

    private static Environment instantiate(Class<? extends Environment> type, Map<String, String> options) {
        try {
            try {
                return type.getConstructor(Map.class).newInstance(Map.copyOf(options));
            } catch (NoSuchMethodException e) {
                if (!options.isEmpty()) {
                    throw new IllegalArgumentException("environment class " + type.getName() + " takes no options "
                            + "(it has no public constructor taking a Map<String, String>); got " + options.keySet());
                }
                return type.getConstructor().newInstance();
            }
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException("environment class " + type.getName() + " needs a public constructor "
                    + "taking Map<String, String> options or none");
        } catch (java.lang.reflect.InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException("environment class " + type.getName() + " failed to construct: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("environment class " + type.getName() + " cannot be made: " + e);
        }
    }

    private static Environment bandit(Options o) {
        int nodes = o.getInt("nodes", 6);
        String mu = o.values.get("mu");
        if (mu == null) {
            return SpanningTreeBandit.complete(nodes, o.getLong("seed", 0L));
        }
        if (o.values.containsKey("seed")) {
            throw new IllegalArgumentException(SpanningTreeBandit.ID + ": give either option mu or option seed, not both");
        }
        String[] parts = mu.split(",");
        double[] values = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            values[i] = o.parseDouble("mu", parts[i].trim());
        }
        return new SpanningTreeBandit(nodes, SpanningTreeBandit.completeGraph(nodes), values);
    }

    /** String options with typed, validated access. */
    private static final class Options {
        private final String id;
        private final Map<String, String> values;

        Options(String id, Map<String, String> values) {
            this.id = id;
            this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        }

        int getInt(String name, int fallback) {
            String v = values.get(name);
            if (v == null) {
                return fallback;
            }
            try {
                return Integer.parseInt(v.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(id + ": option " + name + " must be an integer, got '" + v + "'");
            }
        }

        long getLong(String name, long fallback) {
            String v = values.get(name);
            if (v == null) {
                return fallback;
            }
            try {
                return Long.parseLong(v.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(id + ": option " + name + " must be a 64-bit integer, got '" + v + "'");
            }
        }

        boolean getBoolean(String name, boolean fallback) {
            String v = values.get(name);
            if (v == null) {
                return fallback;
            }
            return switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "true", "1", "yes" -> true;
                case "false", "0", "no" -> false;
                default -> throw new IllegalArgumentException(id + ": option " + name + " must be true or false, got '" + v + "'");
            };
        }

        /** A comma-separated action list such as "0,1,2,5" as a bit mask; all of 0..n-1 when absent. */
        long getActions(String name, int n) {
            String v = values.get(name);
            if (v == null) {
                return (1L << n) - 1;
            }
            long mask = 0;
            for (String part : v.split(",")) {
                int a;
                try {
                    a = Integer.parseInt(part.trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(id + ": option " + name + " must list actions in 0.." + (n - 1)
                            + " separated by commas, e.g. 0,1,2,5; got '" + v + "'");
                }
                if (a < 0 || a >= n) {
                    throw new IllegalArgumentException(id + ": option " + name + " has action " + a + "; actions are 0.." + (n - 1));
                }
                mask |= 1L << a;
            }
            return mask;
        }

        double getDouble(String name, double fallback) {
            String v = values.get(name);
            return v == null ? fallback : parseDouble(name, v.trim());
        }

        double parseDouble(String name, String v) {
            try {
                return Double.parseDouble(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(id + ": option " + name + " must be a number, got '" + v + "'");
            }
        }
    }
}
