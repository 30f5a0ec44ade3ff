package org.dirpg.policy.net;

import java.util.ArrayList;
import java.util.List;

/**
 * The plain-array network of a {@link NetSpec} for one theta: each image part through its tower (convolutions,
 * flatten, optional dense), the towers' outputs and the other parts' encodings concatenated, then the hidden layers and
 * the linear head. Forward and backward on float arrays, single-threaded per call, so results do not depend on the
 * machine's thread count; immutable after construction, so one instance serves several threads.
 *
 * <p>Call order: construct over a theta; {@link #logits} (or {@code forward}) any number of times from any thread;
 * for a gradient, {@link #newGradient}, then {@link #backward} per observation or per batch of observations (from
 * features, or from the activations of earlier {@code forward} passes of this same network), then {@link #scatter}
 * into a theta-shaped vector.
 */
public final class Network {
    private final NetSpec spec;
    private final List<NetSpec.Input> images;
    private final List<List<Layer>> towers = new ArrayList<>();
    private final List<Layer> trunk = new ArrayList<>();
    private final List<Layer> all = new ArrayList<>();
    private final int concatWidth;
    private final int vectorWidth;

    /** The network of {@code spec} with parameters {@code theta} (laid out as {@link NetLayout} says). */
    public Network(NetSpec spec, double[] theta) {
        this.spec = spec;
        NetLayout layout = NetLayout.of(spec);
        if (theta.length != layout.size()) {
            throw new IllegalArgumentException("theta has length " + theta.length + ", the network has "
                    + layout.size() + " parameters");
        }
        this.images = spec.images();
        for (NetSpec.Input input : images) {
            NetSpec.Image im = (NetSpec.Image) input.encoding();
            String prefix = images.size() == 1 ? "" : input.name() + "_";
            List<Layer> tower = new ArrayList<>();
            int h = im.h();
            int w = im.w();
            int c = im.c();
            int k = 1;
            for (NetSpec.Conv conv : im.cnn().convs()) {
                Conv2d layer = new Conv2d(h, w, c, conv.kernel(), conv.stride(), conv.channels(), conv.activation(),
                        layout.layer(prefix + "conv" + k++).index());
                tower.add(layer);
                h = layer.outputHeight();
                w = layer.outputWidth();
                c = layer.outputChannels();
            }
            tower.add(new Flatten(h, w, c));
            if (im.cnn().dense() > 0) {
                tower.add(new Dense(h * w * c, im.cnn().dense(), Activation.RELU, layout.layer(prefix + "dense").index()));
            }
            towers.add(tower);
            all.addAll(tower);
        }
        this.concatWidth = spec.concatWidth();
        this.vectorWidth = spec.vectorWidth();
        int width = concatWidth;
        int k = 1;
        for (int hidden : spec.hidden()) {
            trunk.add(new Dense(width, hidden, spec.hiddenActivation(), layout.layer("hidden" + k++).index()));
            width = hidden;
        }
        trunk.add(new Dense(width, spec.numActions(), Activation.IDENTITY, layout.layer("logits").index()));
        all.addAll(trunk);
        for (Layer layer : all) {
            layer.load(theta);
        }
    }

    /** The architecture. */
    public NetSpec spec() {
        return spec;
    }

    /** The logits of one observation (a {@code State.features()} vector). */
    public void logits(double[] features, double[] out) {
        forward(features).logits(out);
    }

    /**
     * Every layer's input and output for one observation: what {@link #backward(Activations, double[], float[][][])}
     * needs, so a policy that keeps them from its forward pass does not run it again for the gradient. Read-only once
     * built (backward never writes them), so several threads may back-propagate through one.
     */
    static final class Activations {
        final float[][][] towers;
        final float[][] trunk;
        private final int floats;

        Activations(float[][][] towers, float[][] trunk) {
            this.towers = towers;
            this.trunk = trunk;
            int n = 0;
            for (float[][] tower : towers) {
                for (float[] a : tower) {
                    n += a.length;
                }
            }
            for (float[] a : trunk) {
                n += a.length;
            }
            this.floats = n;
        }

        /** The floats held (for a cache's memory budget). */
        int floats() {
            return floats;
        }

        /** Copies the logits (the last layer's output) into {@code out}. */
        void logits(double[] out) {
            float[] logits = trunk[trunk.length - 1];
            for (int i = 0; i < logits.length; i++) {
                out[i] = logits[i];
            }
        }
    }

