package org.dirpg.train;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import org.dirpg.policy.Policy;
import org.dirpg.policy.net.PolicyDescription;
import java.nio.charset.StandardCharsets;

/**
 * A training run frozen between two updates: its settings, how many updates and interactions it has done, the
 * policy's flat parameters theta and the Adam state (m, v, t). Stored as one JSON object (gson).
 *
 * <p>Resuming restores theta and the Adam state exactly and continues the update numbering at {@link #updatesDone()}.
 * The trainers' random generators are not part of a checkpoint, so a resumed run draws its episodes from
 * {@link #resumeSeed()} (a function of the run's seed and the updates done): reproducible, but not the draws the
 * uninterrupted run would have made.
 *
 * @param format       {@link #FORMAT}, checked on reading
 * @param settings     the run's settings
 * @param updatesDone  updates performed so far (the next update's index)
 * @param interactions cumulative environment interactions so far
 * @param parameters   the policy's flat theta; null for policy-free trainers
 * @param adamState    {@link org.dirpg.policy.Adam#state()}; null when the trainer's optimiser is not accessible
 * @param policyRules  how the settings' policy is built from the environment: {@link #POLICY_RULES} (from the
 *                     observation spaces); absent in checkpoints written before, whose "auto" is read as
 *                     {@link TrainerFactory#LEGACY_AUTO} (the bandit's Bernoulli, the MiniGrid net, else linear)
 * @param network      the policy's architecture ({@link PolicyDescription}), so a reader without the environment can
 *                     rebuild it (the Python package's numpy {@code dirpg.Policy}); null in checkpoints written before
 *                     and for policy-free trainers
 */
public record Checkpoint(String format, TrainSettings settings, long updatesDone, long interactions, double[] parameters,
                         double[][] adamState, String policyRules, JsonObject network) {
    /** The format tag of this version of the checkpoint layout. */
    public static final String FORMAT = "dirpg-checkpoint-v1";

    /** The policy rules of this version: networks built from the observation spaces. */
    public static final String POLICY_RULES = "spaces-v1";

    private static final Gson GSON = new GsonBuilder().serializeSpecialFloatingPointValues().create();

    public Checkpoint {
        if (!FORMAT.equals(format)) {
            throw new IllegalArgumentException("checkpoint: format must be '" + FORMAT + "', got '" + format + "'");
        }
        if (settings == null) {
            throw new IllegalArgumentException("checkpoint: settings are missing");
        }
        if (updatesDone < 0 || interactions < 0) {
            throw new IllegalArgumentException("checkpoint: updates done and interactions must be >= 0, got "
                    + updatesDone + " and " + interactions);
        }
        if (adamState != null && (adamState.length != 3 || adamState[2].length != 1
                || adamState[0].length != adamState[1].length
                || (adamState[0].length != 0 && (parameters == null || adamState[0].length != parameters.length)))) {
            throw new IllegalArgumentException("checkpoint: Adam state must be [m, v, [t]] with m and v as long as the "
                    + "parameters (" + (parameters == null ? 0 : parameters.length) + ")");
        }
        parameters = parameters == null ? null : parameters.clone();
        if (policyRules == null && settings.policy().equals("auto")) {
            settings = settings.toBuilder().policy(TrainerFactory.LEGACY_AUTO).build();
        }
        if (policyRules == null) {
            policyRules = POLICY_RULES;
        }
    }

    /** A checkpoint of the current format, without a description of the policy's architecture. */
    public static Checkpoint of(TrainSettings settings, long updatesDone, long interactions, double[] parameters,
                                double[][] adamState) {
        return new Checkpoint(FORMAT, settings, updatesDone, interactions, parameters, adamState, POLICY_RULES, null);
    }

    /** A checkpoint of {@code policy}: its theta and its architecture ({@link PolicyDescription}). */
    public static Checkpoint of(TrainSettings settings, long updatesDone, long interactions, Policy policy,
                                double[][] adamState) {
        return new Checkpoint(FORMAT, settings, updatesDone, interactions, policy.parameters(), adamState, POLICY_RULES,
                PolicyDescription.of(policy));
    }

    @Override
    public JsonObject network() {
        return network == null ? null : network.deepCopy();
    }

    @Override
    public double[] parameters() {
        return parameters == null ? null : parameters.clone();
    }

    /** The seed a run resumed from this checkpoint trains with: the run's seed mixed with the updates done. */
    public long resumeSeed() {
        long z = settings.seed() + 0x9E3779B97F4A7C15L * (updatesDone + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The JSON text of this checkpoint. */
    public String toJson() {
        return GSON.toJson(this);
    }

    /** UTF-8 bytes of {@link #toJson()}. */
    public byte[] toBytes() {
        return toJson().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Reads a checkpoint written by {@link #toJson()}.
     *
     * @throws IllegalArgumentException if the text is not such a checkpoint (the message says what is wrong)
     */
    public static Checkpoint fromJson(String json) {
        Checkpoint c;
        try {
            c = GSON.fromJson(json, Checkpoint.class);
        } catch (RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof IllegalArgumentException iae && !(t instanceof NumberFormatException)) {
                    String m = String.valueOf(iae.getMessage());
                    throw m.startsWith("checkpoint") ? iae : new IllegalArgumentException("checkpoint: " + m, iae);
                }
            }
            throw new IllegalArgumentException("checkpoint: not a valid checkpoint JSON: " + e.getMessage(), e);
        }
        if (c == null) {
            throw new IllegalArgumentException("checkpoint: empty");
        }
        return c;
    }

    /**
     * Writes this checkpoint to {@code file} (parent directories created): JSON, or gzip-compressed JSON when the
     * name ends in ".gz"; {@link #read} reads either back.
     */
    public void write(java.nio.file.Path file) throws java.io.IOException {
        java.nio.file.Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            java.nio.file.Files.createDirectories(parent);
        }
        if (file.getFileName().toString().endsWith(".gz")) {
            try (java.io.OutputStream out = new java.util.zip.GZIPOutputStream(java.nio.file.Files.newOutputStream(file))) {
                out.write(toBytes());
            }
            return;
        }
        java.nio.file.Files.writeString(file, toJson());
    }

    /** Reads a checkpoint file: JSON, or gzip-compressed JSON when the name ends in ".gz" (as under models/). */
    public static Checkpoint read(java.nio.file.Path file) throws java.io.IOException {
        if (!java.nio.file.Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no checkpoint file at " + file);
        }
        if (file.getFileName().toString().endsWith(".gz")) {
            try (java.io.InputStream in = new java.util.zip.GZIPInputStream(java.nio.file.Files.newInputStream(file))) {
                return fromBytes(in.readAllBytes());
            }
        }
        return fromJson(java.nio.file.Files.readString(file));
    }

    /** Reads UTF-8 bytes written by {@link #toBytes()}. */
    public static Checkpoint fromBytes(byte[] bytes) {
        return fromJson(new String(bytes, StandardCharsets.UTF_8));
    }
}
