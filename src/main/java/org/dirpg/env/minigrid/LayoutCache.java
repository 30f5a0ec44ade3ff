package org.dirpg.env.minigrid;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongFunction;

/** A small thread-safe LRU cache of generated maps by seed (a search and its decoded tokens share one map). */
final class LayoutCache {
    private final Map<Long, MultiRoomLayout> maps;

    LayoutCache(int capacity) {
        this.maps = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, MultiRoomLayout> eldest) {
                return size() > capacity;
            }
        };
    }

    synchronized MultiRoomLayout get(long seed, LongFunction<MultiRoomLayout> generate) {
        MultiRoomLayout m = maps.get(seed);
        if (m == null) {
            m = generate.apply(seed);
            maps.put(seed, m);
        }
        return m;
    }
}