    Activations forward(double[] features) {
        float[][][] towerActs = new float[towers.size()][][];
        float[] concat = new float[concatWidth];
        int at = 0;
        for (int t = 0; t < towers.size(); t++) {
            List<Layer> tower = towers.get(t);
            float[][] acts = new float[tower.size() + 1][];
            acts[0] = Encoder.image(images.get(t), features);
            for (int l = 0; l < tower.size(); l++) {
                acts[l + 1] = new float[tower.get(l).outputSize()];
                tower.get(l).forward(acts[l], acts[l + 1]);
            }
            float[] out = acts[tower.size()];
            System.arraycopy(out, 0, concat, at, out.length);
            at += out.length;
            towerActs[t] = acts;
        }
        Encoder.vector(spec, features, concat, at);
        float[][] trunkActs = new float[trunk.size() + 1][];
        trunkActs[0] = concat;
        for (int l = 0; l < trunk.size(); l++) {
            trunkActs[l + 1] = new float[trunk.get(l).outputSize()];
            trunk.get(l).forward(trunkActs[l], trunkActs[l + 1]);
        }
        return new Activations(towerActs, trunkActs);
    }

    /** Fresh gradient buffers, one per layer in the network's order ({@link Layer#newGradient}: rows per layer). */
    public float[][][] newGradient() {
        float[][][] grads = new float[all.size()][][];
        for (int i = 0; i < all.size(); i++) {
            grads[i] = all.get(i).newGradient();
        }
        return grads;
    }

    /** Adds {@code (d logits(features) / d theta)^T dLogits} into {@code grads} ({@link #newGradient}). */
    public void backward(double[] features, double[] dLogits, float[][][] grads) {
        backward(forward(features), dLogits, grads);
    }

    /** As {@link #backward(double[], double[], float[][][])}, from the activations of this network's forward pass. */
    void backward(Activations a, double[] dLogits, float[][][] grads) {
        backward(new Activations[] {a}, new double[][] {dLogits}, grads);
    }

    /**
     * Adds {@code sum_b (d logits_b / d theta)^T dLogits[b]} into {@code grads} for a batch of observations, from the
     * activations of this network's forward passes: layer by layer from the logits down, each layer's
     * {@link Layer#backwardBatch} over the whole batch (a convolution gathers its weight gradient over every
     * observation at once). The result depends on the batch's order and grouping, never on threads.
     */
    void backward(Activations[] a, double[][] dLogits, float[][][] grads) {
        int batch = a.length;
        int towerLayers = all.size() - trunk.size();
        float[][] d = new float[batch][spec.numActions()];
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < d[b].length; i++) {
                d[b][i] = (float) dLogits[b][i];
            }
        }
        boolean needConcat = !towers.isEmpty();
        for (int l = trunk.size() - 1; l >= 0; l--) {
            Layer layer = trunk.get(l);
            float[][] dIn = l > 0 || needConcat ? new float[batch][layer.inputSize()] : null;
            float[][] in = new float[batch][];
            float[][] out = new float[batch][];
            for (int b = 0; b < batch; b++) {
                in[b] = a[b].trunk[l];
                out[b] = a[b].trunk[l + 1];
            }
            layer.backwardBatch(in, out, d, dIn, grads[towerLayers + l]);
            d = dIn;
        }
        int at = 0;
        int g = 0;
        for (int t = 0; t < towers.size(); t++) {
            List<Layer> tower = towers.get(t);
            int width = tower.get(tower.size() - 1).outputSize();
            float[][] dt = new float[batch][width];
            for (int b = 0; b < batch; b++) {
                System.arraycopy(d[b], at, dt[b], 0, width);
            }
            at += width;
            for (int l = tower.size() - 1; l >= 0; l--) {
                float[][] dIn = l > 0 ? new float[batch][tower.get(l).inputSize()] : null;
                float[][] in = new float[batch][];
                float[][] out = new float[batch][];
                for (int b = 0; b < batch; b++) {
                    in[b] = a[b].towers[t][l];
                    out[b] = a[b].towers[t][l + 1];
                }
                tower.get(l).backwardBatch(in, out, dt, dIn, grads[g + l]);
                dt = dIn;
            }
            g += tower.size();
        }
    }

    /** Adds the buffers of {@link #backward} into {@code gradient}, laid out as theta. */
    public void scatter(float[][][] grads, double[] gradient) {
        for (int i = 0; i < all.size(); i++) {
            all.get(i).scatter(grads[i], gradient);
        }
    }
}
