package org.dirpg.env.classic;

import java.util.Arrays;
import java.util.Comparator;

/** Union-find and Kruskal's maximum spanning tree over an edge list, for {@link SpanningTreeBandit}. */
final class Kruskal {
    private Kruskal() {
    }

    /** A component label per node of the forest made of the edges whose bits are set in {@code chosen}. */
    static int[] components(int n, int[][] edges, long chosen) {
        int[] parent = identity(n);
        for (long bits = chosen; bits != 0; bits &= bits - 1) {
            int e = Long.numberOfTrailingZeros(bits);
            union(parent, edges[e][0], edges[e][1]);
        }
        for (int v = 0; v < n; v++) {
            parent[v] = find(parent, v);
        }
        return parent;
    }

    /** A maximum-weight spanning tree as a membership array, or null when the graph is disconnected. */
    static boolean[] maximumSpanningTree(int n, int[][] edges, double[] weights) {
        Integer[] order = new Integer[edges.length];
        for (int e = 0; e < order.length; e++) {
            if (Double.isNaN(weights[e])) {
                throw new IllegalArgumentException("edge weight " + e + " is NaN");
            }
            order[e] = e;
        }
        // Stable on ties, so equal weights prefer the earlier edge.
        Arrays.sort(order, Comparator.comparingDouble((Integer e) -> weights[e]).reversed());
        int[] parent = identity(n);
        boolean[] tree = new boolean[edges.length];
        int added = 0;
        for (int e : order) {
            if (union(parent, edges[e][0], edges[e][1])) {
                tree[e] = true;
                added++;
            }
        }
        return added == n - 1 ? tree : null;
    }

    private static int[] identity(int n) {
        int[] parent = new int[n];
        for (int v = 0; v < n; v++) {
            parent[v] = v;
        }
        return parent;
    }

    private static int find(int[] parent, int v) {
        while (parent[v] != v) {
            parent[v] = parent[parent[v]];
            v = parent[v];
        }
        return v;
    }

    private static boolean union(int[] parent, int a, int b) {
        int ra = find(parent, a);
        int rb = find(parent, b);
        if (ra == rb) {
            return false;
        }
        parent[Math.max(ra, rb)] = Math.min(ra, rb);
        return true;
    }
}
