package org.dirpg.search;

/** Observes the regions a search creates, for tests and diagnostics. Called on the search's thread. */
public interface SearchTrace {
    SearchTrace NONE = (node, allowed, g) -> { };

    /** A region R(node's prefix, allowed) with Gumbel g has been created (root, "other children" or special child). */
    void onRegion(Node node, long allowed, double g);
}
